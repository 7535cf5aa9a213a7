"""Cases: the list (keyset-paginated), one case, and a new report."""

from datetime import datetime

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Query, Router, Schema, UploadedFile
from ninja.responses import Status
from pydantic import Field

from jiedao import clock
from jiedao.cases.access import can_view
from jiedao.cases.contact import case_contact_reveal
from jiedao.cases.errors import InvalidInput
from jiedao.cases.idempotency import request_fingerprint
from jiedao.cases.models import Case, CasePolicy, CaseSource, CaseState
from jiedao.cases.selectors import BOX_BY_CODE, case_photo_file, cases_in_inbox
from jiedao.cases.services import case_report_once
from jiedao.catalogue.models import CatalogueItem, CatalogueKind
from jiedao.params import moment_checked

from .cursor import cases_after, cursor_encode
from .schemas import (
    CaseDetailOut,
    CaseListOut,
    CaseReceiptOut,
    ContactRevealOut,
    ErrorOut,
    case_detail_data,
    case_summary_data,
    contact_data,
)
from .services import api_report_record, api_report_replay_check

router = Router(tags=["cases"])

MAX_PAGE = 200


def _cases_for_detail():
    return Case.objects.select_related("item", "grid", "department", "territorial_owner", "assignee", "reporter")


def case_reloaded(case: Case) -> Case:
    """The case as it is now, after a service changed it (the caller acted on it, so no new check)."""
    return _cases_for_detail().get(pk=case.pk)


def case_visible_or_404(*, user, number: str) -> Case:
    """The case with this number if the user may see it. A case they may not see is "not found"
    like a number that does not exist, so numbers cannot be probed."""
    case = _cases_for_detail().filter(number=number).first()
    if case is None or not can_view(user=user, case=case):
        raise Http404
    return case


def case_detail(request: HttpRequest, case: Case) -> dict:
    return case_detail_data(case, user=request.auth, request=request, now=clock.now())


class CaseListFilters(Schema):
    box: str = Field("all", description="An inbox code from GET /inbox; `all` is every case you may see")
    state: str | None = Field(None, description="A case state code")
    category: str | None = Field(None, description="A catalogue code (小类代码)")
    since: datetime | None = Field(None, description="Reported at or after (ISO-8601; without offset: +08:00)")
    until: datetime | None = Field(None, description="Reported before (ISO-8601; without offset: +08:00)")
    q: str | None = Field(None, description="Number prefix, or words in the address, description or category")
    cursor: str | None = Field(None, description="`next_cursor` of the previous page")
    limit: int = Field(50, ge=1, le=MAX_PAGE)


@router.get("/cases", response={200: CaseListOut, 400: ErrorOut}, summary="List the cases you may see")
def case_list(request: HttpRequest, filters: Query[CaseListFilters]):
    if filters.box not in BOX_BY_CODE:
        raise InvalidInput(_("未知的收件箱"), field="box")
    if filters.state and filters.state not in CaseState.values:
        raise InvalidInput(_("未知的案件状态"), field="state")
    cases = cases_in_inbox(user=request.auth, box=filters.box, query=filters.q or "", state=filters.state or "")
    if filters.category:
        cases = cases.filter(item__code=filters.category)
    if filters.since:
        cases = cases.filter(reported_at__gte=moment_checked(filters.since, field="since"))
    if filters.until:
        cases = cases.filter(reported_at__lt=moment_checked(filters.until, field="until"))
    # One row more than asked tells whether there is a next page without counting.
    page = list(cases_after(cases, filters.cursor)[: filters.limit + 1])
    has_more = len(page) > filters.limit
    page = page[: filters.limit]
    now, warning_ratio = clock.now(), float(CasePolicy.current().warning_ratio)
    return {
        "items": [case_summary_data(case, now=now, warning_ratio=warning_ratio) for case in page],
        "next_cursor": cursor_encode(reported_at=page[-1].reported_at, case_id=page[-1].pk) if has_more else None,
    }


@router.get("/cases/{number}", response={200: CaseDetailOut, 404: ErrorOut}, summary="One case")
def case_get(request: HttpRequest, number: str):
    return case_detail(request, case_visible_or_404(user=request.auth, number=number))


@router.post("/cases/{number}/contact", response={200: ContactRevealOut, 403: ErrorOut, 404: ErrorOut},
             summary="Residents' contacts on a case in full",
             description="For the command centre (intake clerk, shift lead, dispatcher) only; each call is "
                         "written to the security log; the answer is never cached.")
