"""Writes of the API app: issuing, using and revoking API tokens."""

import hashlib
import secrets
from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from jiedao import clock

from .models import ApiToken

KEY_PREFIX = "jd_"
# Recording every use would turn each read into a write; once a minute is enough to see activity.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenError(ValueError):
    pass


def api_token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_issue(*, user, name: str) -> tuple[ApiToken, str]:
    """Make a new key for `user`. The plain key is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise TokenError(_("请填写令牌名称"))
    if not user.is_active:
        raise TokenError(_("该用户已停用"))
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:100], key_hash=api_token_hash(key), prefix=key[:8])
    return token, key


def api_token_revoke(*, token: ApiToken) -> bool:
    """Revoke a token; False when it was revoked already. Idempotent."""
    now = clock.now()
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=now) == 1
    if revoked:
        token.revoked_at = now
    return revoked


def api_token_authenticate(*, key: str):
    """The active user the key belongs to, or None. Notes the use at most once a minute."""
    if not key or not key.startswith(KEY_PREFIX):
        return None
    token = (ApiToken.objects.select_related("user")
             .filter(key_hash=api_token_hash(key), revoked_at=None).first())
    if token is None or not token.user.is_active:
        return None
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
