"""The GeoReport v2 endpoints under /open311/v2/. Thin: read the parameters, call a selector or a
service, write the document in the format the path asks for. Every refusal is the spec's error
body with its HTTP status (400 bad parameters, 403 api key, 404 unknown, 405, 413, 415, 429),
in the caller's language; nothing is written when one is returned."""

import re
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from jiedao import clock
from jiedao.cases.errors import CaseError
from jiedao.cases.idempotency import request_fingerprint
from jiedao.portal.models import PortalPolicy

from . import selectors, statuses
from .errors import BadApiKey, BadParameter, NotFound, Open311Error, TooLarge, UnsupportedMedia
from .lookups import remembered
from .models import Open311Policy
from .openapi import openapi_document
from .params import (
    MAX_IDS,
    MAX_RECORDS,
    date_window,
    parse_bool,
    parse_list,
    parse_positive_int,
    parse_when,
    present,
)
from .render import JSON, MIME_TYPES, XML, document_response, errors_response, iso_datetime
from .services import (
    MAX_MEDIA,
    ReportSubmission,
    UpdateSubmission,
    open311_client_authenticate,
    open311_rate_check,
    open311_report,
    open311_update,
)

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MAX_PAGE = 100_000
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")


def _error(fmt: str, status: int, description) -> HttpResponse:
    return errors_response(fmt, status, [(status, description)])


def _case_error_status(error: CaseError) -> int:
    if error.field == "photos":
        return 415  # the photo pipeline refused the file: not an image we accept
    return error.status


def endpoint(*methods: str):
    """Method check, jurisdiction check, and every refusal turned into the spec's error body."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, fmt: str = JSON, **kwargs) -> HttpResponse:
            if request.method not in allowed:
                response = _error(fmt, 405, _("不支持该请求方法"))
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            try:
                if request.method == "POST":
                    content_type = request.content_type or ""
                    if content_type not in FORM_TYPES and (content_type or request.body):
                        raise UnsupportedMedia(_("请以 application/x-www-form-urlencoded 或 multipart/form-data 提交"))
                policy = remembered(("policy",), Open311Policy.current)
                jurisdiction = present(request.GET.get("jurisdiction_id")) or (
                    present(request.POST.get("jurisdiction_id")) if request.method == "POST" else None)
                if policy.jurisdiction_id and jurisdiction and jurisdiction != policy.jurisdiction_id:
                    raise NotFound(_("未知的辖区（jurisdiction_id）：%(id)s") % {"id": jurisdiction})
                return view(request, fmt, policy=policy, **kwargs)
            except Open311Error as error:
                response = _error(fmt, error.status, error.description)
                if error.status == 429:
                    response["Retry-After"] = "60"
                return response
            except CaseError as error:
                return _error(fmt, _case_error_status(error), error.message)
            except RequestDataTooBig:
                return _error(fmt, 413, _("请求内容太大"))
            except (SuspiciousOperation, MultiPartParserError, UnreadablePostError, UnicodeDecodeError):
                return _error(fmt, 400, _("请求格式有误"))
        return wrapped
    return decorate


# ---------------------------------------------------------------- discovery and services

@endpoint("GET")
def discovery(request: HttpRequest, fmt: str, *, policy: Open311Policy) -> HttpResponse:
    base = request.build_absolute_uri(request.path.rsplit("/", 1)[0])
    changeset = iso_datetime(policy.updated_at)
    return document_response(fmt, "discovery", {
        "changeset": changeset,
        "contact": policy.contact or str(settings.JIEDAO_SITE_NAME),
        "key_service": policy.key_service or str(_("API 密钥由街道办事处在管理后台发放，请与我们联系")),
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": base,
            "changeset": changeset,
            "type": "test" if policy.is_test else "production",
            "formats": [MIME_TYPES[XML], MIME_TYPES[JSON]],
        }],
    })


@endpoint("GET")
def services(request: HttpRequest, fmt: str, *, policy: Open311Policy) -> HttpResponse:
    return document_response(fmt, "services", selectors.services_list())


@endpoint("GET")
def service_definition(request: HttpRequest, fmt: str, *, policy: Open311Policy, code: str) -> HttpResponse:
    item = selectors.service_item(code)
    if item is None:
        raise NotFound(_("未知的服务代码（service_code）：%(code)s") % {"code": code})
    return document_response(fmt, "service_definition", selectors.service_definition(item))


# ---------------------------------------------------------------- service requests

def _photo_url(request: HttpRequest):
    """A photo staff made public is served by the portal, to anyone, without the case."""
    def url(photo_id: int) -> str:
        return request.build_absolute_uri(reverse("portal:photo", args=[photo_id, "image"]))
    return url


def _writer(request: HttpRequest, *, extensions: bool) -> selectors.RecordWriter:
    return selectors.RecordWriter(photo_url=_photo_url(request), blur_m=PortalPolicy.current().location_blur_m,
                                  extensions=extensions)


@endpoint("GET", "POST")
def requests(request: HttpRequest, fmt: str, *, policy: Open311Policy) -> HttpResponse:
    if request.method == "POST":
        return _request_create(request, fmt)
    return _request_list(request, fmt, policy)


def _request_list(request: HttpRequest, fmt: str, policy: Open311Policy) -> HttpResponse:
    params = request.GET
    extensions = parse_bool(params.get("extensions"), field="extensions")
    ids = parse_list(params.get("service_request_id"))
    if len(ids) > MAX_IDS:
        raise BadParameter(_("service_request_id 最多 %(n)d 个") % {"n": MAX_IDS})
    if ids:
        # GeoReport v2: service_request_id overrides every other argument (they are not even read).
        filters = selectors.RequestFilters(ids=ids, service_codes=[], start=None, end=None, states=None)
        rows = selectors.request_rows(policy=policy, filters=filters, offset=0, limit=MAX_IDS)
        return document_response(fmt, "service_requests", _writer(request, extensions=extensions).records(rows))
    codes = parse_list(params.get("service_code"))
    unknown = sorted(set(codes) - selectors.known_service_codes(codes)) if codes else []
    if unknown:
        raise NotFound(_("未知的服务代码（service_code）：%(code)s") % {"code": ", ".join(unknown)})
    start, end = date_window(parse_when(params.get("start_date"), field="start_date"),
                             parse_when(params.get("end_date"), field="end_date"), now=clock.now())
    wanted = {value.lower() for value in parse_list(params.get("status"))}
    if not wanted <= {"open", "closed"}:
        raise BadParameter(_("status 只能是 open、closed（可用逗号分隔）"))
    page = parse_positive_int(params.get("page"), field="page", default=1, maximum=MAX_PAGE)
    page_size = parse_positive_int(params.get("page_size"), field="page_size", default=MAX_RECORDS,
                                   maximum=MAX_RECORDS)
    filters = selectors.RequestFilters(ids=[], service_codes=codes, start=start, end=end,
                                       states=statuses.base_statuses_to_states(wanted) if wanted else None)
    # One row more than the page tells whether there is a next page without counting them all.
    rows = selectors.request_rows(policy=policy, filters=filters, offset=(page - 1) * page_size, limit=page_size + 1)
    response = document_response(fmt, "service_requests",
                                 _writer(request, extensions=extensions).records(rows[:page_size], contiguous=True))
    return _paginated(request, response, page=page, page_size=page_size, more=len(rows) > page_size)


def _paginated(request: HttpRequest, response: HttpResponse, *, page: int, page_size: int,
               more: bool) -> HttpResponse:
    """The pagination extension's headers: the page size, and where the next page is (if any)."""
    response["X-Page-Size"] = str(page_size)
    if more:
        query = request.GET.copy()
        query["page"] = str(page + 1)
        next_url = request.build_absolute_uri(f"{request.path}?{urlencode(sorted(query.items()))}")
        response["X-Next-Page-URL"] = next_url
        response["Link"] = f'<{next_url}>; rel="next"'
    return response


