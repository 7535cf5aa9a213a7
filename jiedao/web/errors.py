"""Answers to a bad request (400) in the shape the caller reads: the site's 400 page with the
reason, the API's JSON error, or Open311's error document. Django calls `bad_request` for a body it
cannot parse (a multipart boundary that is not ASCII, …) and for `BadRequest`; the middleware
below answers a `BadParameter` the same way in development too (where Django would show its
debug page) and refuses a NUL character (PostgreSQL cannot store one) in the path, the query or a
form's fields before any view reads them."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from jiedao.params import BadParameter, has_nul

JSON_PREFIXES = ("/api/", "/field/api/")


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return request.path.startswith(JSON_PREFIXES) or ("json" in accept and "html" not in accept)


def bad_request(request: HttpRequest, exception=None, template_name: str = "400.html") -> HttpResponse:
    if isinstance(exception, BadParameter):
        message, field = str(exception.message), exception.field
    else:  # a body Django could not parse: its own message is English and technical
        message, field = _("请求格式有误"), None
    if request.path.startswith("/open311/"):
        from jiedao.open311.render import errors_response

        return errors_response("xml" if request.path.endswith(".xml") else "json", 400, [(400, message)])
    if _wants_json(request):
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
