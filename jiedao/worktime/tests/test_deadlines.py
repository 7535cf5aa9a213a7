"""Deadlines in every unit (standards.md §4.1), 挂账 (§4.3) and the warning light (§4.3). Pure: the
clock is frozen with time-machine and read once through jiedao.clock, as the services do."""

from datetime import UTC, datetime, time
from decimal import Decimal

import pytest

from jiedao import clock
from jiedao.catalogue.models import DeadlineUnit
from jiedao.worktime.calendar import WorkingCalendar
from jiedao.worktime.deadlines import (
    DeadlineLight,
    budget_minutes,
    deadline_after,
    deadline_after_suspension,
    deadline_light,
    is_working_time_unit,
    remaining_minutes,
)

from .conftest import SHANGHAI, at


@pytest.fixture
def frozen_now(time_machine):
    """Freeze the clock at a moment and return what `jiedao.clock.now()` then reads."""
    def freeze(moment: datetime) -> datetime:
        time_machine.move_to(moment, tick=False)
        return clock.now()
    return freeze


@pytest.mark.parametrize(("unit", "working"), [
    (DeadlineUnit.WORKING_HOURS, True),
    (DeadlineUnit.WORKING_DAYS, True),
    (DeadlineUnit.MINUTES, False),
    (DeadlineUnit.EMERGENCY_HOURS, False),
    (DeadlineUnit.CALENDAR_DAYS, False),
])
def test_is_working_time_unit(unit, working):
    assert is_working_time_unit(unit) is working


@pytest.mark.parametrize(("value", "unit", "minutes"), [
    (5, DeadlineUnit.WORKING_DAYS, 2250),
    (4, DeadlineUnit.WORKING_HOURS, 240),
    (3, DeadlineUnit.EMERGENCY_HOURS, 180),
    (2, DeadlineUnit.CALENDAR_DAYS, 2880),
    (30, DeadlineUnit.MINUTES, 30),
])
def test_budget_minutes(calendar, value, unit, minutes):
    assert budget_minutes(value=value, unit=unit, calendar=calendar) == minutes


def test_budget_of_working_days_follows_the_configured_periods():
    nine_to_five = WorkingCalendar(exceptions={}, periods=((time(9), time(17)),), tz=SHANGHAI)
    assert budget_minutes(value=2, unit=DeadlineUnit.WORKING_DAYS, calendar=nine_to_five) == 960


def test_budget_of_an_unknown_unit_fails(calendar):
    with pytest.raises(ValueError, match="fortnights"):
        budget_minutes(value=1, unit="fortnights", calendar=calendar)


@pytest.mark.parametrize(("start", "minutes", "unit", "expected"), [
    # 紧急工作时 run through 国庆节 and through the night
    (at(2026, 10, 1, 10, 0), 180, DeadlineUnit.EMERGENCY_HOURS, at(2026, 10, 1, 13, 0)),
    (at(2026, 9, 30, 22, 0), 180, DeadlineUnit.EMERGENCY_HOURS, at(2026, 10, 1, 1, 0)),
    (at(2026, 2, 17, 23, 30), 60, DeadlineUnit.MINUTES, at(2026, 2, 18, 0, 30)),
    (at(2026, 9, 30, 16, 0), 2880, DeadlineUnit.CALENDAR_DAYS, at(2026, 10, 2, 16, 0)),
    # 工作时: 90 minutes on Wed 30 Sep, then 150 on Thu 8 Oct after 国庆节
    (at(2026, 9, 30, 16, 0), 240, DeadlineUnit.WORKING_HOURS, at(2026, 10, 8, 11, 0)),
    # 工作日: 8, 9, 10 (调休 Sat), 12, 13 Oct
    (at(2026, 9, 30, 16, 0), 2250, DeadlineUnit.WORKING_DAYS, at(2026, 10, 13, 16, 0)),
    # 4 工作时 reported at 11:50: 10 minutes before lunch, 230 after
    (at(2026, 3, 10, 11, 50), 240, DeadlineUnit.WORKING_HOURS, at(2026, 3, 10, 17, 20)),
    (at(2026, 3, 10, 11, 50), 300, DeadlineUnit.WORKING_HOURS, at(2026, 3, 11, 9, 20)),
])
def test_deadline_after(calendar, start, minutes, unit, expected):
    deadline = deadline_after(start=start, budget_minutes=minutes, unit=unit, calendar=calendar)
    assert deadline == expected
    assert deadline.tzinfo is SHANGHAI


