"""The frequency arithmetic, by hand: periods, seasons, working days across holidays and 调休."""

from datetime import date

import pytest

from jiedao.duties import frequency
from jiedao.duties.frequency import Period, Schedule, in_season, period_of, periods_between
from jiedao.worktime.calendar import WorkingCalendar

# 国庆/中秋 2025: 1–8 October off; Sunday 28 September and Saturday 11 October worked (调休).
NATIONAL_DAY_2025 = WorkingCalendar(exceptions={
    **{date(2025, 10, day): False for day in range(1, 9)},
    date(2025, 9, 28): True, date(2025, 10, 11): True,
})


@pytest.mark.parametrize(("unit", "day", "start", "end"), [
    (frequency.DAY, date(2026, 2, 28), date(2026, 2, 28), date(2026, 3, 1)),
    # an ISO week crossing a month: Monday 29 September – Sunday 5 October 2025
    (frequency.WEEK, date(2025, 10, 2), date(2025, 9, 29), date(2025, 10, 6)),
    # and a year: Monday 29 December 2025 – Sunday 4 January 2026
    (frequency.WEEK, date(2026, 1, 1), date(2025, 12, 29), date(2026, 1, 5)),
    (frequency.XUN, date(2024, 2, 10), date(2024, 2, 1), date(2024, 2, 11)),
    (frequency.XUN, date(2024, 2, 11), date(2024, 2, 11), date(2024, 2, 21)),
    # 下旬 of February in a leap year: 21–29, nine days
    (frequency.XUN, date(2024, 2, 29), date(2024, 2, 21), date(2024, 3, 1)),
    # and in a common year: 21–28, eight days; of a 31-day month: eleven
    (frequency.XUN, date(2025, 2, 21), date(2025, 2, 21), date(2025, 3, 1)),
    (frequency.XUN, date(2025, 1, 31), date(2025, 1, 21), date(2025, 2, 1)),
    (frequency.MONTH, date(2024, 2, 29), date(2024, 2, 1), date(2024, 3, 1)),
    (frequency.MONTH, date(2025, 12, 31), date(2025, 12, 1), date(2026, 1, 1)),
    (frequency.QUARTER, date(2025, 8, 15), date(2025, 7, 1), date(2025, 10, 1)),
    (frequency.QUARTER, date(2025, 12, 31), date(2025, 10, 1), date(2026, 1, 1)),
    (frequency.YEAR, date(2025, 6, 1), date(2025, 1, 1), date(2026, 1, 1)),
])
def test_the_period_holding_a_day(unit, day, start, end):
    assert period_of(unit, day) == Period(start, end)


def test_the_weeks_touching_a_month_include_both_edges():
    weeks = periods_between(frequency.WEEK, date(2025, 10, 1), date(2025, 11, 1))
    assert [week.start for week in weeks] == [date(2025, 9, 29), date(2025, 10, 6), date(2025, 10, 13),
                                              date(2025, 10, 20), date(2025, 10, 27)]


def test_a_leap_february_has_three_xun_of_ten_ten_and_nine_days():
    xun = periods_between(frequency.XUN, date(2024, 2, 1), date(2024, 3, 1))
    assert [(period.end - period.start).days for period in xun] == [10, 10, 9]


@pytest.mark.parametrize(("day", "start", "end", "expected"), [
    (date(2026, 2, 28), 3, 12, False), (date(2026, 3, 1), 3, 12, True), (date(2026, 12, 31), 3, 12, True),
    # a window wrapping the year, November to March
    (date(2026, 11, 1), 11, 3, True), (date(2027, 1, 15), 11, 3, True), (date(2026, 3, 31), 11, 3, True),
    (date(2026, 4, 1), 11, 3, False), (date(2026, 10, 31), 11, 3, False),
    (date(2026, 7, 1), None, None, True), (date(2026, 7, 1), 7, 7, True), (date(2026, 8, 1), 7, 7, False),
])
def test_seasonal_windows(day, start, end, expected):
    assert in_season(day, start, end) is expected


def test_working_days_across_the_national_day_holidays_and_the_swapped_saturday():
    daily = Schedule(unit=frequency.DAY, working_days_only=True)
    # 28 Sep (Sun, 调休) … 12 Oct: working days are 28, 29, 30 Sep, 9, 10, 11 (Sat, 调休) Oct
    periods = daily.required_periods(date(2025, 9, 27), date(2025, 10, 13), NATIONAL_DAY_2025)
    assert [period.start for period in periods] == [
        date(2025, 9, 28), date(2025, 9, 29), date(2025, 9, 30), date(2025, 10, 9), date(2025, 10, 10),
        date(2025, 10, 11)]


