"""Changes to the working calendar. Every change clears the cached calendar (selectors)."""

from datetime import date, timedelta

import chinese_calendar
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .calendar import DEFAULT_WORK_PERIODS
from .models import CalendarDay, DayKind, WorkPeriod
from .selectors import working_calendar_reset

SOURCE_ADMIN = "admin"
SOURCE_PACKAGE = "chinese-calendar"

# chinese_calendar names holidays in English; we keep the official Chinese names.
HOLIDAY_NAMES = {
    chinese_calendar.Holiday.new_years_day.value: "元旦",
    chinese_calendar.Holiday.spring_festival.value: "春节",
    chinese_calendar.Holiday.tomb_sweeping_day.value: "清明节",
    chinese_calendar.Holiday.labour_day.value: "劳动节",
    chinese_calendar.Holiday.dragon_boat_festival.value: "端午节",
    chinese_calendar.Holiday.national_day.value: "国庆节",
    chinese_calendar.Holiday.mid_autumn_festival.value: "中秋节",
    chinese_calendar.Holiday.anti_fascist_70th_day.value: "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def _calendar_changed() -> None:
    # Clear now for this request, and again at commit so no reader caches the old rows meanwhile.
    working_calendar_reset()
    transaction.on_commit(working_calendar_reset)


def calendar_day_set(*, day: date, is_working_day: bool, kind: str, name: str,
                     source: str = SOURCE_ADMIN) -> CalendarDay:
    """Create or override the rule for one day (an administrator's word beats the package's)."""
    calendar_day, _created = CalendarDay.objects.update_or_create(
        date=day, defaults={"is_working_day": is_working_day, "kind": kind, "name": name, "source": source},
    )
    _calendar_changed()
    return calendar_day


def calendar_package_years() -> range:
    """The years whose holidays the installed chinese_calendar knows (the State Council publishes
    each year's arrangement in the November before)."""
    known = list(chinese_calendar.holidays)
    return range(min(known).year, max(known).year + 1)


def _package_days(year: int) -> dict[date, tuple[str, bool, str]]:
    """{day: (kind, is_working_day, name)} for the days of `year` that break the weekday rule."""
    days = {}
    day, last = date(year, 1, 1), date(year, 12, 31)
    while day <= last:
        on_holiday, holiday = chinese_calendar.get_holiday_detail(day)
        name = HOLIDAY_NAMES.get(holiday, holiday or "")
        if day.weekday() < 5 and on_holiday:
            days[day] = (DayKind.HOLIDAY, False, name)
        elif day.weekday() >= 5 and not on_holiday:
            # 调休: a weekend day worked in exchange for a longer holiday.
            days[day] = (DayKind.SWAPPED_WORKING_DAY, True, name)
        day += timedelta(days=1)
    return days


@transaction.atomic
def calendar_seed_from_package(*, years: range | None = None) -> int:
    """Import 法定节假日 and 调休 working days from chinese_calendar; return how many rows changed.

    Idempotent, and never touches a day whose source is "admin". Package rows of these years that
    the package no longer lists (a corrected arrangement) are removed."""
    known = calendar_package_years()
    years = known if years is None else years
    unknown = [year for year in years if year not in known]
    if unknown:
        raise ValueError(str(_("chinese_calendar 不知道这些年份的节假日安排：%(years)s")
                         % {"years": ", ".join(map(str, unknown))}))
    changed = 0
    for year in years:
        wanted = _package_days(year)
        existing = {row.date: row for row in CalendarDay.objects.filter(date__year=year)}
        to_create, to_update = [], []
        for day, (kind, is_working_day, name) in wanted.items():
            row = existing.get(day)
            if row is None:
                to_create.append(CalendarDay(date=day, kind=kind, is_working_day=is_working_day, name=name,
                                             source=SOURCE_PACKAGE))
            elif row.source == SOURCE_PACKAGE and (row.kind, row.is_working_day, row.name) != (
                    kind, is_working_day, name):
                row.kind, row.is_working_day, row.name = kind, is_working_day, name
                to_update.append(row)
        stale = [row.pk for day, row in existing.items() if row.source == SOURCE_PACKAGE and day not in wanted]
        CalendarDay.objects.bulk_create(to_create)
        CalendarDay.objects.bulk_update(to_update, ["kind", "is_working_day", "name"])
        CalendarDay.objects.filter(pk__in=stale).delete()
        changed += len(to_create) + len(to_update) + len(stale)
    _calendar_changed()
    return changed


@transaction.atomic
def work_periods_seed_default() -> int:
    """Create the default working periods if none are configured; return how many were created."""
    if WorkPeriod.objects.exists():
        return 0
    WorkPeriod.objects.bulk_create(WorkPeriod(start=start, end=end) for start, end in DEFAULT_WORK_PERIODS)
    _calendar_changed()
    return len(DEFAULT_WORK_PERIODS)
