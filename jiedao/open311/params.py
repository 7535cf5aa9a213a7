"""Reading the query and form parameters of the GeoReport v2 calls. "Optional" means an empty
parameter is treated like an absent one (the spec says so). Pure: strings in, values or
`BadParameter` out."""

from datetime import date, datetime, time, timedelta

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from jiedao import params

from .errors import BadParameter

# GeoReport v2, GET Service Requests: a range may not span more than 90 days and defaults to the
# last 90; at most 1000 requests are returned at once.
MAX_WINDOW = timedelta(days=90)
MAX_RECORDS = 1000
MAX_IDS = 1000


def present(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def parse_when(value: str | None, *, field: str) -> datetime | None:
    """A W3C date-time (`2026-01-01T00:00:00Z`, `…+08:00`). Without an offset the time is read in
    our zone (Asia/Shanghai); a bare date means its midnight there."""
    value = present(value)
    if value is None:
        return None
    try:
        parsed = parse_datetime(value)
        if parsed is None:
            day = parse_date(value)
            parsed = datetime.combine(day, time.min) if isinstance(day, date) else None
    except (ValueError, OverflowError):
        parsed = None
    if parsed is None:
        raise BadParameter(_("%(field)s 不是有效的日期时间（示例：2026-01-01T00:00:00+08:00）") % {"field": field})
    try:
        # In our zone and within the years anybody asks about (jiedao/params.py): far from the
        # calendar's edges even 90 days on, and with an offset PostgreSQL accepts (±15:59).
        return params.moment_checked(parsed, field=field)
    except params.BadParameter as error:
        raise BadParameter(error.message) from error


def date_window(start: datetime | None, end: datetime | None, *, now: datetime) -> tuple[datetime, datetime]:
    """The range of `requested_datetime` to search: the last 90 days by default, 90 days from a
    lone start or up to a lone end, never wider than 90 days."""
    if start is None and end is None:
        return now - MAX_WINDOW, now
    if end is None:
        return start, start + MAX_WINDOW
    if start is None:
        return end - MAX_WINDOW, end
    if end < start:
        raise BadParameter(_("end_date 不能早于 start_date"))
    if end - start > MAX_WINDOW:
        raise BadParameter(_("start_date 与 end_date 相隔不能超过 90 天"))
    return start, end


def parse_list(value: str | None) -> list[str]:
    """A comma-delimited list; blanks dropped, repeats removed, order kept."""
    items = [item.strip() for item in (value or "").split(",")]
    return list(dict.fromkeys(item for item in items if item))


def parse_positive_int(value: str | None, *, field: str, default: int, maximum: int) -> int:
    value = present(value)
    if value is None:
        return default
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= maximum:
        raise BadParameter(_("%(field)s 须为 1 到 %(maximum)d 之间的整数") % {"field": field, "maximum": maximum})
    return int(value)


def parse_bool(value: str | None, *, field: str) -> bool:
    value = present(value)
    if value is None:
        return False
    if value.lower() in {"true", "1"}:
        return True
    if value.lower() in {"false", "0"}:
        return False
    raise BadParameter(_("%(field)s 须为 true 或 false") % {"field": field})
