"""Reading query parameters: the one way every page and endpoint turns the strings of a query into
values. A value that cannot be read, or lies outside what the database and the calendar can hold,
is `BadParameter` (a `BadRequest`): a 400 with a translated message naming the parameter, on the
site's 400 page or as the API's JSON error (`jiedao/web/errors.py`), never a 500. An absent or
empty parameter is the default."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import BadRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Row ids are 64-bit signed integers in SQLite and PostgreSQL (BigAutoField).
LARGEST_ID = 2**63 - 1
LARGEST_PAGE = 100_000
# Dates a person may ask about: wide enough for any record, far enough from year 1 and 9999 that a
# time zone or a day more never leaves Python's calendar.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2999, 12, 31)
_ZONE = ZoneInfo(settings.TIME_ZONE)
EARLIEST_MOMENT = datetime.combine(EARLIEST_DAY, time.min, tzinfo=_ZONE)
LATEST_MOMENT = datetime.combine(LATEST_DAY, time.max, tzinfo=_ZONE)


class BadParameter(BadRequest):
    def __init__(self, message, *, field: str | None = None):
        self.message = message
        self.field = field
        super().__init__(str(message))


def _text(query, name: str) -> str:
    return (query.get(name) or "").strip()


def int_param(query, name: str, *, default: int | None = None, minimum: int = 0,
              maximum: int = LARGEST_ID) -> int | None:
    """A whole number of ASCII digits (an optional minus sign) between `minimum` and `maximum`."""
    value = _text(query, name)
    if not value:
        return default
    digits = value[1:] if value.startswith("-") else value
    # isdecimal() alone takes "٣" and isdigit() takes "²", which int() refuses: ASCII digits only.
    if not (digits.isascii() and digits.isdecimal() and len(digits) <= 20 and minimum <= int(value) <= maximum):
        raise BadParameter(_("参数 %(name)s 应为 %(minimum)d 到 %(maximum)d 之间的整数")
                           % {"name": name, "minimum": minimum, "maximum": maximum}, field=name)
    return int(value)


def id_param(query, name: str) -> int | None:
    """The id of a row (1 and up), or None when absent."""
    return int_param(query, name, minimum=1)


def int_or_none(value: str | None, *, minimum: int = 0) -> int | None:
    """The whole number a form field holds, or None when it holds none (the form then says so)."""
    try:
        return int_param({"value": value}, "value", minimum=minimum)
    except BadParameter:
        return None


def id_or_none(value: str | None) -> int | None:
    return int_or_none(value, minimum=1)


def page_param(query, name: str = "page") -> int:
    return int_param(query, name, default=1, minimum=1, maximum=LARGEST_PAGE)


def choice_param(query, name: str, choices, *, default: str = "") -> str:
    """One of `choices` (codes); anything else is refused."""
    value = _text(query, name)
    if not value:
        return default
    if value not in choices:
        raise BadParameter(_("参数 %(name)s 的取值无效") % {"name": name}, field=name)
    return value


def text_param(query, name: str, *, max_length: int) -> str:
    """Free text, trimmed and cut to `max_length` characters."""
    return _text(query, name)[:max_length]


def day_checked(day: date, *, field: str) -> date:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise BadParameter(_("参数 %(name)s 应在 %(earliest)s 到 %(latest)s 之间")
                           % {"name": field, "earliest": EARLIEST_DAY, "latest": LATEST_DAY}, field=field)
    return day


def date_param(query, name: str, *, default: date | None = None) -> date | None:
    """A day as 年-月-日 (2026-11-01) within EARLIEST_DAY..LATEST_DAY."""
    value = _text(query, name)
    if not value:
        return default
    try:
        day = date.fromisoformat(value)
    except ValueError as error:
        raise BadParameter(_("参数 %(name)s 的日期格式应为 年-月-日，例如 2026-11-01") % {"name": name},
                           field=name) from error
    return day_checked(day, field=name)


def moment_checked(moment: datetime, *, field: str) -> datetime:
    """An instant read from the outside, made aware (no offset: our zone, +08:00), kept within
    EARLIEST_MOMENT..LATEST_MOMENT so that converting it for the database cannot overflow, and
    returned in our zone: PostgreSQL refuses the offsets beyond ±15:59 that Python accepts."""
    try:
        aware = timezone.make_aware(moment, _ZONE) if timezone.is_naive(moment) else moment
        if EARLIEST_MOMENT <= aware <= LATEST_MOMENT:
            return aware.astimezone(_ZONE)
    except (OverflowError, ValueError):
        pass
    raise BadParameter(_("参数 %(name)s 应在 %(earliest)s 到 %(latest)s 之间")
                       % {"name": field, "earliest": EARLIEST_DAY, "latest": LATEST_DAY}, field=field)


def has_nul(value: str) -> bool:
    """A NUL character: PostgreSQL cannot hold it in text, so no parameter may carry one."""
    return "\x00" in value
