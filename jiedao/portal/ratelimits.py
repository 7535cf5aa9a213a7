"""Fixed-window counters in Django's cache (Redis in production, local memory in development and
tests) for the public pages' abuse limits. The limits themselves are data (`PortalPolicy`)."""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache

from jiedao import clock

HOUR = 3600
DAY = 24 * HOUR


@dataclass(frozen=True)
class Limit:
    scope: str  # "report-ip", "report-phone", …
    limit: int  # at most this many in a window; 0 means no limit
    window_seconds: int


def _cache_key(limit: Limit, identity: str) -> str:
    # Hashed: phone numbers and addresses are not kept in the cache in clear, and any text is a safe key.
    digest = hashlib.sha256(f"{limit.scope}:{identity}".encode()).hexdigest()[:32]
    bucket = int(clock.now().timestamp()) // limit.window_seconds
    return f"portal-rate:{limit.scope}:{digest}:{bucket}"


def count(limit: Limit, identity: str) -> int:
    return cache.get(_cache_key(limit, identity), 0)


def is_exhausted(limit: Limit, identity: str) -> bool:
    """Whether the window is already used up (without counting this call)."""
    return bool(limit.limit) and count(limit, identity) >= limit.limit


def hit(limit: Limit, identity: str) -> bool:
    """Count one attempt; True when it goes over the limit (the caller refuses it)."""
    if not limit.limit or not identity:
        return False
    key = _cache_key(limit, identity)
    if cache.add(key, 1, timeout=limit.window_seconds + 60):
        used = 1
    else:
        try:
            used = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=limit.window_seconds + 60)
            used = 1
    return used > limit.limit


def client_ip(request) -> str:
    """The address the request came from. Behind a reverse proxy, the proxy must set REMOTE_ADDR
    (e.g. gunicorn's --forwarded-allow-ips with a proxy-fix); a client's own X-Forwarded-For is
    never trusted, or anyone could choose their own bucket."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"
