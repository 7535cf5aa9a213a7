"""Writes of the API app: issuing, using and revoking API tokens (each issue and revocation in the
security log, never the key), and the record of a keyed report."""

import hashlib
import secrets
from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedao import clock
from jiedao.audit.models import EventKind
from jiedao.audit.services import object_target, security_event_record
from jiedao.cases.idempotency import key_reuse_check
from jiedao.cases.models import Case

from .models import ApiReport, ApiToken, ApiTokenPolicy

KEY_PREFIX = "jd_"
# Recording every use would turn each read into a write; once a minute is enough to see activity.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenError(ValueError):
    pass


class TokenUnusable(Exception):
    """A key that was valid once: expired or revoked. The message says which, and since when."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


def api_token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _token_detail(token: ApiToken) -> dict:
    # Enough to recognise the token; never the key, nor its hash.
    return {"user": token.user.get_username(), "name": token.name, "prefix": token.prefix,
            "expires_at": token.expires_at.isoformat() if token.expires_at else None}


def api_token_issue(*, user, name: str, by=None, request: HttpRequest | None = None,
                    lifetime_days: int | None = None) -> tuple[ApiToken, str]:
    """Make a new key for `user`, valid for the policy's lifetime (or `lifetime_days`). The plain
    key is returned once and never stored; the issue is in the security log."""
    name = (name or "").strip()
    if not name:
        raise TokenError(_("请填写令牌名称"))
    if not user.is_active:
        raise TokenError(_("该用户已停用"))
    days = lifetime_days if lifetime_days is not None else ApiTokenPolicy.current().lifetime_days
    if days < 1:
        raise TokenError(_("有效期至少 1 天"))
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    token = ApiToken.objects.create(user=user, name=name[:100], key_hash=api_token_hash(key), prefix=key[:8],
                                    expires_at=now + timedelta(days=days))
    security_event_record(kind=EventKind.TOKEN_ISSUED, request=request, actor=by, target=object_target(token),
                          target_label=str(token), detail=_token_detail(token))
    return token, key


def api_token_revoke(*, token: ApiToken, by=None, request: HttpRequest | None = None) -> bool:
    """Revoke a token; False when it was revoked already. Idempotent; logged once."""
    now = clock.now()
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=now) == 1
    if revoked:
        token.revoked_at = now
        security_event_record(kind=EventKind.TOKEN_REVOKED, request=request, actor=by, target=object_target(token),
                              target_label=str(token), detail=_token_detail(token))
    return revoked


def _local(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def api_token_authenticate(*, key: str):
    """The active user the key belongs to, or None for a key that never was. An expired or
    revoked key raises TokenUnusable with the reason. Notes the use at most once a minute."""
    if not key or not key.startswith(KEY_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=api_token_hash(key)).first()
    if token is None or not token.user.is_active:
        return None
    now = clock.now()
    if token.revoked_at is not None:
        raise TokenUnusable(_("该 API 令牌已于 %(when)s 吊销，请申请新的令牌") % {"when": _local(token.revoked_at)})
    if token.has_expired(now):
        raise TokenUnusable(_("该 API 令牌已于 %(when)s 过期，请申请新的令牌") % {"when": _local(token.expires_at)})
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def api_report_record(*, case: Case, fingerprint: str) -> ApiReport:
    """In the report's transaction: the body that made a keyed case."""
    return ApiReport.objects.create(case=case, body_fingerprint=fingerprint, created_at=clock.now())


def api_report_replay_check(*, case: Case, key: str, fingerprint: str) -> None:
    """A keyed report answered with an earlier case: only if the body is the same."""
    stored = ApiReport.objects.filter(case=case).values_list("body_fingerprint", flat=True).first()
    key_reuse_check(key=key, stored=stored or "", fingerprint=fingerprint, field="client_key")
