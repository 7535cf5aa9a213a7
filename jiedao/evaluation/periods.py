"""Periods — named (this week, this month, last month, this quarter, the last 60 days) or custom
(any first and last day) — as local dates and as the aware [start, end) the queries use. Pure: the
caller passes `now`."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

PERIODS = [("week", _("本周")), ("month", _("本月")), ("last_month", _("上月")),
           ("quarter", _("本季度")), ("days60", _("近 60 天"))]


def period_bounds(code: str, *, today: date) -> tuple[date, date]:
    """[first day, day after the last) of a named period around `today` (local dates)."""
    if code == "week":
        start = today - timedelta(days=today.weekday())
        return start, start + timedelta(days=7)
    if code == "last_month":
        end = today.replace(day=1)
        return (end - timedelta(days=1)).replace(day=1), end
    if code == "quarter":
        start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
        end_month = start.month + 3
        return start, start.replace(year=start.year + (end_month > 12), month=(end_month - 1) % 12 + 1)
    if code == "days60":
        return today - timedelta(days=59), today + timedelta(days=1)
    start = today.replace(day=1)
    return start, (start + timedelta(days=32)).replace(day=1)


@dataclass(frozen=True)
class Period:
    code: str
    first_day: date
    last_day: date
    start: datetime
    end: datetime

    def previous(self) -> "Period":
        """The period of the same kind just before this one (movement in rankings); for a custom
        period, the as many days just before it."""
        if self.code == CUSTOM:
            days = (self.last_day - self.first_day).days + 1
            return period_between(self.first_day - timedelta(days=days), self.first_day - timedelta(days=1),
                                  tz=self.start.tzinfo)
        return period_named(self.code, now=self.start - timedelta(days=1))


CUSTOM = "custom"
LONGEST_CUSTOM_DAYS = 366 * 3


class PeriodError(ValueError):
    pass


def period_between(first_day: date, last_day: date, *, tz) -> Period:
    """A custom period, both days included."""
    if last_day < first_day:
        raise PeriodError(_("结束日期不能早于开始日期"))
    if (last_day - first_day).days >= LONGEST_CUSTOM_DAYS:
        raise PeriodError(_("自定义周期不能超过三年"))
    return Period(code=CUSTOM, first_day=first_day, last_day=last_day,
                  start=datetime.combine(first_day, time.min, tzinfo=tz),
                  end=datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=tz))


def period_named(code: str, *, now: datetime) -> Period:
    """The named period holding `now` in `now`'s time zone; unknown codes mean this month."""
    code = code if code in dict(PERIODS) else "month"
    tz = now.tzinfo or ZoneInfo("Asia/Shanghai")
    first_day, day_after = period_bounds(code, today=now.date())
    return Period(code=code, first_day=first_day, last_day=day_after - timedelta(days=1),
                  start=datetime.combine(first_day, time.min, tzinfo=tz),
                  end=datetime.combine(day_after, time.min, tzinfo=tz))
