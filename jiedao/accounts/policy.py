"""The sign-in policy as one request reads it (once, whatever asks)."""

from .models import SignInPolicy


def sign_in_policy(request=None) -> SignInPolicy:
    if request is None:
        return SignInPolicy.current()
    policy = getattr(request, "_jiedao_sign_in_policy", None)
    if policy is None:
        policy = SignInPolicy.current()
        request._jiedao_sign_in_policy = policy
    return policy
