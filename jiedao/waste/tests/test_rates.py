"""Every rate of standards.md §6 on hand-computed totals, zero denominators included."""

from decimal import Decimal

import pytest

from jiedao.waste.rates import (
    RATES,
    UnknownUnit,
    WasteTotals,
    accuracy_rate,
    coverage_rate,
    harmless_rate,
    participation_rate,
    recycling_rate,
    reduction_rate,
    resource_rate,
    stage_mismatch,
    to_kg,
)

D = Decimal
TOTALS = WasteTotals(households=400, households_covered=300, households_seen=50, households_sorting=41,
                     bins_checked=20, bins_correct=17, collected=D(1000), collected_recyclable=D(150),
                     collected_residual=D(450), kitchen_recovered=D(200), treated_recovered=D(520),
                     treated_harmless=D(980), base_residual=D(500))


def test_each_rate_on_hand_computed_totals():
    assert coverage_rate(TOTALS) == D("0.75")           # 300 / 400
    assert participation_rate(TOTALS) == D("0.82")      # 41 / 50
    assert accuracy_rate(TOTALS) == D("0.85")           # 17 / 20
    assert recycling_rate(TOTALS) == D("0.35")          # (150 + 200) / 1000
    assert resource_rate(TOTALS) == D("0.52")           # 520 / 1000
    assert harmless_rate(TOTALS) == D("0.98")           # 980 / 1000
    assert reduction_rate(TOTALS) == D("0.1")           # (500 − 450) / 500


def test_more_residual_than_the_base_period_is_a_negative_reduction():
    assert reduction_rate(WasteTotals(base_residual=D(400), collected_residual=D(500))) == D("-0.25")


@pytest.mark.parametrize("key", list(RATES))
def test_a_zero_denominator_is_no_data_not_zero(key):
    # Numerators without denominators: still None, never 0 and never a division error.
    lonely = WasteTotals(households_covered=5, households_sorting=5, bins_correct=5, collected_recyclable=D(5),
                         kitchen_recovered=D(5), treated_recovered=D(5), treated_harmless=D(5),
                         collected_residual=D(5))
    assert RATES[key].of(WasteTotals()) is None
    assert RATES[key].of(lonely) is None


def test_totals_add_up_field_by_field():
    both = TOTALS + WasteTotals(households=100, collected=D(1000))
    assert (both.households, both.collected, both.bins_checked) == (500, D(2000), 20)
    assert coverage_rate(both) == D("0.6")


@pytest.mark.parametrize(("upstream", "downstream", "flagged"), [
    (D(1000), D(950), False),   # 5 % short: at the tolerance, not beyond
    (D(1000), D(949), True),    # 5.1 % short
    (D(1000), D(1051), True),   # more delivered than collected, beyond 5 %
    (D(1000), D(1050), False),
    (D(0), D(0), False),
    (D(0), D("0.5"), True),     # delivered from nothing collected
    (D(200), D(0), True),       # collected, never delivered
])
def test_stage_mismatch_beyond_the_tolerance(upstream, downstream, flagged):
    assert stage_mismatch(upstream=upstream, downstream=downstream, tolerance_percent=D(5)) is flagged


def test_a_zero_tolerance_flags_any_difference():
    assert stage_mismatch(upstream=D(100), downstream=D("99.99"), tolerance_percent=D(0)) is True
    assert stage_mismatch(upstream=D(100), downstream=D(100), tolerance_percent=D(0)) is False


def test_units_convert_to_kg_and_an_unknown_unit_is_refused():
    assert to_kg(D("1.25"), "t") == D("1250.00")
    assert to_kg(D("3"), "吨") == D(3000)
    assert to_kg(D("3"), " KG ") == D(3)
    with pytest.raises(UnknownUnit):
        to_kg(D(1), "lb")
    with pytest.raises(UnknownUnit):
        to_kg(D(1), "")
