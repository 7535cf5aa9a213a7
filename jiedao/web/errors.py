"""Refusals in the caller's terms: a JSON body for the JSON endpoints and scripts that ask for
JSON, Open311's error document under /open311/, the site's translated page for a browser.

- Django's CSRF refusal (CSRF_FAILURE_VIEW): the field app's outbox keeps the item and asks for a
  new sign-in on `code: csrf_failed`.
- A bad request (handler400): a body Django cannot parse (a multipart boundary that is not ASCII,
  …) or a `BadParameter` (jiedao/params.py), with the reason. The middleware below answers a
  `BadParameter` the same way in development too (where Django would show its debug page) and
  refuses a NUL character (PostgreSQL cannot store one) in the path, the query or a form's fields
  before any view reads them."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from jiedao.callers import wants_json
from jiedao.params import BadParameter, has_nul


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    message = _("CSRF 校验失败，请刷新页面后重试")
    if wants_json(request):
        return JsonResponse({"detail": message, "field": None, "code": "csrf_failed"}, status=403,
                            json_dumps_params={"ensure_ascii": False})
    return render(request, "403_csrf.html", {"message": message, "reason": reason if settings.DEBUG else ""},
                  status=403)


def bad_request(request: HttpRequest, exception=None, template_name: str = "400.html") -> HttpResponse:
    if isinstance(exception, BadParameter):
        message, field = str(exception.message), exception.field
    else:  # a body Django could not parse: its own message is English and technical
        message, field = _("请求格式有误"), None
    if request.path.startswith("/open311/"):
        from jiedao.open311.render import errors_response

        return errors_response("xml" if request.path.endswith(".xml") else "json", 400, [(400, message)])
    if wants_json(request):
        return JsonResponse({"detail": message, "field": field}, status=400,
                            json_dumps_params={"ensure_ascii": False})
    return render(request, template_name, {"message": message}, status=400)


class BadParameterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_nul(request.path) or any(has_nul(key) or any(has_nul(value) for value in values)
                                        for key, values in request.GET.lists()):
            return bad_request(request, BadParameter(_("请求地址或参数中含有不允许的字符")))
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        # The CSRF check before this has read the form of every view it guards, so looking at its
        # fields costs nothing more (views exempt from it, the APIs, read their bodies themselves).
        if request.method == "POST" and not getattr(view, "csrf_exempt", False) and any(
                has_nul(key) or any(isinstance(value, str) and has_nul(value) for value in values)
                for key, values in request.POST.lists()):
            return bad_request(request, BadParameter(_("请求地址或参数中含有不允许的字符")))
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, BadParameter):
            return bad_request(request, exception)
        return None
