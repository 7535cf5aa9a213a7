"""The optional second factor (GB/T 22239-2019 8.1.4.1 d: 两种或两种以上组合的鉴别技术): a
time-based one-time password (TOTP, RFC 6238) from an authenticator app, through django-otp.
Administrators and leaders may enrol; once enrolled, a code is asked after the password at both
sign-in doors. The office may require it of administrators (SignInPolicy)."""

import io
import time
from urllib.parse import parse_qs, urlsplit

import qrcode
import qrcode.image.svg
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiedao.territory.access import user_roles
from jiedao.territory.models import Role

from .policy import sign_in_policy

ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN})
SECOND_FACTOR_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.LEADER, Role.AREA_LEADER})
DEVICE_NAME = "authenticator"
# A password accepted, the code still to come: kept in the session this long.
PENDING_SECONDS = 5 * 60
PENDING_KEY = "jiedao_pending_sign_in"


def is_administrator(user) -> bool:
    return user.is_superuser or bool(user_roles(user) & ADMIN_ROLES)


def may_enrol(*, user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(user_roles(user) & SECOND_FACTOR_ROLES))


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def second_factor_missing(request: HttpRequest) -> bool:
    """The signed-in person must still give (or, where the office requires it, first enrol) a
    second factor before the admin lets them in."""
    user = request.user
    if confirmed_device(user) is not None:
        return not user.is_verified()
    return sign_in_policy(request).second_factor_required_for_admins and is_administrator(user)


def pending_start(request: HttpRequest, *, user, redirect_to: str) -> None:
    request.session[PENDING_KEY] = {"user": user.pk, "backend": user.backend, "next": redirect_to,
                                    "at": time.time()}


def pending_user(request: HttpRequest):
    """The person whose password was accepted a moment ago in this session, or None."""
    from django.contrib.auth import get_user_model

    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is not None:
        user.backend = pending["backend"]
    return user


def pending_next(request: HttpRequest) -> str:
    return (request.session.get(PENDING_KEY) or {}).get("next", "")


def pending_end(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def qr_svg(uri: str) -> str:
    """The otpauth URI as an SVG QR code, drawn here (no image service, no script)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg"):]


def secret_of(uri: str) -> str:
    """The base32 secret, for typing into an app that cannot scan."""
    return parse_qs(urlsplit(uri).query).get("secret", [""])[0]
