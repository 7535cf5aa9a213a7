"""处置时限: deadlines, time left, 挂账 and the warning light, as pure functions of their inputs.

The clock is never read here: callers pass `now` (read once, from `jiedao.clock`).
"""

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiedao.catalogue.models import DeadlineUnit

from .calendar import WorkingCalendar

# standards.md §4.1: 工作时 and 工作日 count only working periods on working days; 紧急工作时 are
# "continuous clock hours, nights and holidays included"; 分钟 and 自然日 are clock time too.
WORKING_TIME_UNITS = frozenset({DeadlineUnit.WORKING_HOURS, DeadlineUnit.WORKING_DAYS})

# standards.md §4.3: "missaouib flags a case once 80% of its limit is used"; the administrator's
# setting is passed in as `warning_ratio` ("Make every threshold configuration").
DEFAULT_WARNING_RATIO = 0.8


class DeadlineLight(models.TextChoices):
    # standards.md §4.3: "the usual UI is 绿/黄/红灯"; 挂账 pauses the clock.
    NONE = "none", _("未计时")
    GREEN = "green", _("正常")
    YELLOW = "yellow", _("预警")
    RED = "red", _("超期")
    PAUSED = "paused", _("挂账暂停")


def is_working_time_unit(unit: str) -> bool:
    return unit in WORKING_TIME_UNITS


# Minutes in one unit of each kind; 工作日 depends on the calendar's working periods.
_MINUTES_PER_UNIT = {
    DeadlineUnit.WORKING_HOURS: 60,
    DeadlineUnit.EMERGENCY_HOURS: 60,
    DeadlineUnit.CALENDAR_DAYS: 24 * 60,
    DeadlineUnit.MINUTES: 1,
}


def budget_minutes(*, value: Decimal | int | str, unit: str, calendar: WorkingCalendar) -> int:
    """The time limit in whole minutes of the unit's own kind of time (working or clock minutes).

    A limit may be fractional, as published tables write it (standards.md §4.2): 1.5 工作时 is 90
    working minutes, 0.5 工作日 is half of the calendar's working day (225 minutes with 08:30–12:00 and
    13:30–17:30). The product is exact (Decimal); a limit that is not a whole number of minutes (0.01
    工作时) is rounded to the nearest minute, halves up, and never below one minute."""
    number = Decimal(str(value))
    if not number.is_finite():
        raise ValueError(f"deadline value {value!r} is not a number")
    if unit == DeadlineUnit.WORKING_DAYS:
        # One 工作日 is one full day of working periods, so "2 工作日" reported at 10:00 ends at
        # 10:00 on the second working day after.
        per_unit = calendar.minutes_per_working_day
    elif unit in _MINUTES_PER_UNIT:
        per_unit = _MINUTES_PER_UNIT[unit]
    else:
        raise ValueError(f"unknown deadline unit {unit!r}")
    minutes = int((number * per_unit).to_integral_value(rounding=ROUND_HALF_UP))
    return max(minutes, 1) if number > 0 else minutes


def _time_between(*, start: datetime, end: datetime, unit: str, calendar: WorkingCalendar) -> timedelta:
    if is_working_time_unit(unit):
        return calendar.working_duration_between(start, end)
    return end - start


def _time_after(*, start: datetime, duration: timedelta, unit: str, calendar: WorkingCalendar) -> datetime:
    if is_working_time_unit(unit):
        return calendar.add_working_duration(start, duration)
    return (start + duration).astimezone(calendar.tz)


def deadline_after(*, start: datetime, budget_minutes: int, unit: str, calendar: WorkingCalendar) -> datetime:
    """The deadline of a limit of `budget_minutes` starting at `start` (standards.md §4.3: the clock
    starts at 派遣)."""
    return _time_after(start=start, duration=timedelta(minutes=budget_minutes), unit=unit, calendar=calendar)


def remaining_minutes(*, now: datetime, deadline: datetime, unit: str, calendar: WorkingCalendar) -> int:
    """Minutes left, in the unit's own kind of time, rounded down: negative once overdue.

    For working units time outside working periods does not count, so a case that became overdue
    at 17:30 on Friday still shows 0 on Saturday: overdue means `now > deadline`, as in
    `deadline_light`."""
    return _time_between(start=now, end=deadline, unit=unit, calendar=calendar) // timedelta(minutes=1)


def deadline_after_suspension(*, deadline: datetime, suspended_at: datetime, resumed_at: datetime, unit: str,
                              calendar: WorkingCalendar) -> datetime:
    """The deadline once a 挂账 suspension has ended.

    standards.md §4.3: "挂账 time is excluded: missaouib adds the 挂账 duration to the limit". The
    duration is measured in the unit's own kind of time, so a suspension over a weekend adds no
    working time for the weekend but adds the whole weekend to a clock-time limit."""
    if resumed_at < suspended_at:
        raise ValueError("resumed_at is before suspended_at")
    suspended = _time_between(start=suspended_at, end=resumed_at, unit=unit, calendar=calendar)
    return _time_after(start=deadline, duration=suspended, unit=unit, calendar=calendar)


def deadline_light(*, now: datetime, deadline: datetime | None, budget_minutes: int, unit: str,
                   calendar: WorkingCalendar, suspended: bool,
                   warning_ratio: float | Decimal = DEFAULT_WARNING_RATIO) -> str:
    """绿/黄/红灯 (standards.md §4.3): yellow once `warning_ratio` of the limit is used, red once the
    deadline has passed, paused while 挂账."""
    if deadline is None:
        return DeadlineLight.NONE
    if suspended:
        return DeadlineLight.PAUSED
    if now > deadline:
        return DeadlineLight.RED
    # Exact arithmetic, so that "exactly 80% used" is yellow whatever the float rounding of 0.8.
    ratio = Fraction(str(warning_ratio))
    budget = timedelta(minutes=budget_minutes) // timedelta(microseconds=1)
    left = _time_between(start=now, end=deadline, unit=unit, calendar=calendar) // timedelta(microseconds=1)
    if (budget - left) * ratio.denominator >= budget * ratio.numerator:
        return DeadlineLight.YELLOW
    return DeadlineLight.GREEN