def test_clock_deadline_is_returned_in_the_calendar_time_zone(calendar):
    deadline = deadline_after(start=datetime(2026, 10, 1, 2, 0, tzinfo=UTC), budget_minutes=180,
                              unit=DeadlineUnit.EMERGENCY_HOURS, calendar=calendar)
    assert deadline == at(2026, 10, 1, 13, 0)
    assert deadline.tzinfo is SHANGHAI


# ---------------------------------------------------------------- time left


@pytest.mark.parametrize(("now", "deadline", "unit", "minutes"), [
    # Fri 16:00 → Mon 10:00: 90 + 90 working minutes
    (at(2026, 3, 13, 16, 0), at(2026, 3, 16, 10, 0), DeadlineUnit.WORKING_HOURS, 180),
    (at(2026, 3, 16, 11, 0), at(2026, 3, 16, 10, 0), DeadlineUnit.WORKING_HOURS, -60),
    # overdue at 17:30 Friday: the weekend adds no working minutes
    (at(2026, 3, 14, 12, 0), at(2026, 3, 13, 17, 30), DeadlineUnit.WORKING_DAYS, 0),
    # over 春节 in working days: none of 15–23 Feb counts
    (at(2026, 2, 13, 17, 0), at(2026, 2, 24, 9, 0), DeadlineUnit.WORKING_DAYS, 30 + 450 + 30),
    # clock units count everything; partial minutes round down, so 30 s overdue is −1
    (at(2026, 3, 13, 16, 0), at(2026, 3, 16, 10, 0), DeadlineUnit.EMERGENCY_HOURS, 66 * 60),
    (at(2026, 3, 13, 16, 0, 30), at(2026, 3, 13, 16, 0), DeadlineUnit.MINUTES, -1),
    (at(2026, 3, 13, 16, 0), at(2026, 3, 13, 16, 1, 30), DeadlineUnit.MINUTES, 1),
    (at(2026, 3, 13, 11, 59, 30), at(2026, 3, 13, 11, 59), DeadlineUnit.WORKING_HOURS, -1),
])
def test_remaining_minutes(calendar, frozen_now, now, deadline, unit, minutes):
    now = frozen_now(now)
    assert remaining_minutes(now=now, deadline=deadline, unit=unit, calendar=calendar) == minutes


# ---------------------------------------------------------------- 挂账


def test_suspension_over_a_weekend_adds_only_its_working_time(calendar):
    # suspended Fri 16:00, resumed Mon 10:00: 90 + 90 working minutes
    deadline = deadline_after_suspension(deadline=at(2026, 3, 17, 12, 0), suspended_at=at(2026, 3, 13, 16, 0),
                                         resumed_at=at(2026, 3, 16, 10, 0), unit=DeadlineUnit.WORKING_HOURS,
                                         calendar=calendar)
    assert deadline == at(2026, 3, 17, 16, 30)


def test_suspension_over_a_weekend_adds_the_whole_weekend_to_clock_time(calendar):
    deadline = deadline_after_suspension(deadline=at(2026, 3, 13, 18, 0), suspended_at=at(2026, 3, 13, 16, 0),
                                         resumed_at=at(2026, 3, 16, 10, 0), unit=DeadlineUnit.EMERGENCY_HOURS,
                                         calendar=calendar)
    assert deadline == at(2026, 3, 16, 12, 0)


def test_suspension_over_national_day_lands_on_the_swapped_saturday(calendar):
    # 30 working minutes on Wed 30 Sep and 30 on Thu 8 Oct; from Fri 9 Oct 17:00 that is 30 minutes
    # on Friday and 30 on 调休 Saturday 10 Oct
    deadline = deadline_after_suspension(deadline=at(2026, 10, 9, 17, 0), suspended_at=at(2026, 9, 30, 17, 0),
                                         resumed_at=at(2026, 10, 8, 9, 0), unit=DeadlineUnit.WORKING_DAYS,
                                         calendar=calendar)
    assert deadline == at(2026, 10, 10, 9, 0)


def test_suspension_entirely_outside_working_time_changes_nothing(calendar):
    deadline = at(2026, 3, 16, 10, 0)
    assert deadline_after_suspension(deadline=deadline, suspended_at=at(2026, 3, 13, 18, 0),
                                     resumed_at=at(2026, 3, 16, 8, 0), unit=DeadlineUnit.WORKING_HOURS,
                                     calendar=calendar) == deadline


