"""WorkingCalendar: pure, no database. Dates of 2026 are the State Council arrangement as shipped
in chinese_calendar 1.11 (asserted in the first tests, so a package change shows up here)."""

from datetime import UTC, date, datetime, time, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiedao.worktime.calendar import DEFAULT_WORK_PERIODS, WorkingCalendar

from .conftest import _EXCEPTIONS, SHANGHAI, at

# ---------------------------------------------------------------- the package's 2026 arrangement


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def test_package_2026_national_day_and_mid_autumn_holidays():
    holidays = [day for day in _days(date(2026, 9, 1), date(2026, 10, 31)) if chinese_calendar.is_holiday(day)
                and day.weekday() < 5]
    assert holidays == [date(2026, 9, 25), date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 5),
                        date(2026, 10, 6), date(2026, 10, 7)]


def test_package_2026_national_day_swapped_working_days():
    swapped = [day for day in _days(date(2026, 9, 1), date(2026, 10, 31)) if chinese_calendar.is_workday(day)
               and day.weekday() >= 5]
    assert swapped == [date(2026, 9, 20), date(2026, 10, 10)]


def test_package_2026_spring_festival():
    holidays = [day for day in _days(date(2026, 2, 1), date(2026, 3, 1)) if chinese_calendar.is_holiday(day)
                and chinese_calendar.get_holiday_detail(day)[1] == "Spring Festival"]
    swapped = [day for day in _days(date(2026, 2, 1), date(2026, 3, 1)) if chinese_calendar.is_workday(day)
               and day.weekday() >= 5]
    assert holidays == _days(date(2026, 2, 15), date(2026, 2, 23))
    assert swapped == [date(2026, 2, 14), date(2026, 2, 28)]


# ---------------------------------------------------------------- days


@pytest.mark.parametrize(("day", "working"), [
    (date(2026, 3, 10), True),     # an ordinary Tuesday
    (date(2026, 3, 7), False),     # an ordinary Saturday
    (date(2026, 10, 1), False),    # 国庆节, Thursday
    (date(2026, 10, 8), True),     # back to work after 国庆节
    (date(2026, 10, 10), True),    # 调休 Saturday
    (date(2026, 10, 11), False),   # the Sunday after stays off
    (date(2026, 9, 20), True),     # 调休 Sunday before 中秋/国庆
    (date(2026, 9, 25), False),    # 中秋节, Friday
    (date(2026, 2, 14), True),     # 调休 Saturday before 春节
    (date(2026, 2, 23), False),    # 春节, Monday
    (date(2026, 2, 28), True),     # 调休 Saturday after 春节
    (date(2030, 5, 1), True),      # unknown to the package: Wednesday, weekday rule
])
def test_is_working_day(calendar, day, working):
    assert calendar.is_working_day(day) is working


def test_minutes_per_working_day(calendar):
    assert calendar.minutes_per_working_day == 450


def test_periods_are_sorted_and_checked():
    calendar = WorkingCalendar(exceptions={}, periods=((time(13, 30), time(17, 30)), (time(8, 30), time(12))),
                               tz=SHANGHAI)
    assert calendar.periods == DEFAULT_WORK_PERIODS
    with pytest.raises(ValueError, match="overlap"):
        WorkingCalendar(exceptions={}, periods=((time(8), time(12)), (time(11), time(14))), tz=SHANGHAI)
    with pytest.raises(ValueError, match="ends before"):
        WorkingCalendar(exceptions={}, periods=((time(12), time(8)),), tz=SHANGHAI)


def test_exceptions_are_copied(calendar):
    exceptions = {date(2030, 5, 2): False}
    frozen = WorkingCalendar(exceptions=exceptions, periods=DEFAULT_WORK_PERIODS, tz=SHANGHAI)
    exceptions[date(2030, 5, 3)] = False
    assert frozen.is_working_day(date(2030, 5, 3)) is True
    assert frozen.is_working_day(date(2030, 5, 2)) is False


# ---------------------------------------------------------------- adding working minutes


