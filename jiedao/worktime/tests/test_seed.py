"""Seeding from chinese_calendar, administrators' days, the cached calendar and the admin."""

import io
from datetime import date, time

import pytest
from django.core.management import call_command
from django.urls import reverse

from jiedao.catalogue.models import DeadlineUnit
from jiedao.worktime import selectors
from jiedao.worktime.deadlines import deadline_after
from jiedao.worktime.models import CalendarDay, DayKind, WorkPeriod
from jiedao.worktime.selectors import working_calendar
from jiedao.worktime.services import (
    calendar_day_set,
    calendar_package_years,
    calendar_seed_from_package,
    work_periods_seed_default,
)

from .conftest import at

pytestmark = pytest.mark.django_db

# 2026 weekday holidays: 元旦 2, 春节 6, 清明 1, 劳动节 3, 端午 1, 中秋 1, 国庆 5 = 19;
# weekend 调休 working days: 4 Jan, 14 Feb, 28 Feb, 9 May, 20 Sep, 10 Oct = 6.
SWAPPED_2026 = [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 9, 20),
                date(2026, 10, 10)]


def test_seed_creates_weekday_holidays_and_swapped_working_days():
    assert calendar_seed_from_package(years=range(2026, 2027)) == 25
    assert CalendarDay.objects.count() == 25
    assert list(CalendarDay.objects.filter(kind=DayKind.SWAPPED_WORKING_DAY).values_list("date", flat=True)) == \
        SWAPPED_2026
    assert list(CalendarDay.objects.filter(kind=DayKind.HOLIDAY, date__month__in=[9, 10])
                .values_list("date", flat=True)) == [date(2026, 9, 25), date(2026, 10, 1), date(2026, 10, 2),
                                                      date(2026, 10, 5), date(2026, 10, 6), date(2026, 10, 7)]


def test_seed_rows_carry_chinese_names_and_source():
    calendar_seed_from_package(years=range(2026, 2027))
    spring = CalendarDay.objects.get(date=date(2026, 2, 16))
    assert (spring.kind, spring.is_working_day, spring.name, spring.source) == \
        (DayKind.HOLIDAY, False, "春节", "chinese-calendar")
    swapped = CalendarDay.objects.get(date=date(2026, 10, 10))
    assert (swapped.kind, swapped.is_working_day, swapped.name, swapped.source) == \
        (DayKind.SWAPPED_WORKING_DAY, True, "国庆节", "chinese-calendar")
    assert CalendarDay.objects.get(date=date(2026, 9, 25)).name == "中秋节"


def test_seed_skips_holidays_on_weekends():
    calendar_seed_from_package(years=range(2026, 2027))
    assert not CalendarDay.objects.filter(date__in=[date(2026, 2, 15), date(2026, 2, 21), date(2026, 10, 3)]).exists()


def test_seed_is_idempotent():
    calendar_seed_from_package(years=range(2026, 2027))
    assert calendar_seed_from_package(years=range(2026, 2027)) == 0
    assert CalendarDay.objects.count() == 25


def test_seed_never_overwrites_an_administrators_day():
    calendar_day_set(day=date(2026, 10, 10), is_working_day=False, kind=DayKind.OFFICE_CLOSED, name="单位统一休息")
    assert calendar_seed_from_package(years=range(2026, 2027)) == 24
    calendar_day_set(day=date(2026, 10, 7), is_working_day=True, kind=DayKind.OFFICE_WORKING, name="值班")
    assert calendar_seed_from_package(years=range(2026, 2027)) == 0
    closed = CalendarDay.objects.get(date=date(2026, 10, 10))
    working = CalendarDay.objects.get(date=date(2026, 10, 7))
    assert (closed.kind, closed.is_working_day, closed.source) == (DayKind.OFFICE_CLOSED, False, "admin")
    assert (working.kind, working.is_working_day, working.source) == (DayKind.OFFICE_WORKING, True, "admin")


def test_seed_removes_package_days_the_package_no_longer_lists():
    CalendarDay.objects.create(date=date(2026, 3, 10), kind=DayKind.HOLIDAY, is_working_day=False,
                               source="chinese-calendar")
    CalendarDay.objects.create(date=date(2026, 3, 11), kind=DayKind.OFFICE_CLOSED, is_working_day=False)
    assert calendar_seed_from_package(years=range(2026, 2027)) == 26
    assert not CalendarDay.objects.filter(date=date(2026, 3, 10)).exists()
    assert CalendarDay.objects.get(date=date(2026, 3, 11)).source == "admin"


def test_seed_refuses_years_the_package_does_not_know():
    with pytest.raises(ValueError, match="2027"):
        calendar_seed_from_package(years=range(2026, 2028))
    assert CalendarDay.objects.count() == 0


def test_package_years():
    assert calendar_package_years() == range(2004, 2027)


def test_work_periods_seed_default_is_idempotent():
    assert work_periods_seed_default() == 2
    assert work_periods_seed_default() == 0
    assert list(WorkPeriod.objects.values_list("start", "end")) == [(time(8, 30), time(12)),
                                                                    (time(13, 30), time(17, 30))]


