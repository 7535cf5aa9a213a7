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
