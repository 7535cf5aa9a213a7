"""Reads of the working calendar, cached in-process (deadlines are computed on every page)."""

import threading
import time
from zoneinfo import ZoneInfo

from django.conf import settings

from .calendar import DEFAULT_WORK_PERIODS, WorkingCalendar
from .models import CalendarDay, WorkPeriod

# Other processes (workers, other gunicorn workers) do not see a reset, so the cache also expires:
# an administrator's change is visible everywhere within this many seconds.
CACHE_SECONDS = 60

_clock = time.monotonic
_lock = threading.Lock()
_cached: tuple[float, WorkingCalendar] | None = None


def _load() -> WorkingCalendar:
    exceptions = dict(CalendarDay.objects.values_list("date", "is_working_day"))
    periods = tuple(WorkPeriod.objects.order_by("start").values_list("start", "end")) or DEFAULT_WORK_PERIODS
    return WorkingCalendar(exceptions=exceptions, periods=periods, tz=ZoneInfo(settings.TIME_ZONE))


def working_calendar() -> WorkingCalendar:
    global _cached
    cached = _cached
    if cached is not None and _clock() - cached[0] < CACHE_SECONDS:
        return cached[1]
    with _lock:
        loaded_at = _clock()
        calendar = _load()
        _cached = (loaded_at, calendar)
    return calendar


def working_calendar_reset() -> None:
    global _cached
    with _lock:
        _cached = None
