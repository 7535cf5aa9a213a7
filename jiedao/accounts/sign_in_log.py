"""Sign-ins, failed sign-ins and sign-outs in the security log (GB/T 22239-2019 8.1.4.3 安全审计),
from Django's own authentication signals, so that every door (the pages, the admin, a test
client) is covered. Connected in AccountsConfig.ready."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from jiedao.audit.models import EventKind, Outcome
from jiedao.audit.services import object_target, security_event_record


def _signed_in(sender, request, user, **kwargs):
    if request is None:
        return
    from .middleware import session_stamp

    session_stamp(request)
    security_event_record(kind=EventKind.SIGN_IN, request=request, actor=user, target=object_target(user),
                          target_label=user.get_username(),
                          detail={"path": request.path, "second_factor": bool(getattr(user, "otp_device", None))})


def _signed_out(sender, request, user, **kwargs):
    if request is None or user is None:
        return
    security_event_record(kind=EventKind.SIGN_OUT, request=request, actor=user, target=object_target(user),
                          target_label=user.get_username())


def _sign_in_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username") or "")
    account = get_user_model().objects.filter(username=username).first() if username else None
    security_event_record(kind=EventKind.SIGN_IN_FAILED, request=request, actor_name=username,
                          outcome=Outcome.FAILURE, target=object_target(account) if account else "",
                          target_label=username,
                          # The lockout check marks a request it refused before any password was tried.
                          detail={"reason": "locked" if getattr(request, "axes_locked_out", False) else "credentials",
                                  "path": request.path if request is not None else ""})


def connect() -> None:
    user_logged_in.connect(_signed_in, dispatch_uid="jiedao-audit-sign-in")
    user_logged_out.connect(_signed_out, dispatch_uid="jiedao-audit-sign-out")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="jiedao-audit-sign-in-failed")
