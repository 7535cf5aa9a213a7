"""Who is calling: a browser session (with CSRF on unsafe methods) or an `Authorization: Bearer` key."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from .services import TokenUnusable, api_token_authenticate


class TokenRefused(AuthenticationError):
    """A key that expired or was revoked: 401 with the reason (api.py)."""

    def __init__(self, message):
        super().__init__(401, str(message))


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        try:
            user = api_token_authenticate(key=token.strip())
        except TokenUnusable as refused:
            raise TokenRefused(refused.message) from refused
        if user is not None:
            # The services and the access rules read the user from here like for a session.
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """Django's session. Unlike ninja's `django_auth`, the CSRF check runs only when the session
    actually signs the caller in, so a request with neither session nor key gets 401, not 403."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, str(_("CSRF 校验失败，请刷新页面后重试")))
        return user


token_auth = TokenAuth()
session_auth = SessionAuth()
