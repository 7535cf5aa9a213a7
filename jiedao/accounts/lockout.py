"""Lockouts after failed sign-ins (GB/T 22239-2019 8.1.4.1 b: 登录失败处理), done by django-axes
on both sign-in doors (`/login/` and `/admin/login/`), with the office's numbers.

axes counts failures per account and per address (AXES_LOCKOUT_PARAMETERS) but compares the
larger count with one limit; the office sets two (SignInPolicy: per account, and a higher one per
address, since an office's whole network may sign in from one address). So the handler here
answers how many of the two limits are reached, and axes's own limit is 1 (settings)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from jiedao.audit.models import EventKind, Outcome
from jiedao.audit.services import request_address, security_event_record

from .policy import sign_in_policy

LOCKOUT_STATUS = 429


def lockout_duration(request: HttpRequest | None = None) -> timedelta:
    """How long failures count and a lockout lasts (axes's AXES_COOLOFF_TIME)."""
    return sign_in_policy(request).lockout


@dataclass(frozen=True)
class Lockout:
    by_account: bool
    by_address: bool
    until: datetime | None


def _failures(attempts) -> tuple[int, datetime | None]:
    totals = attempts.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    return totals["failures"] or 0, totals["last"]


def lockout_of(*, username: str | None, address: str | None, request: HttpRequest | None = None) -> Lockout:
    """Whether this account and this address are locked now, and until when."""
    policy = sign_in_policy(request)
    since = timezone.now() - policy.lockout
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)
    account, account_last = _failures(recent.filter(username=username)) if username else (0, None)
    by_address, address_last = _failures(recent.filter(ip_address=address)) if address else (0, None)
    locked_account = account >= policy.failures_per_account
    locked_address = by_address >= policy.failures_per_address
    lasts = [last for locked, last in ((locked_account, account_last), (locked_address, address_last))
             if locked and last is not None]
    return Lockout(by_account=locked_account, by_address=locked_address,
                   until=max(lasts) + policy.lockout if lasts else None)


class SignInLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """The number of the policy's limits reached (0, 1 or 2), not of failures: see the module."""
        policy = sign_in_policy(request)
        account, address = self.get_user_attempts(request, credentials)
        return (int(_failures(account)[0] >= policy.failures_per_account)
                + int(_failures(address)[0] >= policy.failures_per_address))

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        # The lockout check (AxesStandaloneBackend) marks a request it refused before any password was tried.
        already_locked = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or already_locked or not getattr(request, "axes_locked_out", False):
            return
        # This failure reached a limit: the lockout starts now.
        username = get_client_username(request, credentials) or ""
        lockout = lockout_of(username=username, address=request.axes_ip_address, request=request)
        account = get_user_model().objects.filter(username=username).first() if username else None
        policy = sign_in_policy(request)
        security_event_record(
            kind=EventKind.LOCKED_OUT, request=request, actor_name=username, outcome=Outcome.FAILURE,
            target=f"accounts.user:{account.pk}" if account else "", target_label=username,
            detail={"account": lockout.by_account, "address": lockout.by_address,
                    "until": lockout.until.isoformat() if lockout.until else None,
                    "failures_per_account": policy.failures_per_account,
                    "failures_per_address": policy.failures_per_address,
                    "lockout_minutes": policy.lockout_minutes})


def lockout_message(lockout: Lockout, *, username: str) -> str:
    until = timezone.localtime(lockout.until).strftime("%Y-%m-%d %H:%M") if lockout.until else "—"
    if lockout.by_account:
        return _("账号 %(username)s 因连续登录失败次数过多已被锁定，将于 %(until)s 自动解锁；"
                 "如需提前解锁，请联系系统管理员。") % {"username": username, "until": until}
    return _("您所在的网络地址登录失败次数过多，已暂停登录，将于 %(until)s 恢复；"
             "如需提前恢复，请联系系统管理员。") % {"until": until}


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The sign-in page again, saying that the account (or the address) is locked and until when."""
    from django.contrib.admin.forms import AdminAuthenticationForm
    from django.contrib.auth.forms import AuthenticationForm

    username = get_client_username(request, credentials) or ""
    lockout = lockout_of(username=username, address=request_address(request), request=request)
    message = lockout_message(lockout, username=username)
    if request.path.startswith("/admin/"):
        from django.contrib import admin

        form = AdminAuthenticationForm(request, initial={"username": username})
        context = {**admin.site.each_context(request), "title": _("登录"), "site_title": admin.site.site_title,
                   "form": form, "app_path": request.get_full_path(), "username": username,
                   "lockout_message": message}
        return render(request, "admin/login.html", context, status=LOCKOUT_STATUS)
    form = AuthenticationForm(request, initial={"username": username})
    return render(request, "web/login.html", {
        "form": form, "lockout_message": message, "next": request.POST.get("next", ""),
    }, status=LOCKOUT_STATUS)