def test_seed_command_is_idempotent():
    out = io.StringIO()
    call_command("seed_worktime", stdout=out)
    first = out.getvalue()
    assert WorkPeriod.objects.count() == 2
    assert CalendarDay.objects.filter(date__year=2026).count() == 25
    total = CalendarDay.objects.count()
    out = io.StringIO()
    call_command("seed_worktime", stdout=out)
    assert first == f"工作时段：新增 2 条\n工作日历 2004–2026 年：新增或更新 {total} 天\n"
    assert out.getvalue() == "工作时段：新增 0 条\n工作日历 2004–2026 年：新增或更新 0 天\n"
    assert CalendarDay.objects.count() == total


# ---------------------------------------------------------------- the cached calendar


def test_empty_tables_give_the_default_periods_and_weekday_rule():
    calendar = working_calendar()
    assert calendar.periods == ((time(8, 30), time(12)), (time(13, 30), time(17, 30)))
    assert calendar.minutes_per_working_day == 450
    assert calendar.is_working_day(date(2026, 10, 1)) is True
    assert str(calendar.tz) == "Asia/Shanghai"


def test_configured_periods_are_loaded():
    WorkPeriod.objects.create(start=time(14), end=time(18))
    WorkPeriod.objects.create(start=time(9), end=time(12))
    assert working_calendar().periods == ((time(9), time(12)), (time(14), time(18)))
    assert working_calendar().minutes_per_working_day == 420


def test_calendar_is_cached_for_sixty_seconds(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(selectors, "_clock", lambda: now[0])
    cached = working_calendar()
    CalendarDay.objects.create(date=date(2030, 5, 6), kind=DayKind.OFFICE_CLOSED, is_working_day=False)
    now[0] += 59
    assert working_calendar() is cached
    now[0] += 2
    assert working_calendar().is_working_day(date(2030, 5, 6)) is False


def test_services_clear_the_cache_at_once():
    assert working_calendar().is_working_day(date(2030, 5, 6)) is True
    calendar_day_set(day=date(2030, 5, 6), is_working_day=False, kind=DayKind.OFFICE_CLOSED, name="")
    assert working_calendar().is_working_day(date(2030, 5, 6)) is False
    work_periods_seed_default()
    calendar_seed_from_package(years=range(2026, 2027))
    assert working_calendar().is_working_day(date(2026, 10, 1)) is False


def test_an_administrators_2027_holiday_changes_the_deadline():
    # chinese_calendar stops at 2026; 1 Jan 2027 is a Friday and works by the weekday rule until
    # an administrator declares it.
    work_periods_seed_default()
    calendar_seed_from_package(years=range(2026, 2027))
    start = at(2026, 12, 31, 16, 0)
    before = deadline_after(start=start, budget_minutes=450, unit=DeadlineUnit.WORKING_DAYS,
                            calendar=working_calendar())
    calendar_day_set(day=date(2027, 1, 1), is_working_day=False, kind=DayKind.HOLIDAY, name="元旦")
    after = deadline_after(start=start, budget_minutes=450, unit=DeadlineUnit.WORKING_DAYS,
                           calendar=working_calendar())
    assert before == at(2027, 1, 1, 16, 0)
    assert after == at(2027, 1, 4, 16, 0)


# ---------------------------------------------------------------- the admin


def test_admin_edit_makes_the_day_the_administrators_and_clears_the_cache(admin_client):
    calendar_seed_from_package(years=range(2026, 2027))
    assert working_calendar().is_working_day(date(2026, 10, 10)) is True
    row = CalendarDay.objects.get(date=date(2026, 10, 10))
    response = admin_client.post(reverse("admin:worktime_calendarday_change", args=[row.pk]), {
        "date": "2026-10-10", "kind": DayKind.OFFICE_CLOSED, "name": "单位统一休息", "source": "chinese-calendar",
    })
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.kind, row.is_working_day, row.source) == (DayKind.OFFICE_CLOSED, False, "admin")
    assert working_calendar().is_working_day(date(2026, 10, 10)) is False
    assert calendar_seed_from_package(years=range(2026, 2027)) == 0


def test_admin_delete_clears_the_cache(admin_client):
    row = calendar_day_set(day=date(2030, 5, 6), is_working_day=False, kind=DayKind.OFFICE_CLOSED, name="")
    assert working_calendar().is_working_day(date(2030, 5, 6)) is False
    response = admin_client.post(reverse("admin:worktime_calendarday_delete", args=[row.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert working_calendar().is_working_day(date(2030, 5, 6)) is True


def test_admin_work_period_change_clears_the_cache(admin_client):
    work_periods_seed_default()
    assert working_calendar().minutes_per_working_day == 450
    afternoon = WorkPeriod.objects.get(start=time(13, 30))
    response = admin_client.post(reverse("admin:worktime_workperiod_change", args=[afternoon.pk]),
                                 {"start": "14:00", "end": "18:00"})
    assert response.status_code == 302
    assert working_calendar().periods == ((time(8, 30), time(12)), (time(14), time(18)))


def test_admin_lists_render(admin_client):
    calendar_seed_from_package(years=range(2026, 2027))
    assert admin_client.get(reverse("admin:worktime_calendarday_changelist"), {"kind": "holiday"}).status_code == 200
    assert admin_client.get(reverse("admin:worktime_workperiod_changelist")).status_code == 200
