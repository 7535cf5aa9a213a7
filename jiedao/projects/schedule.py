"""The arithmetic of the project library, pure: a milestone's days late, a project's standing
(on time / late / done), the budget execution rate (预算执行率) and the milestones' on-time rate."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

ON_TIME, LATE, DONE = "on_time", "late", "done"
STANDINGS = (ON_TIME, LATE, DONE)


@dataclass(frozen=True)
class MilestoneDates:
    planned_on: date
    actual_on: date | None


def milestone_days_late(*, planned_on: date, actual_on: date | None, today: date) -> int:
    """Days past the planned date: to the actual date when done, else to today (overdue while
    open). 0 when on time or not yet due."""
    finished = actual_on if actual_on is not None else today
    return max((finished - planned_on).days, 0)


def milestone_overdue(*, planned_on: date, actual_on: date | None, today: date) -> bool:
    """Overdue: the planned date has passed (before today) and no actual date is recorded."""
    return actual_on is None and planned_on < today


def project_standing(*, is_done: bool, milestones: Iterable[MilestoneDates], end_on: date, today: date) -> str:
    """done when the project is finished; late when a milestone is overdue or the planned
    completion date has passed; on time otherwise."""
    if is_done:
        return DONE
    if end_on < today or any(milestone_overdue(planned_on=m.planned_on, actual_on=m.actual_on, today=today)
                             for m in milestones):
        return LATE
    return ON_TIME


def percent(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    """numerator / denominator × 100 to one decimal, half up; None when nothing is to be divided."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def budget_execution_rate(*, budget: Decimal, spent: Decimal) -> Decimal | None:
    """预算执行率 = 投入 / 预算 × 100 %; None for a project without a budget."""
    return percent(spent, budget)


def milestones_on_time_rate(*, milestones: Iterable[MilestoneDates], start: date, end: date,
                            today: date) -> tuple[int, int]:
    """(on time, due) of the milestones whose planned date falls in [start, end) and before today:
    on time = done on or before the planned date."""
    due = on_time = 0
    for milestone in milestones:
        if not (start <= milestone.planned_on < end and milestone.planned_on < today):
            continue
        due += 1
        if milestone.actual_on is not None and milestone.actual_on <= milestone.planned_on:
            on_time += 1
    return on_time, due
