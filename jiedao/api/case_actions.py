"""One endpoint per action of the loop (`POST /cases/{number}/actions/<code>`), each with the body
its service needs; the codes are those of `cases.workflow.ACTIONS` and of a case's `actions` list.
Every endpoint only translates the request into a call of the matching service."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Router, Schema, UploadedFile
from pydantic import Field

from jiedao.cases import services
from jiedao.cases.errors import InvalidInput
from jiedao.cases.models import Case
from jiedao.cases.selectors import dispatch_suggestion
from jiedao.cases.workflow import ACTIONS
from jiedao.catalogue.models import CaseRule
from jiedao.params import moment_checked
from jiedao.territory.models import Organisation, Unit

from .cases import case_detail, case_reloaded, case_visible_or_404, uploads
from .schemas import CaseDetailOut, ErrorOut

router = Router(tags=["case actions"])


# ---------------------------------------------------------------- bodies (form fields; photos as files)

class ActionIn(Schema):
    expected_version: int | None = Field(
        None, description="The `version` you saw; if the case changed since, the action is refused with 409")


class OpinionIn(ActionIn):
    opinion: str = ""


class InspectorIn(OpinionIn):
    inspector: str | None = Field(None, description="Username of a grid worker or inspector of the case's grid")


class VerifyIn(OpinionIn):
    confirmed: bool = Field(description="Whether the report is true (属实)")


class FileIn(OpinionIn):
    rule_id: int | None = Field(None, description="The case rule (立案条件); default: the mildest that applies")
    deadline_value: Decimal | None = Field(None, description="Only when the category has no case rule; may be "
                                                             "fractional, as published tables are (1.5 工作时), "
                                                             "two decimals kept")
    deadline_unit: str | None = Field(None, description="minutes | working_hours | emergency_hours | "
                                                        "working_days | calendar_days")
    missed_by_patrol: bool = Field(False, description="漏报: the shift lead confirms the grid's field worker "
                                                      "should have reported this problem found by others")


class ReasonIn(ActionIn):
    reason: str = ""


class MergeIn(ReasonIn):
    into: str | None = Field(None, description="Number of the open case this one repeats (e.g. 2026-000123)")


class DispatchIn(OpinionIn):
    department_code: str | None = Field(None, description="Default: the case rule's department")
    territorial_owner_code: str | None = Field(None, description="Default: the grid's community")


class ExtensionRequestIn(ReasonIn):
    extra_minutes: int | None = Field(None, description="Extra time asked for, in the case's deadline unit minutes")


class DecideIn(ActionIn):
    approve: bool
    note: str = ""


class CheckIn(OpinionIn):
    passed: bool


class CloseIn(OpinionIn):
    closure_type: str | None = Field(None, description="Default: computed (normal / overdue / self_handled)")


class ReviewIn(OpinionIn):
    approve: bool


class RejectIn(ReasonIn):
    kind: str = Field(description="duplicate | not_ours | invalid | other (不予受理的原因)")


class ReviewRejectionIn(OpinionIn):
    uphold: bool = Field(description="true: the rejection stands; false: back to 待受理 (opinion required)")


class SuperviseIn(ActionIn):
    note: str = ""
    due_at: datetime | None = Field(None, description="When the case must have moved (ISO 8601; no offset: +08:00)")


class HandDownIn(DispatchIn):
    pass


# ---------------------------------------------------------------- from a body to a service call

def _inspector(username: str | None):
    if not username:
        return None
    user = get_user_model().objects.filter(username=username.strip(), is_active=True).first()
    if user is None:
        raise InvalidInput(_("未找到用户“%(username)s”") % {"username": username}, field="inspector")
    return user


def _rule(rule_id: int | None) -> CaseRule | None:
    if rule_id is None:
        return None
    rule = CaseRule.objects.filter(pk=rule_id, is_active=True).first()
    if rule is None:
        raise InvalidInput(_("未知的立案条件"), field="rule_id")
    return rule


def _department_and_owner(case: Case, data: DispatchIn) -> tuple[Organisation, Unit | None]:
    suggestion = dispatch_suggestion(case=case)
    if data.department_code:
        department = Organisation.objects.filter(code=data.department_code).first()
        if department is None:
            raise InvalidInput(_("未知的职能部门：%(code)s") % {"code": data.department_code}, field="department_code")
    elif suggestion.department is not None:
        department = suggestion.department
    else:
        raise InvalidInput(_("该分类没有默认职能部门，请选择职能部门"), field="department_code")
    owner = None
    if data.territorial_owner_code:
        owner = Unit.objects.filter(code=data.territorial_owner_code).first()
        if owner is None:
            raise InvalidInput(_("未知的属地责任单位：%(code)s") % {"code": data.territorial_owner_code},
                               field="territorial_owner_code")
    return department, owner


def _dispatch(case: Case, by, data: DispatchIn, photos) -> None:
    department, owner = _department_and_owner(case, data)
    services.case_dispatch(case=case, by=by, department=department, territorial_owner=owner,
                           opinion=data.opinion, expected_version=data.expected_version)


def _hand_down(case: Case, by, data: HandDownIn, photos) -> None:
    department, owner = _department_and_owner(case, data)
    services.case_hand_down(case=case, by=by, department=department, territorial_owner=owner,
                            opinion=data.opinion, expected_version=data.expected_version)


def _supervise(case: Case, by, data: SuperviseIn, photos) -> None:
    due_at = moment_checked(data.due_at, field="due_at") if data.due_at else None
    services.case_supervise(case=case, by=by, note=data.note, due_at=due_at, expected_version=data.expected_version)


def _merge(case: Case, by, data: MergeIn, photos) -> None:
    into = Case.objects.filter(number=data.into.strip()).first() if data.into else None
    if data.into and into is None:
        raise InvalidInput(_("未找到可并入的案件“%(number)s”") % {"number": data.into}, field="into")
    services.case_merge(case=case, into=into, by=by, reason=data.reason, expected_version=data.expected_version)


def _request(kind: str):
    def run(case: Case, by, data, photos) -> None:
        services.case_request(case=case, by=by, kind=kind, reason=data.reason,
                              extra_minutes=getattr(data, "extra_minutes", None),
                              expected_version=data.expected_version)
    return run


def _decide(kind: str):
    def run(case: Case, by, data: DecideIn, photos) -> None:
        services.case_decide_request(case=case, by=by, approve=data.approve, note=data.note, kind=kind,
                                     expected_version=data.expected_version)
    return run


@dataclass(frozen=True)
class ActionEndpoint:
    body: type[ActionIn]
    run: Callable
    takes_photos: bool = False


ENDPOINTS: dict[str, ActionEndpoint] = {
    "accept": ActionEndpoint(OpinionIn, lambda c, by, d, p: services.case_accept(
        case=c, by=by, opinion=d.opinion, expected_version=d.expected_version)),
    "send_to_verify": ActionEndpoint(InspectorIn, lambda c, by, d, p: services.case_send_to_verify(
        case=c, by=by, inspector=_inspector(d.inspector), opinion=d.opinion, expected_version=d.expected_version)),
    "verify": ActionEndpoint(VerifyIn, lambda c, by, d, p: services.case_verify(
        case=c, by=by, confirmed=d.confirmed, opinion=d.opinion, photos=p, expected_version=d.expected_version),
        takes_photos=True),
    "file": ActionEndpoint(FileIn, lambda c, by, d, p: services.case_file(
        case=c, by=by, rule=_rule(d.rule_id), deadline_value=d.deadline_value, deadline_unit=d.deadline_unit,
        opinion=d.opinion, missed_by_patrol=d.missed_by_patrol, expected_version=d.expected_version)),
    "void": ActionEndpoint(ReasonIn, lambda c, by, d, p: services.case_void(
        case=c, by=by, reason=d.reason, expected_version=d.expected_version)),
    "merge": ActionEndpoint(MergeIn, _merge),
    "dispatch": ActionEndpoint(DispatchIn, _dispatch),
    "request_return": ActionEndpoint(ReasonIn, _request("return")),
    "request_extension": ActionEndpoint(ExtensionRequestIn, _request("extension")),
    "request_suspension": ActionEndpoint(ReasonIn, _request("suspension")),
    "request_void": ActionEndpoint(ReasonIn, _request("void")),
    "decide_return": ActionEndpoint(DecideIn, _decide("return")),
    "decide_extension": ActionEndpoint(DecideIn, _decide("extension")),
    "decide_suspension": ActionEndpoint(DecideIn, _decide("suspension")),
    "decide_void": ActionEndpoint(DecideIn, _decide("void")),
    "resume": ActionEndpoint(OpinionIn, lambda c, by, d, p: services.case_resume(
        case=c, by=by, opinion=d.opinion, expected_version=d.expected_version)),
    "report_fix": ActionEndpoint(OpinionIn, lambda c, by, d, p: services.case_report_fix(
        case=c, by=by, opinion=d.opinion, photos=p, expected_version=d.expected_version), takes_photos=True),
    "assign_inspector": ActionEndpoint(InspectorIn, lambda c, by, d, p: services.case_assign_inspector(
        case=c, by=by, inspector=_inspector(d.inspector), expected_version=d.expected_version)),
    "check": ActionEndpoint(CheckIn, lambda c, by, d, p: services.case_check(
        case=c, by=by, passed=d.passed, opinion=d.opinion, photos=p, expected_version=d.expected_version),
        takes_photos=True),
    "close": ActionEndpoint(CloseIn, lambda c, by, d, p: services.case_close(
        case=c, by=by, closure_type=d.closure_type or None, opinion=d.opinion,
        expected_version=d.expected_version)),
    "review_self_handled": ActionEndpoint(ReviewIn, lambda c, by, d, p: services.case_review_self_handled(
        case=c, by=by, approve=d.approve, opinion=d.opinion, expected_version=d.expected_version)),
    "reject": ActionEndpoint(RejectIn, lambda c, by, d, p: services.case_reject(
        case=c, by=by, kind=d.kind, reason=d.reason, expected_version=d.expected_version)),
    "review_rejection": ActionEndpoint(ReviewRejectionIn, lambda c, by, d, p: services.case_review_rejection(
        case=c, by=by, uphold=d.uphold, opinion=d.opinion, expected_version=d.expected_version)),
    "supervise": ActionEndpoint(SuperviseIn, _supervise),
    "hand_down": ActionEndpoint(HandDownIn, _hand_down),
}

RESPONSES = {200: CaseDetailOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _take(request: HttpRequest, number: str, code: str, data: ActionIn) -> dict:
    case = case_visible_or_404(user=request.auth, number=number)
    endpoint = ENDPOINTS[code]
    photos = uploads(request, "photos") if endpoint.takes_photos else []
    endpoint.run(case, request.auth, data, photos)
    return case_detail(request, case_reloaded(case))


def _register(code: str, endpoint: ActionEndpoint) -> None:
    body = endpoint.body
    if endpoint.takes_photos:
        # `photos` is declared for the schema and read in `_take()` (which also accepts `photos[]`).
        def view(request: HttpRequest, number: str, data: Form[body],  # type: ignore[valid-type]
                 photos: File[list[UploadedFile]] = None):
            return _take(request, number, code, data)
    else:
        def view(request: HttpRequest, number: str, data: Form[body]):  # type: ignore[valid-type]
            return _take(request, number, code, data)
    view.__name__ = f"case_action_{code}"
    router.post(f"/cases/{{number}}/actions/{code}", response=RESPONSES, operation_id=f"case_action_{code}",
                summary=ACTIONS[code].label, description=f"`{code}`: returns the case after the action.")(view)


for _code, _endpoint in ENDPOINTS.items():
    _register(_code, _endpoint)


@router.post("/cases/{number}/actions/{action}", response={404: ErrorOut}, include_in_schema=False)
def case_action_unknown(request: HttpRequest, number: str, action: str):
    raise Http404