def test_a_holiday_week_requires_nothing_of_a_working_days_plan_but_a_week_with_one_working_day_does():
    weekly = Schedule(unit=frequency.WEEK, times=2, working_days_only=True)
    # the week 29 Sep – 5 Oct has 29 and 30 Sep; suppose the office also closes those two days:
    closed = WorkingCalendar(exceptions={**NATIONAL_DAY_2025.exceptions, date(2025, 9, 29): False,
                                         date(2025, 9, 30): False})
    assert weekly.required_in(date(2025, 9, 29), date(2025, 10, 6), NATIONAL_DAY_2025) == 2
    assert weekly.required_in(date(2025, 9, 29), date(2025, 10, 6), closed) == 0
    every_day = Schedule(unit=frequency.WEEK, times=2)
    assert every_day.required_in(date(2025, 9, 29), date(2025, 10, 6), closed) == 2


def test_working_days_in_october_2025():
    daily = Schedule(unit=frequency.DAY, working_days_only=True)
    # 23 weekdays in October 2025, less 1–3 and 6–8 (six weekdays of holiday), plus Saturday 11: 18
    assert daily.required_in(date(2025, 10, 1), date(2025, 11, 1), NATIONAL_DAY_2025) == 18


def test_a_season_of_march_to_december_weekly():
    # 阿合奇县 村级: Mar–Dec ≥1/周 (standards.md §5). The first week touching 2026 is 29 Dec 2025 –
    # 4 Jan 2026, which holds three December days: required. Then nothing until the week of 23 Feb –
    # 1 March (1 March 2026 is a Sunday); the last is 28 Dec 2026 – 3 Jan 2027.
    weekly = Schedule(unit=frequency.WEEK, season_start_month=3, season_end_month=12)
    weeks = weekly.required_periods(date(2026, 1, 1), date(2027, 1, 1), None)
    assert weeks[:2] == [Period(date(2025, 12, 29), date(2026, 1, 5)), Period(date(2026, 2, 23), date(2026, 3, 2))]
    assert weeks[-1] == Period(date(2026, 12, 28), date(2027, 1, 4))
    # the Mondays from 23 Feb to 28 Dec: (308 days / 7) + 1 = 45 weeks, and the one of 29 Dec 2025
    assert len(weeks) == 46
    monthly = Schedule(unit=frequency.MONTH, season_start_month=3, season_end_month=12)
    assert monthly.required_in(date(2026, 1, 1), date(2027, 1, 1), None) == 10


def test_a_winter_window_wraps_the_year():
    monthly = Schedule(unit=frequency.MONTH, season_start_month=11, season_end_month=3)
    months = monthly.required_periods(date(2026, 1, 1), date(2027, 1, 1), None)
    assert [period.start.month for period in months] == [1, 2, 3, 11, 12]


def test_a_plan_counts_from_its_first_day_to_its_last():
    weekly = Schedule(unit=frequency.WEEK, times=3, starts_on=date(2025, 10, 15), ends_on=date(2025, 10, 20))
    weeks = weekly.required_periods(date(2025, 10, 1), date(2025, 11, 1), None)
    assert weeks == [Period(date(2025, 10, 13), date(2025, 10, 20)), Period(date(2025, 10, 20), date(2025, 10, 27))]
    assert weekly.required_in(date(2025, 10, 1), date(2025, 11, 1), None) == 6


def test_quarter_and_year_counts():
    assert Schedule(unit=frequency.QUARTER).required_in(date(2026, 1, 1), date(2027, 1, 1), None) == 4
    assert Schedule(unit=frequency.YEAR, times=12).required_in(date(2026, 1, 1), date(2027, 1, 1), None) == 12
    # a month's report of a quarterly plan holds its quarter
    assert Schedule(unit=frequency.QUARTER).required_periods(date(2026, 5, 1), date(2026, 6, 1), None) == [
        Period(date(2026, 4, 1), date(2026, 7, 1))]
    assert Schedule(unit=frequency.XUN).required_in(date(2026, 1, 1), date(2027, 1, 1), None) == 36


def test_an_unknown_unit_is_refused():
    with pytest.raises(ValueError):
        period_of("fortnight", date(2026, 1, 1))
