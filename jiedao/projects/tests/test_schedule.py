from datetime import date
from decimal import Decimal

from jiedao.projects.schedule import (
    DONE,
    LATE,
    ON_TIME,
    MilestoneDates,
    budget_execution_rate,
    milestone_days_late,
    milestone_overdue,
    milestones_on_time_rate,
    project_standing,
)

TODAY = date(2026, 11, 17)


def test_days_late():
    assert milestone_days_late(planned_on=date(2026, 11, 10), actual_on=None, today=TODAY) == 7
    assert milestone_days_late(planned_on=date(2026, 11, 10), actual_on=date(2026, 11, 12), today=TODAY) == 2
    assert milestone_days_late(planned_on=date(2026, 11, 10), actual_on=date(2026, 11, 1), today=TODAY) == 0
    assert milestone_days_late(planned_on=date(2026, 12, 1), actual_on=None, today=TODAY) == 0


def test_overdue_is_past_and_open():
    assert milestone_overdue(planned_on=date(2026, 11, 16), actual_on=None, today=TODAY)
    assert not milestone_overdue(planned_on=TODAY, actual_on=None, today=TODAY)
    assert not milestone_overdue(planned_on=date(2026, 11, 1), actual_on=date(2026, 11, 20), today=TODAY)


def test_standing():
    late_one = MilestoneDates(date(2026, 11, 1), None)
    ahead = MilestoneDates(date(2026, 12, 1), None)
    assert project_standing(is_done=True, milestones=[late_one], end_on=date(2026, 1, 1), today=TODAY) == DONE
    assert project_standing(is_done=False, milestones=[late_one], end_on=date(2027, 1, 1), today=TODAY) == LATE
    assert project_standing(is_done=False, milestones=[ahead], end_on=date(2027, 1, 1), today=TODAY) == ON_TIME
    assert project_standing(is_done=False, milestones=[], end_on=date(2026, 11, 16), today=TODAY) == LATE


def test_budget_execution_rate():
    assert budget_execution_rate(budget=Decimal("300000"), spent=Decimal("100000")) == Decimal("33.3")
    assert budget_execution_rate(budget=Decimal("800"), spent=Decimal("1")) == Decimal("0.1")  # 0.125 → 0.1
    assert budget_execution_rate(budget=Decimal("400"), spent=Decimal("1.8")) == Decimal("0.5")  # 0.45 half up
    assert budget_execution_rate(budget=Decimal("0"), spent=Decimal("10")) is None


def test_on_time_rate_counts_milestones_due_in_the_period_before_today():
    milestones = [
        MilestoneDates(date(2026, 11, 2), date(2026, 11, 2)),   # due, on time (same day)
        MilestoneDates(date(2026, 11, 3), date(2026, 11, 5)),   # due, late
        MilestoneDates(date(2026, 11, 4), None),                # due, open: not on time
        MilestoneDates(date(2026, 11, 20), None),               # in the period but not yet due
        MilestoneDates(date(2026, 10, 31), date(2026, 10, 1)),  # before the period
    ]
    assert milestones_on_time_rate(milestones=milestones, start=date(2026, 11, 1), end=date(2026, 12, 1),
                                   today=TODAY) == (1, 3)
    assert milestones_on_time_rate(milestones=[], start=date(2026, 11, 1), end=date(2026, 12, 1),
                                   today=TODAY) == (0, 0)
