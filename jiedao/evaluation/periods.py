"""Named periods (this week, this month, last month, this quarter, the last 60 days) as local
dates and as the aware [start, end) the queries use. Pure: the caller passes `now`."""

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
        """The period of the same kind just before this one (movement in rankings)."""
        return period_named(self.code, now=self.start - timedelta(days=1))


def period_named(code: str, *, now: datetime) -> Period:
    """The named period holding `now` in `now`'s time zone; unknown codes mean this month."""
    code = code if code in dict(PERIODS) else "month"
    tz = now.tzinfo or ZoneInfo("Asia/Shanghai")
    first_day, day_after = period_bounds(code, today=now.date())
    return Period(code=code, first_day=first_day, last_day=day_after - timedelta(days=1),
                  start=datetime.combine(first_day, time.min, tzinfo=tz),
                  end=datetime.combine(day_after, time.min, tzinfo=tz))
