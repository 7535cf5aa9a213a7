"""Writes about accounts: passwords, unlocking, second factors. Each one is logged."""

from axes.handlers.proxy import AxesProxyHandler
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiedao.audit.models import EventKind, Outcome
from jiedao.audit.services import object_target, security_event_record

from .second_factor import DEVICE_NAME


def password_change(*, user, password: str, request: HttpRequest | None = None) -> None:
    """The person chose a new password themselves (already validated by the form)."""
    was_required = user.must_change_password
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        security_event_record(kind=EventKind.PASSWORD_CHANGED, request=request, actor=user,
                              target=object_target(user), target_label=user.get_username(),
                              detail={"was_required": was_required})


def password_reset_record(*, user, by, must_change: bool, request: HttpRequest | None = None,
                          via: str = "admin") -> None:
    """An administrator set someone's password: the admin's form saved it, or `manage.py
    changepassword` (via "command", no account behind it: the operator at the server)."""
    security_event_record(kind=EventKind.PASSWORD_RESET, request=request, actor=by,
                          actor_name="" if by is not None else f"manage.py {via}",
                          target=object_target(user), target_label=user.get_username(),
                          detail={"must_change_password": must_change, "via": via})


def account_unlock(*, username: str = "", address: str = "", by, request: HttpRequest | None = None) -> int:
    """End a lockout early: the account's failures (and/or the address's) are forgotten."""
    count = 0
    if username:
        count += AxesProxyHandler.reset_attempts(username=username)
    if address:
        count += AxesProxyHandler.reset_attempts(ip_address=address)
    security_event_record(kind=EventKind.UNLOCKED, request=request, actor=by, target=username or address,
                          target_label=username or address,
                          detail={"username": username, "address": address, "attempts_cleared": count})
    return count


def second_factor_start(*, user) -> TOTPDevice:
    """A new, unconfirmed authenticator for this person (an earlier unconfirmed one is dropped)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def second_factor_confirm(*, device: TOTPDevice, token: str, request: HttpRequest | None = None) -> bool:
    """The first code from the app proves it holds the secret; then the factor is in force."""
    if not device.verify_is_allowed()[0] or not device.verify_token(token):
        security_event_record(kind=EventKind.SECOND_FACTOR_FAILED, request=request, actor=device.user,
                              outcome=Outcome.FAILURE, target=object_target(device.user),
                              target_label=device.user.get_username(), detail={"step": "enrol"})
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        security_event_record(kind=EventKind.SECOND_FACTOR_ADDED, request=request, actor=device.user,
                              target=object_target(device.user), target_label=device.user.get_username(),
                              detail={"device": "totp"})
    return True


def second_factor_check(*, device: TOTPDevice, token: str, request: HttpRequest | None = None,
                        step: str = "sign_in") -> bool:
    """A code given at sign-in (or to remove the factor). A wrong one is logged; django-otp slows
    down repeated failures on the device."""
    allowed, _extra = device.verify_is_allowed()
    if allowed and device.verify_token(token):
        return True
    security_event_record(kind=EventKind.SECOND_FACTOR_FAILED, request=request, actor=device.user,
                          outcome=Outcome.FAILURE, target=object_target(device.user),
                          target_label=device.user.get_username(),
                          detail={"step": step, "throttled": not allowed})
    return False


def second_factor_remove(*, user, request: HttpRequest | None = None) -> int:
    count, _rows = TOTPDevice.objects.filter(user=user).delete()
    if count:
        security_event_record(kind=EventKind.SECOND_FACTOR_REMOVED, request=request,
                              target=object_target(user), target_label=user.get_username(),
                              detail={"device": "totp"})
    return count
