from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from jiedao.worktime.calendar import DEFAULT_WORK_PERIODS, WorkingCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def package_exceptions(first: date = date(2004, 1, 1), last: date = date(2026, 12, 31)) -> dict[date, bool]:
    """Every day chinese_calendar says breaks the Monday–Friday rule."""
    exceptions, day = {}, first
    while day <= last:
        working = chinese_calendar.is_workday(day)
        if working != (day.weekday() < 5):
            exceptions[day] = working
        day += timedelta(days=1)
    return exceptions


_EXCEPTIONS = package_exceptions()


@pytest.fixture(scope="session")
def calendar() -> WorkingCalendar:
    """Immutable, so shared by the session (and by hypothesis examples). The official calendar 2004–2026 with the default 08:30–12:00, 13:30–17:30 periods."""
    return WorkingCalendar(exceptions=_EXCEPTIONS, periods=DEFAULT_WORK_PERIODS, tz=SHANGHAI)


@pytest.fixture(autouse=True)
def _fresh_working_calendar():
    """The cached calendar must not leak between tests (also done by jiedao/conftest.py)."""
    from jiedao.worktime.selectors import working_calendar_reset

    working_calendar_reset()
    yield
    working_calendar_reset()
