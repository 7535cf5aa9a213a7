"""Residents' contact data encrypted at rest (个人信息保护, 数据保密性).

Fernet (AES-128-CBC + HMAC-SHA256) from the `cryptography` package, through MultiFernet so keys
can rotate: `JIEDAO_CONTACT_KEYS` is a comma-separated list, the first key encrypts, every key
decrypts; `manage.py contacts_rekey` re-encrypts every stored value with the first."""

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["InvalidToken", "contact_decrypt", "contact_encrypt", "contact_rotate", "derived_development_key"]


def derived_development_key(secret: str) -> str:
    """The key development and tests use when none is configured: derived from SECRET_KEY, so
    `make run` and `make test` need no setup (production refuses to start without real keys)."""
    digest = hashlib.sha256(b"jiedao-contact-key:" + secret.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("JIEDAO_CONTACT_KEYS is empty: residents' contact data cannot be encrypted.")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            "JIEDAO_CONTACT_KEYS must be Fernet keys (32 url-safe base64-encoded bytes each)") from error


def _keys() -> MultiFernet:
    return _fernet(tuple(settings.JIEDAO_CONTACT_KEYS))


def contact_encrypt(plain: str) -> str:
    """A token for the value; the empty string stays empty (nothing to hide, and blank checks work)."""
    if not plain:
        return ""
    return _keys().encrypt(plain.encode()).decode()


def contact_decrypt(token: str) -> str:
    """The value behind a token; raises InvalidToken when no configured key opens it."""
    if not token:
        return ""
    return _keys().decrypt(token.encode()).decode()


def contact_rotate(token: str) -> str:
    """The same value encrypted with the first (newest) key."""
    if not token:
        return ""
    return _keys().rotate(token.encode()).decode()
