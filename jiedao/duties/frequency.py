"""The arithmetic of recurring duties, pure: the periods of a frequency (day, ISO week, 旬, month,
quarter, year), seasonal windows (3–12 月, or 11–3 across the new year), the days a plan counts
(every day, or working days on worktime's calendar with its holidays and 调休 days), and how many
occurrences a plan requires over a range of days.

A period is a `Period(start, end)` of whole local days, `end` exclusive. A period that lies partly
outside the season or the plan's dates is still required in full if any of its counted days fall in
the window: "Mar–Dec ≥1/周" (standards.md §5, 阿合奇县) asks for the week of 1 March even when it
began in February. A period without one counted day (a week of 国庆 holidays for a working-days
plan, a month outside the season) requires nothing.
"""

from __future__ import annotations

import calendar as month_calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

DAY, WEEK, XUN, MONTH, QUARTER, YEAR = "day", "week", "xun", "month", "quarter", "year"
UNITS = (DAY, WEEK, XUN, MONTH, QUARTER, YEAR)


class WorkingDays(Protocol):
    def is_working_day(self, d: date) -> bool: ...


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # exclusive

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day < self.end

    def days(self) -> Iterator[date]:
        day = self.start
        while day < self.end:
            yield day
            day += timedelta(days=1)


def _month_end(year: int, month: int) -> date:
    """The first day of the next month."""
    return date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)


def period_of(unit: str, day: date) -> Period:
    """The period of `unit` holding `day`. Weeks are ISO weeks (Monday to Sunday); 旬 are days
    1–10, 11–20 and 21 to the month's end (下旬 is 8, 9, 10 or 11 days)."""
    if unit == DAY:
        return Period(day, day + timedelta(days=1))
    if unit == WEEK:
        monday = day - timedelta(days=day.weekday())
        return Period(monday, monday + timedelta(days=7))
    if unit == XUN:
        if day.day <= 10:
            return Period(day.replace(day=1), day.replace(day=11))
        if day.day <= 20:
            return Period(day.replace(day=11), day.replace(day=21))
        return Period(day.replace(day=21), _month_end(day.year, day.month))
    if unit == MONTH:
        return Period(day.replace(day=1), _month_end(day.year, day.month))
    if unit == QUARTER:
        first_month = (day.month - 1) // 3 * 3 + 1
        last_month = first_month + 2
        return Period(date(day.year, first_month, 1), _month_end(day.year, last_month))
    if unit == YEAR:
        return Period(date(day.year, 1, 1), date(day.year + 1, 1, 1))
    raise ValueError(f"unknown frequency unit {unit!r}")


def periods_between(unit: str, first: date, end: date) -> list[Period]:
    """Every period of `unit` that holds a day of [first, end), in order (the first and last may
    reach outside the range)."""
    periods: list[Period] = []
    day = first
    while day < end:
        period = period_of(unit, day)
        periods.append(period)
        day = period.end
    return periods


def in_season(day: date, start_month: int | None, end_month: int | None) -> bool:
    """Whether `day` lies in the seasonal window start_month–end_month, both included; a window
    whose start is after its end wraps the new year (11–3 = Nov, Dec, Jan, Feb, Mar). No window:
    every day."""
    if start_month is None or end_month is None:
        return True
    if start_month <= end_month:
        return start_month <= day.month <= end_month
    return day.month >= start_month or day.month <= end_month


def season_valid(start_month: int | None, end_month: int | None) -> bool:
    if start_month is None and end_month is None:
        return True
    return start_month is not None and end_month is not None and 1 <= start_month <= 12 and 1 <= end_month <= 12


@dataclass(frozen=True)
class Schedule:
    """A plan's frequency as a value: `times` occurrences per period of `unit`, on the days it
    counts (working days only, a seasonal window, the plan's own first and last day)."""

    unit: str
    times: int = 1
    working_days_only: bool = False
    season_start_month: int | None = None
    season_end_month: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None  # inclusive

    def counts_day(self, day: date, calendar: WorkingDays | None) -> bool:
        if self.starts_on and day < self.starts_on:
            return False
        if self.ends_on and day > self.ends_on:
            return False
        if not in_season(day, self.season_start_month, self.season_end_month):
            return False
        if self.working_days_only:
            if calendar is None:
                return day.weekday() < 5
            return calendar.is_working_day(day)
        return True

    def counted_days(self, period: Period, calendar: WorkingDays | None) -> int:
        return sum(1 for day in period.days() if self.counts_day(day, calendar))

    def is_required(self, period: Period, calendar: WorkingDays | None) -> bool:
        return any(self.counts_day(day, calendar) for day in period.days())

    def required_periods(self, first: date, end: date, calendar: WorkingDays | None) -> list[Period]:
        """The periods touching [first, end) that require something."""
        return [period for period in periods_between(self.unit, first, end) if self.is_required(period, calendar)]

    def required_in(self, first: date, end: date, calendar: WorkingDays | None) -> int:
        """Occurrences required by the periods touching [first, end)."""
        return self.times * len(self.required_periods(first, end, calendar))

    def required_by_period(self, period: Period, calendar: WorkingDays | None) -> int:
        return self.times if self.is_required(period, calendar) else 0


def days_in_month(year: int, month: int) -> int:
    return month_calendar.monthrange(year, month)[1]
