"""What the API returns, and how a case becomes that. Times are ISO-8601 in the office's zone
(+08:00), coordinates WGS-84, public identifiers (case numbers, codes) are strings."""

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Schema
from pydantic import Field, PlainSerializer, WithJsonSchema

from jiedao.cases.access import allowed_actions
from jiedao.cases.contact import CaseContacts, ResidentContact, case_contacts
from jiedao.cases.models import Case, CaseEvent, CasePhoto, CaseRequest, CaseSource, DeadlineLight
from jiedao.cases.selectors import case_deadline_light, case_timeline, dispatch_suggestion, pending_request
from jiedao.cases.workflow import event_label
from jiedao.catalogue.models import CatalogueItem
from jiedao.territory.models import Role


def _local_iso(value: datetime) -> str:
    return timezone.localtime(value).isoformat()


LocalDateTime = Annotated[datetime, PlainSerializer(_local_iso, return_type=str),
                          WithJsonSchema({"type": "string", "format": "date-time", "examples": ["2026-11-17T09:00:00+08:00"]})]


class ErrorOut(Schema):
    detail: str
    field: str | None = None


class CategoryOut(Schema):
    kind: str
    kind_label: str
    code: str
    name: str
    major_code: str
    major_name: str
    standard_ref: str


class CodeName(Schema):
    code: str
    name: str


class CaseSummaryOut(Schema):
    number: str = Field(examples=["2026-000123"])
    state: str
    state_label: str
    category: CodeName
    address: str
    longitude: float = Field(description="WGS-84")
    latitude: float = Field(description="WGS-84")
    grid_code: str
    department_name: str | None
    reported_at: LocalDateTime
    deadline_at: LocalDateTime | None
    light: str = Field(description="none | green | yellow | red | paused")
    light_label: str


