"""The working calendar as a pure value: which days are working days and which hours of them count.

No database here: `selectors.working_calendar()` builds one from the tables; tests build one by hand.

standards.md §4.1: 工作时 are "hours inside configured working periods on working days"; 工作日 are
"working days, excluding weekends and 法定节假日 and including 调休 working days". A date that is not
listed in `exceptions` follows the weekday rule (Monday–Friday work).

Performance: every computation is O(number of working periods + log(number of exceptions)); whole
working days are jumped arithmetically (weekdays in closed form, exceptions through prefix sums),
never walked day by day or minute by minute.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

# The periods used when an office has not configured its own (standards.md §4.1, "time scheme").
DEFAULT_WORK_PERIODS: tuple[tuple[time, time], ...] = ((time(8, 30), time(12, 0)), (time(13, 30), time(17, 30)))

_MICROSECONDS_PER_MINUTE = 60_000_000
_MICROSECONDS_PER_SECOND = 1_000_000


def _microseconds_of_day(moment: time) -> int:
    return ((moment.hour * 60 + moment.minute) * 60 + moment.second) * _MICROSECONDS_PER_SECOND + moment.microsecond


def _weekdays_before(ordinal: int) -> int:
    """How many Mondays–Fridays have a proleptic ordinal in [1, ordinal). Ordinal 1 (0001-01-01) is a Monday."""
    days = ordinal - 1
    return (days // 7) * 5 + min(days % 7, 5)


def _first_ordinal_with_weekdays_before(target: int) -> int:
    """The smallest ordinal x with _weekdays_before(x) >= target (target >= 1): the inverse in closed form."""
    weeks, rest = divmod(target - 1, 5)
    return 7 * weeks + rest + 2


@dataclass(frozen=True)
class WorkingCalendar:
    exceptions: Mapping[date, bool] = field(hash=False)
    periods: tuple[tuple[time, time], ...] = DEFAULT_WORK_PERIODS
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))

    # Derived once, in __post_init__; all in microseconds of the local day.
    _period_starts: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _period_ends: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _worked_before_period: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _day_length: int = field(init=False, repr=False, compare=False)
    # Exceptions that differ from the weekday rule, sorted by ordinal, with prefix sums of their
    # effect (+1 for a working weekend day, −1 for a weekday off) so that counting working days in
    # any span is a closed-form weekday count plus two bisections.
    _exception_ordinals: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _exception_effect_before: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _working_before_exception: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        exceptions = MappingProxyType(dict(self.exceptions))
        periods = tuple(sorted((tuple(period) for period in self.periods), key=lambda period: period[0]))
        starts = tuple(_microseconds_of_day(start) for start, _end in periods)
        ends = tuple(_microseconds_of_day(end) for _start, end in periods)
        for index, (start, end) in enumerate(zip(starts, ends, strict=True)):
            if end <= start:
                raise ValueError(f"working period {periods[index]} ends before it starts")
            if index and start < ends[index - 1]:
                raise ValueError(f"working periods {periods[index - 1]} and {periods[index]} overlap")
        worked_before, total = [], 0
        for start, end in zip(starts, ends, strict=True):
            worked_before.append(total)
            total += end - start

        ordinals, effects_before, working_before, effect = [], [0], [], 0
        for day in sorted(exceptions):
            default_working = day.weekday() < 5
            if exceptions[day] == default_working:
                continue
            ordinal = day.toordinal()
            ordinals.append(ordinal)
            # Working days before this exception = weekdays before it + effect of earlier exceptions.
            working_before.append(_weekdays_before(ordinal) + effect)
            effect += 1 if exceptions[day] else -1
            effects_before.append(effect)

        object.__setattr__(self, "exceptions", exceptions)
        object.__setattr__(self, "periods", periods)
        object.__setattr__(self, "_period_starts", starts)
        object.__setattr__(self, "_period_ends", ends)
        object.__setattr__(self, "_worked_before_period", tuple(worked_before))
        object.__setattr__(self, "_day_length", total)
        object.__setattr__(self, "_exception_ordinals", tuple(ordinals))
        object.__setattr__(self, "_exception_effect_before", tuple(effects_before))
        object.__setattr__(self, "_working_before_exception", tuple(working_before))

    # ------------------------------------------------------------------ days

    def is_working_day(self, d: date) -> bool:
        listed = self.exceptions.get(d)
        return d.weekday() < 5 if listed is None else listed

    @property
    def minutes_per_working_day(self) -> int:
        return self._day_length // _MICROSECONDS_PER_MINUTE

    def _working_days_before(self, ordinal: int) -> int:
        """Working days with an ordinal < `ordinal`, counted from 0001-01-01 (only differences matter)."""
        index = bisect_left(self._exception_ordinals, ordinal)
        return _weekdays_before(ordinal) + self._exception_effect_before[index]

    def working_days_between(self, first: date, last: date) -> int:
        """Working days d with first <= d < last (0 when last <= first)."""
        if last <= first:
            return 0
        return self._working_days_before(last.toordinal()) - self._working_days_before(first.toordinal())

    def working_day_after(self, d: date, n: int) -> date:
        """The n-th working day strictly after `d` (n >= 1)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        lower = d.toordinal() + 1
        target = self._working_days_before(lower) + n
        # Smallest x >= lower with _working_days_before(x) >= target; the day x − 1 is the answer.
        # Between two consecutive exceptions the count is the weekday count plus a constant, so find
        # the segment by bisection over the exceptions, then invert the weekday count in closed form.
        ordinals = self._exception_ordinals
        first = bisect_left(ordinals, lower)
        segment = bisect_left(self._working_before_exception, target, lo=first)
        if segment > first:
            lower = max(lower, ordinals[segment - 1] + 1)
        candidate = _first_ordinal_with_weekdays_before(target - self._exception_effect_before[segment])
        return date.fromordinal(max(lower, candidate) - 1)

    # ------------------------------------------------------------------ time within a day

    def _worked_until(self, moment: int) -> int:
        """Working microseconds of a working day that lie before `moment` (microseconds of the day)."""
        worked = 0
        for start, end in zip(self._period_starts, self._period_ends, strict=True):
            if moment <= start:
                break
            worked += min(moment, end) - start
        return worked

    def _moment_after_working(self, worked: int) -> int:
        """The microsecond of the day at which `worked` working microseconds are complete (0 < worked
        <= day length). Ending exactly at a period's end gives that end, not the next period's start."""
        for start, end, before in zip(self._period_starts, self._period_ends, self._worked_before_period,
                                      strict=True):
            if worked <= before + (end - start):
                return start + (worked - before)
        raise AssertionError("worked time exceeds the working day")  # pragma: no cover

    def _local(self, moment: datetime) -> tuple[date, int]:
        if moment.tzinfo is None:
            raise ValueError("an aware datetime is required")
        local = moment.astimezone(self.tz)
        return local.date(), _microseconds_of_day(local.time())

    def _at(self, day: date, microseconds: int) -> datetime:
        return datetime(day.year, day.month, day.day, tzinfo=self.tz) + timedelta(microseconds=microseconds)

    # ------------------------------------------------------------------ spans

    def working_duration_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time inside [start, end); negative when end < start."""
        if end < start:
            return -self.working_duration_between(end, start)
        first_day, first_moment = self._local(start)
        last_day, last_moment = self._local(end)
        if first_day == last_day:
            if not self.is_working_day(first_day):
                return timedelta(0)
            return timedelta(microseconds=self._worked_until(last_moment) - self._worked_until(first_moment))
        worked = 0
        if self.is_working_day(first_day):
            worked += self._day_length - self._worked_until(first_moment)
        worked += self.working_days_between(first_day + timedelta(days=1), last_day) * self._day_length
        if self.is_working_day(last_day):
            worked += self._worked_until(last_moment)
        return timedelta(microseconds=worked)

    def working_minutes_between(self, start: datetime, end: datetime) -> int:
        """Whole working minutes from start to end, negative if end < start (truncated toward zero)."""
        if end < start:
            return -self.working_minutes_between(end, start)
        return self.working_duration_between(start, end) // timedelta(minutes=1)

    def add_working_duration(self, start: datetime, duration: timedelta) -> datetime:
        """The moment at which `duration` of working time after `start` is complete.

        A start outside working time (night, weekend, holiday, lunch) counts from the next period's
        start; a result that falls exactly on a period's end is that end. A zero duration returns
        `start` unchanged."""
        if duration < timedelta(0):
            raise ValueError("duration must not be negative")
        if not duration:
            return start
        if not self._day_length:
            raise ValueError("the calendar has no working periods")
        needed = duration // timedelta(microseconds=1)
        day, moment = self._local(start)
        if self.is_working_day(day):
            done = self._worked_until(moment)
            left_today = self._day_length - done
            if needed <= left_today:
                return self._at(day, self._moment_after_working(done + needed))
            needed -= left_today
        # `needed` > 0: skip whole working days so the last one gets (0, day length].
        whole_days, needed_on_last = divmod(needed - 1, self._day_length)
        last_day = self.working_day_after(day, whole_days + 1)
        return self._at(last_day, self._moment_after_working(needed_on_last + 1))

    def add_working_minutes(self, start: datetime, minutes: int) -> datetime:
        return self.add_working_duration(start, timedelta(minutes=minutes))