@pytest.mark.parametrize(("start", "minutes", "expected"), [
    # lunch break: 10 minutes before 12:00, 20 after 13:30
    (at(2026, 3, 10, 11, 50), 30, at(2026, 3, 10, 13, 50)),
    # reported during lunch: counts from 13:30
    (at(2026, 3, 10, 12, 30), 30, at(2026, 3, 10, 14, 0)),
    # ends exactly at the end of the morning: 12:00, not 13:30
    (at(2026, 3, 10, 11, 0), 60, at(2026, 3, 10, 12, 0)),
    # ends exactly at the end of the day: 17:30, not 08:30 next day
    (at(2026, 3, 10, 16, 30), 60, at(2026, 3, 10, 17, 30)),
    # a whole working day from the first minute ends the same evening
    (at(2026, 3, 9, 8, 30), 450, at(2026, 3, 9, 17, 30)),
    # spills into the next morning
    (at(2026, 3, 10, 17, 0), 60, at(2026, 3, 11, 9, 0)),
    # reported at night
    (at(2026, 3, 10, 21, 0), 30, at(2026, 3, 11, 9, 0)),
    (at(2026, 3, 11, 6, 0), 30, at(2026, 3, 11, 9, 0)),
    (at(2026, 3, 10, 23, 59, 59), 1, at(2026, 3, 11, 8, 31)),
    # Friday evening → Monday
    (at(2026, 3, 13, 17, 0), 60, at(2026, 3, 16, 9, 0)),
    # reported on a Sunday
    (at(2026, 3, 8, 10, 0), 120, at(2026, 3, 9, 10, 30)),
    # reported on the Sunday that starts 春节 (15–23 Feb): first working day is Tue 24 Feb
    (at(2026, 2, 15, 9, 0), 240, at(2026, 2, 24, 14, 0)),
    # reported on 国庆节 (Mon 5 Oct): next working day is Thu 8 Oct
    (at(2026, 10, 5, 9, 0), 60, at(2026, 10, 8, 9, 30)),
    # 调休 Saturday 14 Feb is a full working day
    (at(2026, 2, 14, 10, 0), 240, at(2026, 2, 14, 15, 30)),
    # Saturday 19 Sep → 调休 Sunday 20 Sep
    (at(2026, 9, 19, 10, 0), 60, at(2026, 9, 20, 9, 30)),
    # 5 工作日 from Wed 30 Sep 16:00: 8, 9, 10 (Sat), 12, 13 Oct → Tue 13 Oct 16:00
    (at(2026, 9, 30, 16, 0), 5 * 450, at(2026, 10, 13, 16, 0)),
    # 2 工作日 from Thu 24 Sep 10:00 over 中秋 (Fri 25) → Mon 28, Tue 29 Sep
    (at(2026, 9, 24, 10, 0), 2 * 450, at(2026, 9, 29, 10, 0)),
    # 1 工作日 from Fri 13 Feb 16:00 → 调休 Sat 14 Feb 16:00
    (at(2026, 2, 13, 16, 0), 450, at(2026, 2, 14, 16, 0)),
    # 2 工作日 from Fri 13 Feb 16:00 → over 春节 to Tue 24 Feb 16:00
    (at(2026, 2, 13, 16, 0), 2 * 450, at(2026, 2, 24, 16, 0)),
    # Fri 27 Feb → 调休 Sat 28 Feb
    (at(2026, 2, 27, 10, 0), 450, at(2026, 2, 28, 10, 0)),
    # across the year end: 元旦 1–3 Jan 2026, 调休 Sunday 4 Jan
    (at(2025, 12, 31, 16, 0), 450, at(2026, 1, 4, 16, 0)),
    # 20 工作日 from Mon 21 Sep 2026: 22–24, 28–30 Sep, 8–10, 12–16, 19–23 Oct, 26 Oct
    (at(2026, 9, 21, 10, 0), 20 * 450, at(2026, 10, 26, 10, 0)),
])
def test_add_working_minutes(calendar, start, minutes, expected):
    result = calendar.add_working_minutes(start, minutes)
    assert result == expected
    assert result.tzinfo is SHANGHAI


