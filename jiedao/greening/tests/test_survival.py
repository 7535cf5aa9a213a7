from datetime import date
from decimal import Decimal

from jiedao.greening.survival import check_due_on, check_schedule, replanting_due, survival_rate


def test_survival_rate_is_surviving_over_planted_to_one_decimal():
    # 17 of 20 trees: 85.0 %; 41.5 of 50 m²: 83.0 %; 2 of 3: 66.666… → 66.7 %
    assert survival_rate(planted=20, surviving=17) == Decimal("85.0")
    assert survival_rate(planted=Decimal("50"), surviving=Decimal("41.5")) == Decimal("83.0")
    assert survival_rate(planted=3, surviving=2) == Decimal("66.7")


def test_survival_rate_without_denominator_or_check_is_none():
    assert survival_rate(planted=0, surviving=0) is None
    assert survival_rate(planted=None, surviving=3) is None
    assert survival_rate(planted=10, surviving=None) is None


def test_schedule_is_intervals_and_each_autumn_after_planting():
    # planted 2026-03-01: +30 → 03-31, +90 → 05-30, autumn 2026-10-01
    assert check_schedule(planted_on=date(2026, 3, 1), intervals=[30, 90], autumn_month=10,
                          until=date(2027, 12, 31)) == [date(2026, 3, 31), date(2026, 5, 30), date(2026, 10, 1),
                                                        date(2027, 10, 1)]


def test_check_due_is_the_first_scheduled_date_after_the_latest_check():
    planted = date(2026, 3, 1)
    common = dict(planted_on=planted, intervals=[30, 90], autumn_month=10)
    assert check_due_on(latest_check_on=None, today=date(2026, 3, 30), **common) is None
    assert check_due_on(latest_check_on=None, today=date(2026, 4, 2), **common) == date(2026, 3, 31)
    assert check_due_on(latest_check_on=date(2026, 4, 1), today=date(2026, 6, 1), **common) == date(2026, 5, 30)
    assert check_due_on(latest_check_on=date(2026, 6, 1), today=date(2026, 9, 30), **common) is None
    assert check_due_on(latest_check_on=date(2026, 6, 1), today=date(2026, 10, 2), **common) == date(2026, 10, 1)


def test_replanting_due_below_the_threshold_only():
    threshold = Decimal("85")
    assert replanting_due(rate=Decimal("84.9"), threshold=threshold) is True
    assert replanting_due(rate=Decimal("85.0"), threshold=threshold) is False
    assert replanting_due(rate=None, threshold=threshold) is False
