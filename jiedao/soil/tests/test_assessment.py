"""The pure assessment: the right limit for the class and pH band, the three levels, units."""

from decimal import Decimal

import pytest

from jiedao.soil.assessment import Limit, UnknownUnit, assess, limit_for, to_mg_per_kg, worst
from jiedao.soil.models import Level

D = Decimal
FARMLAND_CD = [
    Limit("Cd", D("0.3"), D("1.5"), None, D("5.5")),
    Limit("Cd", D("0.3"), D("2.0"), D("5.5"), D("6.5")),
    Limit("Cd", D("0.3"), D("3.0"), D("6.5"), D("7.5")),
    Limit("Cd", D("0.6"), D("4.0"), D("7.5"), None),
]


@pytest.mark.parametrize(("ph", "control"), [
    ("4.8", "1.5"), ("5.5", "1.5"), ("5.51", "2.0"), ("6.5", "2.0"), ("7.0", "3.0"), ("7.5", "3.0"), ("8.2", "4.0"),
])
def test_the_farmland_band_is_chosen_by_ph_with_the_upper_bound_inclusive(ph, control):
    assert limit_for(FARMLAND_CD, parameter="Cd", ph=D(ph)).control_value == D(control)


def test_farmland_without_ph_has_no_limit():
    assert limit_for(FARMLAND_CD, parameter="Cd", ph=None) is None
    assert assess(D("9"), None) == Level.NO_LIMIT


def test_the_same_value_is_judged_differently_in_two_bands():
    # 2.5 mg/kg Cd: above 管制值 2.0 at pH 6.0, between 筛选值 0.3 and 管制值 3.0 at pH 7.0.
    assert assess(D("2.5"), limit_for(FARMLAND_CD, parameter="Cd", ph=D("6.0"))) == Level.ABOVE_CONTROL
    assert assess(D("2.5"), limit_for(FARMLAND_CD, parameter="Cd", ph=D("7.0"))) == Level.ABOVE_SCREENING


def test_the_limits_themselves_are_not_exceeded():
    limit = Limit("As", D("20"), D("120"))  # GB 36600 第一类用地 arsenic
    assert assess(D("20"), limit) == Level.BELOW_SCREENING
    assert assess(D("20.001"), limit) == Level.ABOVE_SCREENING
    assert assess(D("120"), limit) == Level.ABOVE_SCREENING
    assert assess(D("120.5"), limit) == Level.ABOVE_CONTROL


def test_without_a_control_value_the_worst_is_above_screening():
    assert assess(D("5000"), Limit("Zn", D("200"), None)) == Level.ABOVE_SCREENING


def test_construction_land_limits_ignore_ph():
    assert limit_for([Limit("Pb", D("400"), D("800"))], parameter="Pb", ph=None).screening_value == D("400")


@pytest.mark.parametrize(("value", "unit", "expected"), [
    ("420", "μg/kg", "0.420"), ("420", "ug/kg", "0.420"), ("0.45", "mg/kg", "0.45"), ("0.45", "ppm", "0.45"),
    ("1.2", "g/kg", "1200.0"), ("3", "ng/g", "0.003"),
])
def test_declared_units_are_converted_to_mg_per_kg(value, unit, expected):
    assert to_mg_per_kg(D(value), unit) == D(expected)


@pytest.mark.parametrize("unit", ["mg/L", "%", "", "kg"])
def test_unknown_units_are_refused(unit):
    with pytest.raises(UnknownUnit):
        to_mg_per_kg(D("1"), unit)


def test_worst_level():
    assert worst([Level.BELOW_SCREENING, Level.ABOVE_CONTROL, Level.ABOVE_SCREENING]) == Level.ABOVE_CONTROL
    assert worst([]) is None