def test_add_zero_minutes_returns_start_unchanged(calendar):
    night = at(2026, 10, 1, 21, 0)
    assert calendar.add_working_minutes(night, 0) is night


def test_add_converts_to_the_calendar_time_zone(calendar):
    result = calendar.add_working_minutes(datetime(2026, 3, 10, 3, 50, tzinfo=UTC), 30)  # 11:50 in Shanghai
    assert result == at(2026, 3, 10, 13, 50)
    assert result.tzinfo is SHANGHAI
    assert result.utcoffset() == timedelta(hours=8)


def test_add_keeps_seconds_inside_working_time(calendar):
    assert calendar.add_working_minutes(at(2026, 3, 10, 11, 59, 30), 1) == at(2026, 3, 10, 13, 30, 30)


def test_add_refuses_bad_input(calendar):
    with pytest.raises(ValueError, match="aware"):
        calendar.add_working_minutes(datetime(2026, 3, 10, 9, 0), 30)  # noqa: DTZ001
    with pytest.raises(ValueError, match="negative"):
        calendar.add_working_minutes(at(2026, 3, 10, 9, 0), -1)
    with pytest.raises(ValueError, match="no working periods"):
        WorkingCalendar(exceptions={}, periods=(), tz=SHANGHAI).add_working_minutes(at(2026, 3, 10), 1)


def test_an_administrator_holiday_in_a_year_the_package_does_not_know():
    plain = WorkingCalendar(exceptions=_EXCEPTIONS, periods=DEFAULT_WORK_PERIODS, tz=SHANGHAI)
    with_holiday = WorkingCalendar(exceptions={**_EXCEPTIONS, date(2027, 1, 1): False},
                                   periods=DEFAULT_WORK_PERIODS, tz=SHANGHAI)
    assert plain.add_working_minutes(at(2026, 12, 31, 16, 0), 450) == at(2027, 1, 1, 16, 0)
    assert with_holiday.add_working_minutes(at(2026, 12, 31, 16, 0), 450) == at(2027, 1, 4, 16, 0)


def test_custom_periods():
    calendar = WorkingCalendar(exceptions={}, periods=((time(9), time(17)),), tz=SHANGHAI)
    assert calendar.minutes_per_working_day == 480
    assert calendar.add_working_minutes(at(2026, 3, 10, 16, 0), 120) == at(2026, 3, 11, 10, 0)


# ---------------------------------------------------------------- measuring working minutes


@pytest.mark.parametrize(("start", "end", "minutes"), [
    (at(2026, 3, 10, 11, 50), at(2026, 3, 10, 13, 50), 30),
    (at(2026, 3, 10, 12, 10), at(2026, 3, 10, 13, 20), 0),
    (at(2026, 3, 13, 20, 0), at(2026, 3, 16, 20, 0), 450),            # Fri night → Mon night
    (at(2026, 9, 30, 8, 30), at(2026, 10, 8, 17, 30), 900),           # over 国庆节
    (at(2026, 10, 1, 0, 0), at(2026, 10, 7, 23, 59), 0),              # inside 国庆节
    (at(2026, 2, 13, 16, 0), at(2026, 2, 24, 16, 0), 900),            # over 春节
    # the whole of 2026: 261 weekdays − 19 weekday holidays + 6 调休 days = 248 working days
    (at(2026, 1, 1), at(2027, 1, 1), 248 * 450),
])
def test_working_minutes_between(calendar, start, end, minutes):
    assert calendar.working_minutes_between(start, end) == minutes
    assert calendar.working_minutes_between(end, start) == -minutes


def test_working_minutes_between_counts_whole_minutes(calendar):
    assert calendar.working_minutes_between(at(2026, 3, 10, 8, 30, 30), at(2026, 3, 10, 8, 31)) == 0
    assert calendar.working_duration_between(at(2026, 3, 10, 8, 30, 30), at(2026, 3, 10, 8, 31)) == \
        timedelta(seconds=30)