def _uploads(request: HttpRequest, name: str) -> list:
    files = request.FILES.getlist(name) + request.FILES.getlist(f"{name}[]")
    if len(files) > MAX_MEDIA:
        raise BadParameter(_("最多上传 %(n)d 张照片") % {"n": MAX_MEDIA})
    for upload in files:
        if upload.size > settings.JIEDAO_PHOTO_MAX_BYTES:
            raise TooLarge(_("照片“%(name)s”太大（上限 %(limit)d MB）")
                           % {"name": upload.name, "limit": settings.JIEDAO_PHOTO_MAX_BYTES // (1024 * 1024)})
    return files


def _client(request: HttpRequest):
    client = open311_client_authenticate(key=request.POST.get("api_key") or request.GET.get("api_key"))
    if client is None:
        raise BadApiKey()
    open311_rate_check(client=client)
    return client


def _attributes(form) -> dict[str, list[str]]:
    submitted: dict[str, list[str]] = {}
    for name, values in form.lists():
        match = _ATTRIBUTE.match(name)
        if match:
            submitted.setdefault(match.group(1), []).extend(values)
    return submitted


def _client_key(request: HttpRequest) -> str | None:
    key = present(request.headers.get("Idempotency-Key")) or present(request.POST.get("client_key"))
    if key is not None and len(key) > 200:
        raise BadParameter(_("幂等键（Idempotency-Key / client_key）不能超过 200 个字符"))
    return key


# Not part of the submission: the credentials and the key itself.
NOT_SUBMITTED = ("api_key", "client_key")


def _fingerprint(request: HttpRequest) -> str:
    return request_fingerprint(data=request.POST, files=request.FILES, ignore=NOT_SUBMITTED)


def _request_create(request: HttpRequest, fmt: str) -> HttpResponse:
    form = request.POST
    client = _client(request)
    submission = ReportSubmission(
        service_code=form.get("service_code", ""),
        latitude=present(form.get("lat")), longitude=present(form.get("long")),
        crs=(present(form.get("crs")) or "wgs84").lower(),
        address_string=(form.get("address_string") or "").strip(), address_id=(form.get("address_id") or "").strip(),
        description=form.get("description") or "", attributes=_attributes(form),
        first_name=form.get("first_name") or "", last_name=form.get("last_name") or "",
        phone=(form.get("phone") or "").strip(), email=(form.get("email") or "").strip(),
        device_id=(form.get("device_id") or "").strip(), account_id=(form.get("account_id") or "").strip(),
        media_url=(form.get("media_url") or "").strip(), media=_uploads(request, "media"),
        client_key=_client_key(request), fingerprint=_fingerprint(request),
    )
    case, created = open311_report(client=client, submission=submission)
    # GeoReport v2 returns a token or an id, never both. Our reports wait for intake before they
    # are published, so the answer is always the token; GET tokens/{token} gives the id once the
    # office has accepted the report.
    record = {
        "token": case.tracking_code,
        "service_notice": str(_("已收到，待受理；受理后可凭 token 查询案件编号")),
        "account_id": submission.account_id or None,
    }
    return document_response(fmt, "service_requests", [record], status=201 if created else 200)


@endpoint("GET")
def request_detail(request: HttpRequest, fmt: str, *, policy: Open311Policy, request_id: str) -> HttpResponse:
    row = selectors.request_row(policy=policy, number=request_id)
    if row is None:
        raise NotFound(_("未找到该服务请求：%(id)s") % {"id": request_id})
    writer = _writer(request, extensions=parse_bool(request.GET.get("extensions"), field="extensions"))
    return document_response(fmt, "service_requests", writer.records([row]))


@endpoint("GET")
def token(request: HttpRequest, fmt: str, *, policy: Open311Policy, token: str) -> HttpResponse:
    found = selectors.token_lookup(policy=policy, token=token)
    if found is None:
        raise NotFound(_("未找到该 token：%(token)s") % {"token": token})
    tracking_code, number = found
    return document_response(fmt, "service_requests", [{"service_request_id": number, "token": tracking_code}])


# ---------------------------------------------------------------- service request updates (mySociety)

@endpoint("GET", "POST")
def updates(request: HttpRequest, fmt: str, *, policy: Open311Policy) -> HttpResponse:
    if request.method == "POST":
        return _update_create(request, fmt)
    params = request.GET
    ids = parse_list(params.get("service_request_id"))
    if len(ids) > MAX_IDS:
        raise BadParameter(_("service_request_id 最多 %(n)d 个") % {"n": MAX_IDS})
    start, end = date_window(parse_when(params.get("start_date"), field="start_date"),
                             parse_when(params.get("end_date"), field="end_date"), now=clock.now())
    page = parse_positive_int(params.get("page"), field="page", default=1, maximum=MAX_PAGE)
    page_size = parse_positive_int(params.get("page_size"), field="page_size", default=MAX_RECORDS,
                                   maximum=MAX_RECORDS)
    rows = selectors.update_rows(policy=policy, ids=ids, start=start, end=end, offset=(page - 1) * page_size,
                                 limit=page_size + 1)
    records = selectors.update_records(rows[:page_size], photo_url=_photo_url(request))
    response = document_response(fmt, "service_request_updates", records)
    return _paginated(request, response, page=page, page_size=page_size, more=len(rows) > page_size)


def _update_create(request: HttpRequest, fmt: str) -> HttpResponse:
    form = request.POST
    client = _client(request)
    submission = UpdateSubmission(
        service_request_id=form.get("service_request_id") or "", update_id=form.get("update_id") or "",
        status=form.get("status") or "", updated_datetime=form.get("updated_datetime") or "",
        description=form.get("description") or "", first_name=form.get("first_name") or "",
        last_name=form.get("last_name") or "", phone=(form.get("phone") or "").strip(),
        email=(form.get("email") or "").strip(), account_id=(form.get("account_id") or "").strip(),
        media=_uploads(request, "media"), fingerprint=_fingerprint(request),
    )
    event, created = open311_update(client=client, submission=submission)
    record = {"update_id": str(event.pk), "account_id": submission.account_id or None}
    return document_response(fmt, "service_request_updates", [record], status=201 if created else 200)


# ---------------------------------------------------------------- the description of it all

@csrf_exempt
def openapi(request: HttpRequest) -> HttpResponse:
    if request.method not in {"GET", "HEAD"}:
        return _error(JSON, 405, _("不支持该请求方法"))
    return JsonResponse(openapi_document(), json_dumps_params={"ensure_ascii": False})


@csrf_exempt
def unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
    fmt = JSON if rest.endswith(".json") else XML
    return _error(fmt, 404, _("没有这个接口；请从 discovery.xml 或 discovery.json 开始"))

