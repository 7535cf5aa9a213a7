"""The arithmetic an inspection adds to the checklist's (`checklists.scoring`), pure: what a
re-inspection costs, the score a unit is ranked on, and the periods of a plan."""

from calendar import monthrange
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from decimal import Decimal

from jiedao.checklists.scoring import ZERO, _cents

WEEK, MONTH, QUARTER = "week", "month", "quarter"


def final_score(total: Decimal, reinspection_deduction: Decimal) -> Decimal:
    """The inspection's score after its failed re-inspections (复查扣分), never below zero."""
    return _cents(max(total - reinspection_deduction, ZERO))


def reinspection_deduction(outcomes: Iterable[str], deduction_for) -> Decimal:
    """What one re-inspection costs: the policy's deduction for each item's outcome (0 for 已整改)."""
    return _cents(sum((deduction_for(outcome) for outcome in outcomes), ZERO))


# ---------------------------------------------------------------- plan periods

def period_of(frequency: str, day: date) -> tuple[date, date]:
    """The week (Monday–Sunday), month or quarter holding `day`, both ends inclusive."""
    if frequency == WEEK:
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if frequency == MONTH:
        return day.replace(day=1), day.replace(day=monthrange(day.year, day.month)[1])
    if frequency == QUARTER:
        first_month = 3 * ((day.month - 1) // 3) + 1
        last_month = first_month + 2
        return date(day.year, first_month, 1), date(day.year, last_month, monthrange(day.year, last_month)[1])
    raise ValueError(frequency)


def periods_between(frequency: str, start: date, end: date) -> Iterator[tuple[date, date]]:
    """Every period of the frequency that overlaps `start`–`end`, in order."""
    day = start
    while day <= end:
        period = period_of(frequency, day)
        yield period
        day = period[1] + timedelta(days=1)
