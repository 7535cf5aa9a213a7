"""The pure arithmetic: units, the limit, the ban window, the distance, a share with a zero whole."""

from datetime import date
from decimal import Decimal

import pytest

from jiedao.air.rules import UnknownUnit, Window, distance_m, exceeds, in_any_window, share, to_mg_m3


@pytest.mark.parametrize(("value", "unit", "expected"), [
    ("80", "μg/m³", "0.080"), ("80", "ug/m3", "0.080"), ("80", "µg/m³", "0.080"),  # micro sign, ASCII
    ("2.5", "mg/m³", "2.5"), ("2.5", "mg/m3", "2.5"), ("0.002", "g/m³", "2.000"), ("1500", "ng/m³", "0.0015"),
])
def test_declared_units_convert_to_mg_per_cubic_metre(value, unit, expected):
    assert to_mg_m3(Decimal(value), unit) == Decimal(expected)


@pytest.mark.parametrize("unit", ["ppm", "mg/L", "", "mg", "μg/m²"])
def test_an_undeclared_unit_is_refused_never_guessed(unit):
    with pytest.raises(UnknownUnit):
        to_mg_m3(Decimal("1"), unit)


def test_a_value_equal_to_the_limit_does_not_exceed_it_and_no_limit_never_does():
    assert exceeds(Decimal("2.0"), Decimal("2.0")) is False
    assert exceeds(Decimal("2.01"), Decimal("2.0")) is True
    assert exceeds(Decimal("999"), None) is False


def test_a_window_within_the_year_and_one_wrapping_over_new_year():
    summer = Window(5, 20, 6, 30)
    assert summer.covers(date(2026, 5, 20)) and summer.covers(date(2026, 6, 30))
    assert not summer.covers(date(2026, 5, 19)) and not summer.covers(date(2026, 7, 1))
    winter = Window(12, 20, 2, 28)
    assert winter.covers(date(2026, 12, 31)) and winter.covers(date(2027, 1, 1)) and winter.covers(date(2027, 2, 28))
    assert not winter.covers(date(2026, 12, 19)) and not winter.covers(date(2027, 3, 1))
    assert in_any_window(date(2026, 6, 1), [winter, summer]) and not in_any_window(date(2026, 8, 1), [winter, summer])


def test_distance_of_one_thousandth_degree_of_latitude_is_about_111_metres():
    assert distance_m(120.0, 30.0, 120.0, 30.001) == pytest.approx(111.2, abs=0.1)


def test_share_rounds_to_one_decimal_and_is_none_for_nothing():
    assert share(1, 3) == Decimal("33.3")
    assert share(2, 3) == Decimal("66.7")
    assert share(0, 0) is None
