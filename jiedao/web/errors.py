"""Django's CSRF refusal (CSRF_FAILURE_VIEW), in the caller's terms: a JSON body for the JSON
endpoints and scripts that ask for JSON (the field app's outbox keeps the item and asks for a new
sign-in on `code: csrf_failed`), the site's translated page for a browser."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

# Endpoints that only ever answer JSON (the REST API checks CSRF itself, with the same words).
JSON_PATH_PREFIXES = ("/api/", "/field/api/")


def wants_json(request: HttpRequest) -> bool:
    if request.path.startswith(JSON_PATH_PREFIXES) or request.content_type == "application/json":
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    message = _("CSRF 校验失败，请刷新页面后重试")
    if wants_json(request):
        return JsonResponse({"detail": message, "field": None, "code": "csrf_failed"}, status=403,
                            json_dumps_params={"ensure_ascii": False})
    return render(request, "403_csrf.html", {"message": message, "reason": reason if settings.DEBUG else ""},
                  status=403)