def test_resuming_before_suspending_fails(calendar):
    with pytest.raises(ValueError, match="before"):
        deadline_after_suspension(deadline=at(2026, 3, 16, 10, 0), suspended_at=at(2026, 3, 13, 18, 0),
                                  resumed_at=at(2026, 3, 13, 17, 0), unit=DeadlineUnit.WORKING_HOURS,
                                  calendar=calendar)


# ---------------------------------------------------------------- the light


def _clock_light(calendar, now, **options):
    # 100 clock minutes from 09:00: deadline 10:40, 80% used at 10:20
    return deadline_light(now=now, deadline=at(2026, 3, 10, 10, 40), budget_minutes=100,
                          unit=DeadlineUnit.MINUTES, calendar=calendar, **{"suspended": False, **options})


@pytest.mark.parametrize(("now", "light"), [
    (at(2026, 3, 10, 9, 0), DeadlineLight.GREEN),
    (at(2026, 3, 10, 10, 19, 59), DeadlineLight.GREEN),
    (at(2026, 3, 10, 10, 20), DeadlineLight.YELLOW),      # exactly 80% used
    (at(2026, 3, 10, 10, 40), DeadlineLight.YELLOW),      # at the deadline, not yet past
    (at(2026, 3, 10, 10, 40, 1), DeadlineLight.RED),
])
def test_light_thresholds(calendar, frozen_now, now, light):
    assert _clock_light(calendar, frozen_now(now)) == light


def test_light_is_a_plain_string(calendar):
    assert _clock_light(calendar, at(2026, 3, 10, 10, 20)) == "yellow"


@pytest.mark.parametrize("ratio", [0.5, Decimal("0.50")])
def test_light_uses_the_administrators_ratio(calendar, frozen_now, ratio):
    assert _clock_light(calendar, frozen_now(at(2026, 3, 10, 9, 50)), warning_ratio=ratio) == DeadlineLight.YELLOW
    assert _clock_light(calendar, frozen_now(at(2026, 3, 10, 9, 49)), warning_ratio=ratio) == DeadlineLight.GREEN


def test_light_while_suspended_is_paused_even_when_overdue(calendar, frozen_now):
    assert _clock_light(calendar, frozen_now(at(2026, 3, 11, 9, 0)), suspended=True) == DeadlineLight.PAUSED


def test_light_without_deadline_is_none(calendar, frozen_now):
    assert deadline_light(now=frozen_now(at(2026, 3, 10, 9, 0)), deadline=None, budget_minutes=0,
                          unit=DeadlineUnit.WORKING_HOURS, calendar=calendar, suspended=False) == DeadlineLight.NONE


@pytest.mark.parametrize(("now", "light"), [
    (at(2026, 3, 13, 17, 30), DeadlineLight.GREEN),        # 150 of 240 used
    (at(2026, 3, 14, 12, 0), DeadlineLight.GREEN),         # Saturday: still 150 used
    (at(2026, 3, 16, 9, 11), DeadlineLight.GREEN),         # 191 used
    (at(2026, 3, 16, 9, 12), DeadlineLight.YELLOW),        # 192 = exactly 80% of 240
    (at(2026, 3, 16, 10, 0, 1), DeadlineLight.RED),
])
def test_light_counts_working_time(calendar, frozen_now, now, light):
    # 4 工作时 from Fri 15:00: 150 minutes on Friday, 90 on Monday → Mon 10:00
    start = at(2026, 3, 13, 15, 0)
    deadline = deadline_after(start=start, budget_minutes=240, unit=DeadlineUnit.WORKING_HOURS, calendar=calendar)
    assert deadline == at(2026, 3, 16, 10, 0)
    assert deadline_light(now=frozen_now(now), deadline=deadline, budget_minutes=240,
                          unit=DeadlineUnit.WORKING_HOURS, calendar=calendar, suspended=False) == light


def test_emergency_light_counts_the_holiday(calendar, frozen_now):
    # 3 紧急工作时 from 10:00 on 国庆节: 80% used at 12:24 although nobody works that day
    deadline = deadline_after(start=at(2026, 10, 1, 10, 0), budget_minutes=180,
                              unit=DeadlineUnit.EMERGENCY_HOURS, calendar=calendar)
    assert deadline_light(now=frozen_now(at(2026, 10, 1, 12, 24)), deadline=deadline, budget_minutes=180,
                          unit=DeadlineUnit.EMERGENCY_HOURS, calendar=calendar,
                          suspended=False) == DeadlineLight.YELLOW
    assert deadline_light(now=frozen_now(at(2026, 10, 1, 12, 23)), deadline=deadline, budget_minutes=180,
                          unit=DeadlineUnit.EMERGENCY_HOURS, calendar=calendar,
                          suspended=False) == DeadlineLight.GREEN


