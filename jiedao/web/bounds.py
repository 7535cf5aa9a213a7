"""Bounded work per request, before the body is touched.

1. A body larger than JIEDAO_REQUEST_MAX_BYTES is refused with 413 from its Content-Length, before
   Django reads (or spools to disk) a byte of it. In production nginx's `client_max_body_size`
   refuses it even earlier (ARCHITECTURE.md, Deployment).
2. A view marked `@limit_before_body(check)` has `check(request)` run before any middleware
   (CSRF reads the form) or the view parses an upload: a public page's rate limit refuses a flood
   without reading its photos."""

import json

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from jiedao.callers import wants_json


def limit_before_body(check):
    """Mark a view: `check(request, *args, **kwargs)` (an HttpResponse to refuse, or None) runs
    before the body is read."""
    def mark(view):
        view.limit_before_body = check
        return view
    return mark


def _too_large(request, limit: int) -> HttpResponse:
    with translation.override(translation.get_language_from_request(request)):
        message = _("提交的内容太大（上限 %(mb)d MB），请减少或压缩照片后重试") % {"mb": limit // (1024 * 1024)}
    if wants_json(request):
        response = HttpResponse(json.dumps({"detail": message}, ensure_ascii=False), status=413,
                                content_type="application/json")
    else:
        response = HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
    return response


def _bad_length(request) -> HttpResponse:
    with translation.override(translation.get_language_from_request(request)):
        message = _("请求格式有误")
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


class RequestBoundsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.JIEDAO_REQUEST_MAX_BYTES
        declared = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(declared)
        except ValueError:
            return _bad_length(request)
        if length < 0:
            return _bad_length(request)
        if limit and length > limit:
            return _too_large(request, limit)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        check = getattr(view_func, "limit_before_body", None)
        if check is not None and request.method == "POST":
            return check(request, *view_args, **view_kwargs)
        return None