def case_contact(request: HttpRequest, number: str, response: HttpResponse):
    case = case_visible_or_404(user=request.auth, number=number)
    contacts = case_contact_reveal(user=request.auth, case=case, request=request)
    add_never_cache_headers(response)
    return {"reporter": contact_data(contacts.reporter),
            "updates": [{"at": event.at, **contact_data(contacts.updates[event.pk])}
                        for event in case.events.filter(pk__in=list(contacts.updates)).order_by("at", "id")]}


@router.get("/cases/{number}/photos/{photo_id}/{size}", response={404: ErrorOut}, summary="One photo of a case",
            description="`size` is `image` or `thumbnail`; 404 unless you may see the case.")
def case_photo(request: HttpRequest, number: str, photo_id: int, size: str):
    stored = case_photo_file(user=request.auth, number=number, photo_id=photo_id, size=size)
    if stored is None:
        raise Http404
    return FileResponse(stored.open("rb"), content_type=stored.content_type)


class ReportIn(Schema):
    item_code: str = Field(description="Catalogue code (小类代码) of the problem")
    item_kind: str | None = Field(None, description="component | matter | event, when the code is ambiguous")
    longitude: str | None = Field(None, description="Omit both to use the first photo's EXIF location")
    latitude: str | None = None
    crs: str = Field("wgs84", description="wgs84 | gcj02 (高德/腾讯) | bd09 (百度)")
    description: str = ""
    address: str = ""
    source: str = CaseSource.PATROL.value
    reporter_name: str = ""
    reporter_phone: str = ""
    self_handled: bool = False
    client_key: str | None = Field(None, max_length=64,
                                   description="Idempotency key: a retry with the same key returns the same case")


def catalogue_item_for_report(*, code: str, kind: str | None) -> CatalogueItem:
    items = CatalogueItem.objects.filter(code=(code or "").strip())
    if kind:
        items = items.filter(kind=kind)
    items = list(items)
    if not items:
        raise InvalidInput(_("未知的问题分类：%(code)s") % {"code": code}, field="item_code")
    # A component and a matter may share a code (standards.md §1.4); reports are made under the
    # matter. Among rows of one kind the standard's row comes before a local extension's.
    matters = [item for item in items if item.kind == CatalogueKind.MATTER]
    candidates = matters or items
    if len({item.kind for item in candidates}) > 1:
        raise InvalidInput(_("该分类代码对应多个分类，请指定分类类型"), field="item_kind")
    return min(candidates, key=lambda item: (not item.is_active, item.is_local_extension, item.pk))


def uploads(request: HttpRequest, name: str) -> list[UploadedFile]:
    # Accept both `photos` and the PHP-style `photos[]` some HTTP clients send.
    return request.FILES.getlist(name) + request.FILES.getlist(f"{name}[]")


@router.post("/cases", response={200: CaseReceiptOut, 201: CaseReceiptOut, 400: ErrorOut, 403: ErrorOut,
                                 409: ErrorOut, 422: ErrorOut},
             summary="Report a case (multipart)",
             description="201 with the new case; 200 with the existing case when `client_key` was used before "
                         "with the same body; 422 when it was used with a different body. "
                         "The answer is a receipt; GET /cases/{number} gives the whole case.")
def case_create(request: HttpRequest, data: Form[ReportIn], photos: File[list[UploadedFile]] = None,
                after_photos: File[list[UploadedFile]] = None):
    # `photos` and `after_photos` are declared for the schema; they are read in `uploads()`, which
    # also accepts the `photos[]` spelling.
    user = request.auth
    client_key = (data.client_key or "").strip() or None
    longitude = (data.longitude or "").strip() or None
    latitude = (data.latitude or "").strip() or None
    fingerprint = (request_fingerprint(data=request.POST, files=request.FILES, ignore=("client_key",))
                   if client_key else "")
    case, created = case_report_once(
        by=user, source=data.source, item=catalogue_item_for_report(code=data.item_code, kind=data.item_kind),
        longitude=longitude, latitude=latitude, crs=data.crs, description=data.description, address=data.address,
        photos=uploads(request, "photos"), after_photos=uploads(request, "after_photos"),
        self_handled=data.self_handled, reporter_name=data.reporter_name, reporter_phone=data.reporter_phone,
        client_key=client_key,
        also=(lambda made: api_report_record(case=made, fingerprint=fingerprint)) if client_key else None,
    )
    if not created:
        api_report_replay_check(case=case, key=client_key or "", fingerprint=fingerprint)
    receipt = case_summary_data(case, now=clock.now()) | {"version": case.version,
                                                          "photo_count": case.photos.count()}
    return Status(201 if created else 200, receipt)