# Issue 11, point 4: fractional limits as the published tables write them (standards.md §4.2).
@pytest.mark.parametrize(("value", "unit", "minutes"), [
    (Decimal("1.5"), DeadlineUnit.WORKING_HOURS, 90),
    (Decimal("0.5"), DeadlineUnit.WORKING_DAYS, 225),  # half of 3 h 30 + 4 h
    (Decimal("2.5"), DeadlineUnit.WORKING_DAYS, 1125),
    (Decimal("1.5"), DeadlineUnit.EMERGENCY_HOURS, 90),
    (Decimal("0.25"), DeadlineUnit.CALENDAR_DAYS, 360),
    (Decimal("0.33"), DeadlineUnit.WORKING_DAYS, 149),  # 148.5 minutes: halves round up
    (Decimal("0.01"), DeadlineUnit.WORKING_HOURS, 1),  # 0.6 minute: never below one minute
    ("1.50", DeadlineUnit.WORKING_HOURS, 90),
])
def test_a_fractional_budget_is_exact_in_minutes(calendar, value, unit, minutes):
    assert budget_minutes(value=value, unit=unit, calendar=calendar) == minutes


def test_half_a_working_day_follows_the_configured_periods():
    nine_to_five = WorkingCalendar(exceptions={}, periods=((time(9), time(12)), (time(13), time(18))), tz=SHANGHAI)
    assert budget_minutes(value=Decimal("0.5"), unit=DeadlineUnit.WORKING_DAYS, calendar=nine_to_five) == 240


@pytest.mark.parametrize(("start", "value", "unit", "expected"), [
    # 1.5 工作时 at 11:00 on Tuesday: 60 minutes before lunch, 30 after 13:30
    (at(2026, 3, 10, 11, 0), "1.5", DeadlineUnit.WORKING_HOURS, at(2026, 3, 10, 14, 0)),
    # 1.5 工作时 at 17:00: 30 minutes before the evening, 60 from 08:30 the next morning
    (at(2026, 3, 10, 17, 0), "1.5", DeadlineUnit.WORKING_HOURS, at(2026, 3, 11, 9, 30)),
    # reported over lunch: the clock starts at 13:30
    (at(2026, 3, 10, 12, 20), "1.5", DeadlineUnit.WORKING_HOURS, at(2026, 3, 10, 15, 0)),
    # 0.5 工作日 (225 minutes) at 08:30: 210 before lunch, 15 after
    (at(2026, 3, 10, 8, 30), "0.5", DeadlineUnit.WORKING_DAYS, at(2026, 3, 10, 13, 45)),
    # 0.5 工作日 at 16:00 on Wed 30 Sep: 90 minutes, then 国庆节 1–7 Oct, 135 minutes on Thu 8 Oct
    (at(2026, 9, 30, 16, 0), "0.5", DeadlineUnit.WORKING_DAYS, at(2026, 10, 8, 10, 45)),
    # 2.5 工作日 (1125 minutes) at 16:00 on Fri 9 Oct: 90 on Friday, 450 on Sat 10 Oct (调休 working day),
    # 450 on Mon 12 Oct, 135 on Tue 13 Oct
    (at(2026, 10, 9, 16, 0), "2.5", DeadlineUnit.WORKING_DAYS, at(2026, 10, 13, 10, 45)),
    # 1.5 工作时 at 17:00 on Fri 9 Oct: 30 minutes, then 60 on the 调休 Saturday
    (at(2026, 10, 9, 17, 0), "1.5", DeadlineUnit.WORKING_HOURS, at(2026, 10, 10, 9, 30)),
    # 1.5 紧急工作时 run through the holiday night
    (at(2026, 10, 1, 23, 0), "1.5", DeadlineUnit.EMERGENCY_HOURS, at(2026, 10, 2, 0, 30)),
])
def test_a_fractional_limit_across_lunch_evenings_holidays_and_working_weekends(calendar, start, value, unit,
                                                                                 expected):
    minutes = budget_minutes(value=Decimal(value), unit=unit, calendar=calendar)

    assert deadline_after(start=start, budget_minutes=minutes, unit=unit, calendar=calendar) == expected


def test_a_budget_that_is_not_a_number_fails(calendar):
    with pytest.raises(ValueError, match="not a number"):
        budget_minutes(value=Decimal("NaN"), unit=DeadlineUnit.WORKING_HOURS, calendar=calendar)
