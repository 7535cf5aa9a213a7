"""Writing to the security log. Every call site names what happened; the request, when there is
one, gives the address and the browser."""

from django.conf import settings
from django.http import HttpRequest

from jiedao import clock

from .models import EventKind, Outcome, SecurityEvent

USER_AGENT_LENGTH = 300


def request_address(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or the first hop of X-Forwarded-For when the
    deployment says a proxy it trusts sets it (JIEDAO_TRUSTED_PROXY_COUNT > 0)."""
    if request is None:
        return None
    hops = getattr(settings, "JIEDAO_TRUSTED_PROXY_COUNT", 0)
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops] or None
    return request.META.get("REMOTE_ADDR") or None


def security_event_record(*, kind: EventKind, request: HttpRequest | None = None, actor=None,
                          actor_name: str = "", outcome: Outcome = Outcome.SUCCESS, target: str = "",
                          target_label: str = "", detail: dict | None = None) -> SecurityEvent:
    """Append one row. `actor` defaults to the request's signed-in user; `actor_name` is for acts
    with no account behind them (a failed sign-in names the username that was tried)."""
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if actor is not None and not actor_name:
        actor_name = actor.get_username()
    user_agent = request.META.get("HTTP_USER_AGENT", "") if request is not None else ""
    return SecurityEvent.objects.create(
        at=clock.now(), kind=kind, outcome=outcome,
        actor_id=actor.pk if actor is not None else None, actor_name=actor_name[:150],
        address=request_address(request), user_agent=user_agent[:USER_AGENT_LENGTH],
        target=target[:200], target_label=str(target_label)[:300], detail=detail or {},
    )


def object_target(obj) -> str:
    """`app_label.model:pk`, the way the log names a database object."""
    return f"{obj._meta.app_label}.{obj._meta.model_name}:{obj.pk}"


def export_record(*, request: HttpRequest, filename: str, rows: int | None = None,
                  detail: dict | None = None) -> SecurityEvent:
    """A file of case records or personal data left the system (an Excel list, a PDF, a DOCX)."""
    return security_event_record(kind=EventKind.EXPORT, request=request, target=filename, target_label=filename,
                                 detail={"file": filename, "rows": rows, "path": request.path, **(detail or {})})


def security_events_prune(*, now=None) -> int:
    """Delete the rows older than the retention period (never younger than 180 days: the policy
    refuses less and the database refuses to delete them). Returns how many went."""
    from datetime import timedelta

    from django.db import connection

    from .models import RETENTION_FLOOR_DAYS, AuditPolicy

    days = max(AuditPolicy.current().retention_days, RETENTION_FLOOR_DAYS)
    cutoff = (now or clock.now()) - timedelta(days=days)
    # The queryset refuses deletes (append-only); pruning is the one delete there is, by the
    # database's rules (guard.py), in plain SQL.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {SecurityEvent._meta.db_table} WHERE at < %s", [cutoff])
        return cursor.rowcount
