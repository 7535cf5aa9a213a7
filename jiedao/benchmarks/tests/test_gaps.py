"""The gap arithmetic, pure: both directions, the boundary, nothing to measure, the laggards, the summary."""

from datetime import date
from decimal import Decimal as D

import pytest

from jiedao.benchmarks.gaps import (
    gap,
    holding_down,
    is_met,
    months_up_to,
    summarise,
    trend_direction,
    trend_svg,
)


@pytest.mark.parametrize("value, required, comparator, expected_gap, met", [
    (D("92.5"), D(90), ">=", D("2.5"), True),
    (D("85.5"), D(90), ">=", D("-4.5"), False),
    (D("90.0"), D(90), ">=", D("0.0"), True),  # exactly the requirement meets it
    (D("3.0"), D(5), "<=", D("2.0"), True),  # at most 5 %: two points to spare
    (D("7.5"), D(5), "<=", D("-2.5"), False),  # two and a half points too many
    (D("5"), D(5), "<=", D("0"), True),
    (None, D(90), ">=", None, False),  # nothing to measure: no gap, not met
    (D(12), None, "<=", None, False),
])
def test_gap_is_signed_in_the_criterions_direction(value, required, comparator, expected_gap, met):
    assert gap(value, required, comparator) == expected_gap
    assert is_met(value, required, comparator) is met


def test_holding_down_names_the_worst_three_that_miss_it():
    values = [("a", D(95)), ("b", D(70)), ("c", None), ("d", D(88)), ("e", D(60)), ("f", D(80)), ("g", D(90))]

    assert holding_down(values, D(90), ">=") == [("e", D(60)), ("b", D(70)), ("f", D(80))]
    assert holding_down(values, D(85), "<=") == [("a", D(95)), ("g", D(90)), ("d", D(88))]
    assert holding_down([("a", D(95))], D(90), ">=") == []


def test_the_summary_weighs_only_weighted_criteria():
    assert summarise([(True, None), (False, None)]).weighted_share is None
    weighted = summarise([(True, D(40)), (False, D(30)), (True, D(30))])
    partly = summarise([(True, D(20)), (False, D(60)), (True, None)])

    assert (weighted.met, weighted.total, weighted.weighted_share, weighted.unweighted) == (2, 3, D("70.0"), 0)
    assert (partly.met, partly.total, partly.weighted_share, partly.unweighted) == (2, 3, D("25.0"), 1)


def test_the_six_months_cross_the_year():
    months = months_up_to(date(2027, 2, 14))

    assert months[0] == (date(2026, 9, 1), date(2026, 10, 1))
    assert months[-1] == (date(2027, 2, 1), date(2027, 3, 1))
    assert len(months) == 6


@pytest.mark.parametrize("values, comparator, direction", [
    ([D(90), D(80), D(85)], ">=", 1), ([D(70), D(80), D(75)], ">=", -1),
    ([D(8), D(6)], "<=", 1), ([D(6), D(8)], "<=", -1), ([D(6), D(6)], ">=", 0), ([D(5), None, D(6)], ">=", 0),
    ([D(6)], ">=", 0),
])
def test_the_trend_direction_is_against_the_month_before(values, comparator, direction):
    assert trend_direction(values, comparator) == direction


def test_the_trend_chart_has_no_style_attribute():
    chart = trend_svg([None, D(80), D(95)], D(90))

    assert chart.count("<rect") == 3 and "<line" in chart
    assert "style=" not in chart