class CaseListOut(Schema):
    items: list[CaseSummaryOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page")


class ResidentContactOut(Schema):
    name: str
    phone: str = Field(description="A phone number, or an email where that was the only contact left")
    email: str = ""
    is_masked: bool


class ResidentContactAtOut(ResidentContactOut):
    at: LocalDateTime


class ContactRevealOut(Schema):
    reporter: ResidentContactOut
    updates: list[ResidentContactAtOut]


class EventOut(Schema):
    at: LocalDateTime
    action: str
    action_label: str
    from_state: str
    to_state: str
    actor_name: str
    actor_role: str
    actor_role_label: str
    opinion: str
    data: dict[str, Any]
    resident_contact: ResidentContactOut | None = Field(
        None, description="The name and contact a resident left with this update, masked; only for the command "
                          "centre and the office's leaders (POST /cases/{number}/contact shows it in full)")


class PhotoOut(Schema):
    id: str
    stage: str
    stage_label: str
    thumbnail_url: str
    image_url: str
    uploaded_at: LocalDateTime


class RequestOut(Schema):
    id: str
    kind: str
    kind_label: str
    reason: str
    extra_minutes: int | None
    requested_by_name: str
    requested_at: LocalDateTime


class DispatchSuggestionOut(Schema):
    department_code: str | None
    territorial_owner_code: str | None


class CaseReceiptOut(CaseSummaryOut):
    """What a report gets back: enough to show the number and follow the case, without the cost
    of the full detail (GET /cases/{number} has it)."""

    version: int
    photo_count: int


class CaseDetailOut(CaseSummaryOut):
    version: int = Field(description="Send back as expected_version so a stale view is refused (409)")
    source: str
    source_label: str
    description: str
    grid: CodeName
    territorial_owner: CodeName | None
    department: CodeName | None
    assignee_name: str | None
    reporter_name: str = Field(description="The staff reporter, or the resident's name masked (张*) for those "
                                           "who may see residents' contacts, else empty")
    reporter_phone: str = Field(description="The resident's phone masked (139****5678), for those who may see it")
    reporter_email: str = Field("", description="The resident's email masked (a***@x.com), for those who may see it")
    contact_access: str = Field(description="none, masked, or reveal (may POST /cases/{number}/contact)")
    is_self_handled: bool
    filed_at: LocalDateTime | None
    dispatched_at: LocalDateTime | None
    fixed_at: LocalDateTime | None
    closed_at: LocalDateTime | None
    closure_type: str
    closure_type_label: str
    rework_count: int
    return_count: int
    extension_count: int
    timeline: list[EventOut]
    photos: list[PhotoOut]
    pending_request: RequestOut | None
    actions: list[str] = Field(description="The action codes the caller may take now")
    dispatch_suggestion: DispatchSuggestionOut | None = Field(
        description="Department and 属地 suggested by the case rule and the grid, when the caller may dispatch")


class BoxOut(Schema):
    code: str
    label: str
    count: int | None = Field(description="null for boxes that are not counted (all, reported_by_me)")
    count_is_exact: bool = Field(description="False when there are more than `count` cases (counting stops there)")


# ---------------------------------------------------------------- from models to the schemas' data

def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def category_data(item: CatalogueItem) -> dict:
    return {"kind": item.kind, "kind_label": item.get_kind_display(), "code": item.code, "name": item.name,
            "major_code": item.major_code, "major_name": item.major_name, "standard_ref": item.standard_ref}


def case_summary_data(case: Case, *, now: datetime, warning_ratio: float | None = None) -> dict:
    light = case_deadline_light(case=case, now=now, warning_ratio=warning_ratio)
    return {
        "number": case.number, "state": case.state, "state_label": case.get_state_display(),
        "category": {"code": case.item.code, "name": case.item.name},
        "address": case.address, "longitude": case.longitude, "latitude": case.latitude,
        "grid_code": case.grid_code, "department_name": case.department.name if case.department else None,
        "reported_at": case.reported_at, "deadline_at": case.deadline_at,
        "light": light, "light_label": _label(DeadlineLight, light),
    }


def _code_name(obj) -> dict | None:
    return {"code": obj.code, "name": obj.name} if obj is not None else None


def contact_data(shown: ResidentContact | None) -> dict | None:
    if shown is None:
        return None
    return {"name": shown.name, "phone": shown.phone, "email": shown.email, "is_masked": shown.is_masked}


def _event_data(event: CaseEvent, contacts: CaseContacts) -> dict:
    return {
        "resident_contact": contact_data(contacts.updates.get(event.pk)),
        "at": event.at, "action": event.action,
        "action_label": event_label(event.action, event.data),
        "from_state": event.from_state, "to_state": event.to_state, "actor_name": event.actor_name,
        "actor_role": event.actor_role, "actor_role_label": _label(Role, event.actor_role) if event.actor_role else "",
        "opinion": event.opinion, "data": event.data or {},
    }


def _photo_data(photo: CasePhoto, number: str, request: HttpRequest) -> dict:
    # Served through GET /cases/{number}/photos/{id}/{size}, which checks who is asking.
    base = f"/api/v1/cases/{number}/photos/{photo.pk}"
    return {"id": str(photo.pk), "stage": photo.stage, "stage_label": photo.get_stage_display(),
            "thumbnail_url": request.build_absolute_uri(f"{base}/thumbnail"),
            "image_url": request.build_absolute_uri(f"{base}/image"), "uploaded_at": photo.uploaded_at}


def _request_data(case_request: CaseRequest | None) -> dict | None:
    if case_request is None:
        return None
    return {"id": str(case_request.pk), "kind": case_request.kind, "kind_label": case_request.get_kind_display(),
            "reason": case_request.reason, "extra_minutes": case_request.extra_minutes,
            "requested_by_name": case_request.requested_by.display_name,
            "requested_at": case_request.requested_at}


def case_detail_data(case: Case, *, user, request: HttpRequest, now: datetime) -> dict:
    actions = [action.code for action in allowed_actions(user=user, case=case)]
    suggestion = None
    if "dispatch" in actions:
        suggested = dispatch_suggestion(case=case)
        suggestion = {
            "department_code": suggested.department.code if suggested.department else None,
            "territorial_owner_code": suggested.territorial_owner.code if suggested.territorial_owner else None,
        }
    events = list(case_timeline(case=case))
    contacts = case_contacts(user=user, case=case, events=events)
    return case_summary_data(case, now=now) | {
        "version": case.version, "source": case.source, "source_label": _label(CaseSource, case.source),
        "description": case.description, "grid": _code_name(case.grid),
        "territorial_owner": _code_name(case.territorial_owner), "department": _code_name(case.department),
        "assignee_name": case.assignee.display_name if case.assignee else None,
        "reporter_name": case.reporter.display_name if case.reporter else contacts.reporter.name,
        "reporter_phone": contacts.reporter.phone, "reporter_email": contacts.reporter.email, "contact_access": contacts.access.name.lower(),
        "is_self_handled": case.is_self_handled,
        "filed_at": case.filed_at, "dispatched_at": case.dispatched_at, "fixed_at": case.fixed_at,
        "closed_at": case.closed_at, "closure_type": case.closure_type,
        "closure_type_label": case.get_closure_type_display() if case.closure_type else "",
        "rework_count": case.rework_count, "return_count": case.return_count,
        "extension_count": case.extension_count,
        "timeline": [_event_data(event, contacts) for event in events],
        "photos": [_photo_data(photo, case.number, request) for photo in case.photos.all()],
        "pending_request": _request_data(pending_request(case=case)),
        "actions": actions, "dispatch_suggestion": suggestion,
    }

