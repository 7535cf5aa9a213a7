"""The few rows every Open311 call reads — the policy, the client a key belongs to, the category of
a service code and its attributes — kept per process for a few seconds, so a report does not pay
four reads for data that changes a few times a year. Saving or deleting any of them clears this
process's copy at once (signals in apps.py); other processes see the change within LOOKUP_SECONDS
(a switched-off key may still be accepted for that long)."""

import time
from collections.abc import Callable
from typing import TypeVar

LOOKUP_SECONDS = 5.0

T = TypeVar("T")
_entries: dict[tuple, tuple[float, object]] = {}


def remembered(key: tuple, load: Callable[[], T]) -> T:
    now = time.monotonic()
    entry = _entries.get(key)
    if entry is not None and now - entry[0] < LOOKUP_SECONDS:
        return entry[1]  # type: ignore[return-value]
    value = load()
    _entries[key] = (now, value)
    return value


def lookups_forget(**_signal) -> None:
    _entries.clear()
