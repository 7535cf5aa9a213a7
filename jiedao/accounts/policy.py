"""The sign-in policy as a request reads it. Every signed-in request needs it (the idle timeout), so
it is kept per process for a few seconds; saving it clears this process's copy at once (apps.py),
other processes see a change within POLICY_SECONDS."""

import time

from .models import SignInPolicy

POLICY_SECONDS = 5.0
_remembered: list[tuple[float, SignInPolicy]] = []


def sign_in_policy(request=None) -> SignInPolicy:
    policy = getattr(request, "_jiedao_sign_in_policy", None) if request is not None else None
    if policy is not None:
        return policy
    now = time.monotonic()
    if _remembered and now - _remembered[0][0] < POLICY_SECONDS:
        policy = _remembered[0][1]
    else:
        policy = SignInPolicy.current()
        _remembered[:] = [(now, policy)]
    if request is not None:
        request._jiedao_sign_in_policy = policy
    return policy


def sign_in_policy_forget(**_signal) -> None:
    _remembered.clear()
