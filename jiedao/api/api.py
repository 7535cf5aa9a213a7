"""The REST API, version 1: cases, their actions, the catalogue and the inbox. Errors are JSON in
the caller's language (Accept-Language), never a 500 for bad input."""

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from jiedao.cases.errors import CaseError
from jiedao.params import BadParameter, has_nul
from jiedao.waste import api as waste_api

from . import case_actions, cases, catalogue, inbox
from .auth import TokenRefused, session_auth, token_auth
from .docs import LocalSwagger


class Utf8JSONRenderer(JSONRenderer):
    # Chinese text as UTF-8, not \uXXXX escapes: a third of the bytes, and readable in logs.
    json_dumps_params = {"ensure_ascii": False}


class NulRefusingParser(Parser):
    """Query, form and JSON bodies as ninja reads them, refused if any text carries a NUL (which
    PostgreSQL cannot store): the client's mistake, a 400, not a 500 at the database."""

    def parse_body(self, request: HttpRequest):
        return self._refuse_nul(super().parse_body(request))

    def parse_querydict(self, data, list_fields, request: HttpRequest):
        return self._refuse_nul(super().parse_querydict(data, list_fields, request))

    def _refuse_nul(self, value):
        texts = [value] if isinstance(value, str) else (
            [*value.keys(), *value.values()] if isinstance(value, dict) else value if isinstance(value, list) else [])
        for text in texts:
            if isinstance(text, str) and has_nul(text):
                raise BadParameter(_("请求地址或参数中含有不允许的字符"))
            if isinstance(text, dict | list):
                self._refuse_nul(text)
        return value


class JiedaoAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """Every operation may answer 400 (a request that cannot be read: a NUL character, a body
        that cannot be parsed) and 422 (a parameter or field missing or of the wrong type), in the
        same error shape as the others."""
        schema = super().get_openapi_schema(**kwargs)
        for status, description in ((400, "A request that cannot be read"),
                                    (422, "A parameter or field is missing or of the wrong type")):
            answer = {"description": description,
                      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
            for operations in schema["paths"].values():
                for operation in operations.values():
                    operation["responses"].setdefault(status, answer)
        return schema


api = JiedaoAPI(
    title="Jiedao API",
    version="1",
    description=(
        "街道人居环境整治平台 REST API. Sign in with the browser session (send the CSRF token on "
        "POST) or send `Authorization: Bearer <key>` with a key issued in the admin or by "
        "`manage.py issue_api_token`; keys expire (90 days unless the office set otherwise), and an "
        "expired or revoked key gets 401 saying so. A report's `client_key` with a different body "
        "than its first use gets 422. "
        "Times are ISO-8601 in +08:00; coordinates are WGS-84. Errors: `{\"detail\": message, "
        "\"field\": name}` with 400 (bad input), 401, 403 (not allowed), 404 (no such case, or not "
        "yours to see), 409 (the case is in another state or changed since you read it); 422 for a "
        "malformed request."
    ),
    urls_namespace="api",
    auth=[token_auth, session_auth],
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    renderer=Utf8JSONRenderer(),
    parser=NulRefusingParser(),
)
api.add_router("", cases.router)
api.add_router("", case_actions.router)
api.add_router("", catalogue.router)
api.add_router("", inbox.router)
api.add_router("", waste_api.router)  # the scales' readings (jiedao/waste/api.py)
api.add_router("/air", "jiedao.air.api.router")  # 大气污染源: readings posted by monitors


def error_response(request: HttpRequest, status: int, message, field: str | None = None) -> HttpResponse:
    return api.create_response(request, {"detail": str(message), "field": field}, status=status)


@api.exception_handler(CaseError)
def case_error(request: HttpRequest, error: CaseError) -> HttpResponse:
    return error_response(request, error.status, error.message, error.field)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return error_response(request, 404, _("未找到"))


@api.exception_handler(AuthenticationError)
def not_authenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    reason = error.message if isinstance(error, TokenRefused) else None  # an expired or revoked key says so
    response = error_response(request, 401, reason or _("请先登录，或在 Authorization 头中提供有效的 API 令牌"))
    # RFC 6750 §3.1: a key that was presented but is no longer valid is an invalid_token.
    response["WWW-Authenticate"] = 'Bearer realm="api", error="invalid_token"' if reason else 'Bearer realm="api"'
    return response


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
    return error_response(request, 413, _("请求内容太大"))


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    # The first problem, named by its parameter or field, in the caller's language (not pydantic's).
    where = [str(part) for part in (error.errors[0].get("loc", ()) if error.errors else ())]
    field = where[-1] if len(where) > 1 else None
    return error_response(request, 422, _("参数 %(name)s 缺失或格式无效") % {"name": field or "?"}, field)


@api.exception_handler(BadParameter)
def bad_parameter(request: HttpRequest, error: BadParameter) -> HttpResponse:
    return error_response(request, 400, error.message, error.field)


@api.exception_handler(MultiPartParserError)
def unparsable(request: HttpRequest, error: MultiPartParserError) -> HttpResponse:
    return error_response(request, 400, _("请求格式有误"))


@api.exception_handler(SuspiciousOperation)
def malformed(request: HttpRequest, error: SuspiciousOperation) -> HttpResponse:
    # A broken multipart body, too many fields and the like: the client's fault, not a 500.
    return error_response(request, 400, _("请求格式有误"))