def test_working_minutes_between_time_zones(calendar):
    # 00:30 UTC is 08:30 in Shanghai
    assert calendar.working_minutes_between(datetime(2026, 3, 10, 0, 30, tzinfo=UTC), at(2026, 3, 10, 9, 0)) == 30


# ---------------------------------------------------------------- against a slow reference


def _reference_add(calendar: WorkingCalendar, start: datetime, minutes: int) -> datetime:
    """Walk day by day and period by period (whole-minute starts only)."""
    day, moment = start.date(), start.time()
    first = True
    while True:
        if calendar.is_working_day(day):
            for period_start, period_end in calendar.periods:
                begin = max(period_start, moment) if first else period_start
                if begin >= period_end:
                    continue
                available = (datetime.combine(day, period_end) - datetime.combine(day, begin)) // timedelta(minutes=1)
                if minutes <= available:
                    return datetime.combine(day, begin, tzinfo=SHANGHAI) + timedelta(minutes=minutes)
                minutes -= available
        day, first = day + timedelta(days=1), False


def _reference_working_days(calendar: WorkingCalendar, first: date, last: date) -> int:
    return sum(calendar.is_working_day(day) for day in _days(first, last - timedelta(days=1)))


any_moment = st.datetimes(min_value=datetime(2004, 1, 1), max_value=datetime(2026, 12, 31, 23, 59)).map(  # noqa: DTZ001
    lambda moment: moment.replace(second=0, microsecond=0, tzinfo=SHANGHAI))


@settings(max_examples=300, deadline=None)
@given(start=any_moment, minutes=st.integers(min_value=1, max_value=450 * 300))
def test_add_matches_the_reference(calendar, start, minutes):
    assert calendar.add_working_minutes(start, minutes) == _reference_add(calendar, start, minutes)


@settings(max_examples=200, deadline=None)
@given(first=st.dates(min_value=date(2003, 6, 1), max_value=date(2027, 6, 1)),
       days=st.integers(min_value=0, max_value=2000))
def test_working_days_between_matches_the_reference(calendar, first, days):
    last = first + timedelta(days=days)
    assert calendar.working_days_between(first, last) == _reference_working_days(calendar, first, last)


@settings(max_examples=200, deadline=None)
@given(first=st.dates(min_value=date(2003, 6, 1), max_value=date(2027, 6, 1)),
       n=st.integers(min_value=1, max_value=1500))
def test_working_day_after_matches_the_reference(calendar, first, n):
    day = calendar.working_day_after(first, n)
    assert calendar.is_working_day(day)
    assert _reference_working_days(calendar, first + timedelta(days=1), day + timedelta(days=1)) == n


def _working_moment(calendar: WorkingCalendar, day: date, offset: int) -> datetime:
    """The moment `offset` working minutes into a working day (0 <= offset < 450)."""
    for period_start, period_end in calendar.periods:
        length = (datetime.combine(day, period_end) - datetime.combine(day, period_start)) // timedelta(minutes=1)
        if offset < length:
            return datetime.combine(day, period_start, tzinfo=SHANGHAI) + timedelta(minutes=offset)
        offset -= length
    raise AssertionError


@settings(max_examples=500, deadline=None)
@given(day=st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 31)),
       offset=st.integers(min_value=0, max_value=449), minutes=st.integers(min_value=0, max_value=450 * 1000))
def test_round_trip_inside_working_time(calendar, day, offset, minutes):
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    start = _working_moment(calendar, day, offset)
    assert calendar.working_minutes_between(start, calendar.add_working_minutes(start, minutes)) == minutes


@settings(max_examples=300, deadline=None)
@given(start=any_moment, minutes=st.integers(min_value=0, max_value=450 * 1000))
def test_round_trip_from_any_moment(calendar, start, minutes):
    assert calendar.working_minutes_between(start, calendar.add_working_minutes(start, minutes)) == minutes
