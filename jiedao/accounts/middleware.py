"""Two checks on every signed-in request: the session has not been idle too long (GB/T
22239-2019 8.1.4.1 b: 登录连接超时自动退出), and a password given by an administrator has been
replaced by the person's own."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from jiedao import clock
from jiedao.audit.models import EventKind
from jiedao.audit.services import security_event_record
from jiedao.callers import wants_json
from jiedao.territory.access import user_roles
from jiedao.territory.models import FIELD_ROLES

from .policy import sign_in_policy

LAST_SEEN_KEY = "jiedao_last_seen"
# The session is written at most once a minute for this (the idle time is counted in minutes).
STAMP_EVERY_SECONDS = 60


def idle_limit_seconds(*, user, request: HttpRequest | None = None) -> int:
    """Staff: the policy's idle time. People whose only roles are in the field (grid workers,
    inspectors, who walk for a long while between two taps): the field idle time."""
    policy = sign_in_policy(request)
    roles = user_roles(user)
    field_only = bool(roles) and roles <= FIELD_ROLES and not user.is_staff and not user.is_superuser
    return (policy.field_idle_minutes if field_only else policy.idle_minutes) * 60


def session_stamp(request: HttpRequest) -> None:
    request.session[LAST_SEEN_KEY] = int(clock.now().timestamp())


class IdleSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = int(clock.now().timestamp())
            last_seen = request.session.get(LAST_SEEN_KEY)
            limit = idle_limit_seconds(user=user, request=request)
            if last_seen is not None and now - last_seen > limit:
                return self._expire(request, idle_seconds=now - last_seen, limit=limit)
            if last_seen is None or now - last_seen >= STAMP_EVERY_SECONDS:
                request.session[LAST_SEEN_KEY] = now
        response = self.get_response(request)
        if user.is_authenticated and not response.has_header("Cache-Control"):
            # What a signed-in person is shown is theirs: no shared cache (a proxy) keeps it (剩余信息保护).
            patch_cache_control(response, private=True)
        return response

    def _expire(self, request: HttpRequest, *, idle_seconds: int, limit: int) -> HttpResponse:
        security_event_record(kind=EventKind.SESSION_EXPIRED, request=request,
                              detail={"idle_minutes": idle_seconds // 60, "limit_minutes": limit // 60})
        # Ended as a sign-out would (a new, empty session), without recording a sign-out as well.
        request.session.flush()
        request.user = AnonymousUser()
        message = _("您已超过 %(minutes)d 分钟未操作，已自动退出，请重新登录。") % {"minutes": limit // 60}
        if wants_json(request):
            return JsonResponse({"detail": message, "code": "session_expired"}, status=401,
                                json_dumps_params={"ensure_ascii": False})
        login_url = redirect_to_login(request.get_full_path()).url
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=401)
            response["HX-Redirect"] = login_url
            return response
        messages.info(request, message)
        return redirect(login_url)


# Where a person who must change their password may still go.
PASSWORD_CHANGE_OPEN_PATHS = ("/static/", "/i18n/")
PASSWORD_CHANGE_OPEN_NAMES = frozenset({"accounts:password-change", "web:logout", "admin:logout"})


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.must_change_password and not self._open(request):
            message = _("管理员为您设置的初始密码须先修改，修改后才能继续使用。")
            if wants_json(request):
                return JsonResponse({"detail": message, "code": "password_change_required"}, status=403,
                                    json_dumps_params={"ensure_ascii": False})
            target = reverse("accounts:password-change")
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=403)
                response["HX-Redirect"] = target
                return response
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return self.get_response(request)

    @staticmethod
    def _open(request: HttpRequest) -> bool:
        if request.path.startswith(PASSWORD_CHANGE_OPEN_PATHS):
            return True
        from django.urls import Resolver404, resolve

        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in PASSWORD_CHANGE_OPEN_NAMES
