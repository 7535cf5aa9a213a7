"""The action forms of the case page: for each action of `cases.workflow.ACTIONS`, what its form
needs to show and how a posted form becomes a call of the matching service. No rule lives here:
the services guard every transition again."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jiedao import clock
from jiedao.cases import services
from jiedao.cases.errors import InvalidInput
from jiedao.cases.models import Case, ClosureType, RejectionKind
from jiedao.cases.selectors import dispatch_suggestion, open_cases_near, pending_request
from jiedao.cases.workflow import OWN_FIND_SOURCES
from jiedao.catalogue.models import CaseRule, DeadlineUnit
from jiedao.catalogue.selectors import case_rules_for_item
from jiedao.params import BadParameter, id_or_none, int_or_none, moment_checked
from jiedao.territory.models import Organisation, Unit
from jiedao.territory.selectors import field_workers_covering, territorial_owner_choices
from jiedao.worktime.deadlines import budget_minutes, is_working_time_unit
from jiedao.worktime.selectors import working_calendar

# ---------------------------------------------------------------- reading the posted form

def _text(request: HttpRequest, name: str) -> str:
    return (request.POST.get(name) or "").strip()


def _yes_no(request: HttpRequest, name: str, *, message) -> bool:
    value = request.POST.get(name)
    if value not in {"yes", "no"}:
        raise InvalidInput(message, field=name)
    return value == "yes"


def _positive_decimal(request: HttpRequest, name: str, *, message) -> Decimal | None:
    """A positive number with at most two decimals ("1.5" 工作时), or None when the field is empty."""
    value = _text(request, name)
    if not value:
        return None
    try:
        number = Decimal(value)
        valid = number.is_finite() and number > 0 and number == number.quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    except InvalidOperation:
        valid = False
    if not valid:
        raise InvalidInput(message, field=name)
    return number


def _positive_int(request: HttpRequest, name: str, *, message) -> int | None:
    value = _text(request, name)
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise InvalidInput(message, field=name) from None
    if number <= 0:
        raise InvalidInput(message, field=name)
    return number


def _moment(request: HttpRequest, name: str, *, message) -> datetime | None:
    """A date and time from a datetime-local field (our zone), None when left empty."""
    value = _text(request, name)
    if not value:
        return None
    try:
        return moment_checked(datetime.fromisoformat(value), field=name)
    except (ValueError, BadParameter):
        raise InvalidInput(message, field=name) from None


def _photos(request: HttpRequest, name: str = "photos") -> list:
    return request.FILES.getlist(name)


def _inspector(request: HttpRequest):
    value = _text(request, "inspector")
    user = get_user_model().objects.filter(pk=id_or_none(value), is_active=True).first()
    if user is None:
        raise InvalidInput(_("请选择核实/核查人员"), field="inspector")
    return user


def expected_version(request: HttpRequest) -> int:
    version = int_or_none(request.POST.get("expected_version"))
    if version is None:
        raise InvalidInput(_("表单已失效，请刷新页面后重试"), field="expected_version")
    return version


# ---------------------------------------------------------------- one runner per action

def _accept(request, case, by, version):
    services.case_accept(case=case, by=by, opinion=_text(request, "opinion"), expected_version=version)


def _send_to_verify(request, case, by, version):
    services.case_send_to_verify(case=case, by=by, inspector=_inspector(request), opinion=_text(request, "opinion"),
                                 expected_version=version)


def _verify(request, case, by, version):
    services.case_verify(case=case, by=by, confirmed=_yes_no(request, "confirmed", message=_("请选择核实结果")),
                         opinion=_text(request, "opinion"), photos=_photos(request), expected_version=version)


def _file(request, case, by, version):
    rule = None
    rule_id = _text(request, "rule")
    if rule_id:
        rule = CaseRule.objects.filter(pk=id_or_none(rule_id), is_active=True).first()
        if rule is None:
            raise InvalidInput(_("请选择立案条件"), field="rule")
    deadline_unit = _text(request, "deadline_unit") or None
    deadline_value = _positive_decimal(request, "deadline_value", message=_("处置时限须为正数，可带两位小数（如 1.5）"))
    services.case_file(case=case, by=by, rule=rule, deadline_value=deadline_value, deadline_unit=deadline_unit,
                       opinion=_text(request, "opinion"), missed_by_patrol=request.POST.get("missed_by_patrol") == "yes",
                       expected_version=version)


def _confirmed(request: HttpRequest, *, message) -> None:
    """A step that cannot be undone (作废) is sent only with its box ticked: without script, one
    mis-click cannot void a case (static/js/page.js asks once more where script runs)."""
    if request.POST.get("confirm") != "yes":
        raise InvalidInput(message, field="confirm")


def _void(request, case, by, version):
    _confirmed(request, message=_("请勾选确认后再作废"))
    services.case_void(case=case, by=by, reason=_text(request, "reason"), expected_version=version)


def _reject(request, case, by, version):
    services.case_reject(case=case, by=by, kind=_text(request, "kind"), reason=_text(request, "reason"),
                         expected_version=version)


def _review_rejection(request, case, by, version):
    services.case_review_rejection(case=case, by=by, uphold=_yes_no(request, "uphold", message=_("请选择复核结果")),
                                   opinion=_text(request, "opinion"), expected_version=version)


def _supervise(request, case, by, version):
    services.case_supervise(case=case, by=by, note=_text(request, "note"),
                            due_at=_moment(request, "due_at", message=_("请按 年-月-日 时:分 填写督办期限")),
                            expected_version=version)


def _merge(request, case, by, version):
    number = _text(request, "into")
    into = Case.objects.filter(number=number).first() if number else None
    if number and into is None:
        raise InvalidInput(_("未找到可并入的案件“%(number)s”") % {"number": number}, field="into")
    services.case_merge(case=case, into=into, by=by, reason=_text(request, "reason"), expected_version=version)


def _department_and_owner(request) -> tuple[Organisation, Unit | None]:
    department_id = _text(request, "department")
    department = Organisation.objects.filter(pk=id_or_none(department_id)).first()
    if department is None:
        raise InvalidInput(_("请选择职能部门"), field="department")
    owner_id = _text(request, "territorial_owner")
    owner = None
    if owner_id:
        owner = Unit.objects.filter(pk=id_or_none(owner_id)).first()
        if owner is None:
            raise InvalidInput(_("请选择属地责任单位"), field="territorial_owner")
    return department, owner


def _dispatch(request, case, by, version):
    department, owner = _department_and_owner(request)
    services.case_dispatch(case=case, by=by, department=department, territorial_owner=owner,
                           opinion=_text(request, "opinion"), expected_version=version)


def _hand_down(request, case, by, version):
    department, owner = _department_and_owner(request)
    services.case_hand_down(case=case, by=by, department=department, territorial_owner=owner,
                            opinion=_text(request, "opinion"), expected_version=version)


def extension_units(case: Case) -> list[tuple[str, str]]:
    """The units a handler may ask for more time in: the same kind of time as the case's limit,
    since the extra minutes are added in that kind (working or clock minutes)."""
    if is_working_time_unit(case.deadline_unit):
        return [(DeadlineUnit.WORKING_HOURS, str(_("工作时"))), (DeadlineUnit.WORKING_DAYS, str(_("工作日")))]
    return [(DeadlineUnit.EMERGENCY_HOURS, str(_("小时"))), (DeadlineUnit.CALENDAR_DAYS, str(_("自然日")))]


def _request(kind: str):
    def run(request, case, by, version):
        extra_minutes = None
        if kind == "void":
            _confirmed(request, message=_("请勾选确认后再申请作废"))
        if kind == "extension":
            value = _positive_int(request, "extra_value", message=_("申请延长的时间须为正整数"))
            unit = _text(request, "extra_unit")
            if value is None:
                raise InvalidInput(_("请填写申请延长的时间"), field="extra_value")
            if unit not in dict(extension_units(case)):
                raise InvalidInput(_("请选择时间单位"), field="extra_unit")
            extra_minutes = budget_minutes(value=value, unit=unit, calendar=working_calendar())
        services.case_request(case=case, by=by, kind=kind, reason=_text(request, "reason"),
                              extra_minutes=extra_minutes, expected_version=version)
    return run


def _decide(kind: str):
    def run(request, case, by, version):
        services.case_decide_request(case=case, by=by, kind=kind,
                                     approve=_yes_no(request, "approve", message=_("请选择审批结果")),
                                     note=_text(request, "note"), expected_version=version)
    return run


def _resume(request, case, by, version):
    services.case_resume(case=case, by=by, opinion=_text(request, "opinion"), expected_version=version)


def _report_fix(request, case, by, version):
    services.case_report_fix(case=case, by=by, opinion=_text(request, "opinion"), photos=_photos(request),
                             expected_version=version)


def _assign_inspector(request, case, by, version):
    services.case_assign_inspector(case=case, by=by, inspector=_inspector(request), expected_version=version)


def _check(request, case, by, version):
    services.case_check(case=case, by=by, passed=_yes_no(request, "passed", message=_("请选择核查结果")),
                        opinion=_text(request, "opinion"), photos=_photos(request), expected_version=version)


def _close(request, case, by, version):
    services.case_close(case=case, by=by, closure_type=_text(request, "closure_type") or None,
                        opinion=_text(request, "opinion"), public_note=_text(request, "public_note"),
                        expected_version=version)


def _review(request, case, by, version):
    services.case_review_self_handled(case=case, by=by,
                                      approve=_yes_no(request, "approve", message=_("请选择审核结果")),
                                      opinion=_text(request, "opinion"), expected_version=version)


# ---------------------------------------------------------------- what each form shows

def _inspector_context(case: Case) -> dict:
    return {"inspectors": field_workers_covering(unit=case.grid), "current_inspector": case.assignee_id}


def _merge_context(case: Case) -> dict:
    """Open cases of the same category near this one: the likely originals."""
    nearby = open_cases_near(longitude=case.longitude, latitude=case.latitude, item_id=case.item_id,
                             now=clock.now(), exclude_pk=case.pk)
    return {"merge_candidates": nearby}


def _file_context(case: Case) -> dict:
    # 漏报 can be confirmed at 立案 of a problem found by others, against the grid's field worker.
    worker = None if case.source in OWN_FIND_SOURCES else services.responsible_field_worker(case=case)
    return {"rules": case_rules_for_item(item=case.item, grid_class=case.grid.grid_class),
            "deadline_units": DeadlineUnit.choices, "missed_worker": worker}


def _dispatch_context(case: Case) -> dict:
    suggestion = dispatch_suggestion(case=case)
    return {
        "departments": list(Organisation.objects.filter(is_active=True).order_by("kind", "code")),
        "suggested_department": suggestion.department.pk if suggestion.department else None,
        "owners": territorial_owner_choices(grid=case.grid),
        "suggested_owner": suggestion.territorial_owner.pk if suggestion.territorial_owner else None,
    }


def _reject_context(case: Case) -> dict:
    return {"rejection_kinds": RejectionKind.choices}


def _review_rejection_context(case: Case) -> dict:
    return {"rejection": case.events.filter(action="reject").order_by("-at", "-id").first()}


def _extension_context(case: Case) -> dict:
    return {"extension_units": extension_units(case)}


def _decide_context(case: Case) -> dict:
    return {"pending": pending_request(case=case)}


def _close_context(case: Case) -> dict:
    return {"closure_types": ClosureType.choices, "default_closure_type": services.closure_type_for(case=case)}


@dataclass(frozen=True)
class Confirmation:
    """Asked in the browser before the form is sent (static/js/page.js reads data-confirm), when
    `field` has `value` (or always, without a field)."""

    message: str
    field: str = ""
    value: str = ""


@dataclass(frozen=True)
class ActionForm:
    template: str
    run: Callable
    context: Callable[[Case], dict] | None = None
    takes_photos: bool = False
    confirm: Confirmation | None = None


VOID_CONFIRMATION = Confirmation(_("确定作废本案件吗？作废后不能恢复。"))


ACTION_FORMS: dict[str, ActionForm] = {
    "accept": ActionForm("web/actions/opinion.html", _accept),
    "send_to_verify": ActionForm("web/actions/inspector.html", _send_to_verify, _inspector_context),
    "verify": ActionForm("web/actions/verify.html", _verify, takes_photos=True),
    "file": ActionForm("web/actions/file.html", _file, _file_context),
    "void": ActionForm("web/actions/void.html", _void, confirm=VOID_CONFIRMATION),
    "reject": ActionForm("web/actions/reject.html", _reject, _reject_context),
    "review_rejection": ActionForm("web/actions/review_rejection.html", _review_rejection,
                                   _review_rejection_context),
    "merge": ActionForm("web/actions/merge.html", _merge, _merge_context),
    "dispatch": ActionForm("web/actions/dispatch.html", _dispatch, _dispatch_context),
    "request_return": ActionForm("web/actions/reason.html", _request("return")),
    "request_extension": ActionForm("web/actions/extension.html", _request("extension"), _extension_context),
    "request_suspension": ActionForm("web/actions/reason.html", _request("suspension")),
    "request_void": ActionForm("web/actions/void.html", _request("void"),
                               confirm=Confirmation(_("确定申请作废本案件吗？批准后案件作废，不能恢复。"))),
    "decide_return": ActionForm("web/actions/decide.html", _decide("return"), _decide_context),
    "decide_extension": ActionForm("web/actions/decide.html", _decide("extension"), _decide_context),
    "decide_suspension": ActionForm("web/actions/decide.html", _decide("suspension"), _decide_context),
    "decide_void": ActionForm("web/actions/decide.html", _decide("void"), _decide_context,
                              confirm=Confirmation(_("确定同意作废本案件吗？作废后不能恢复。"), field="approve", value="yes")),
    "resume": ActionForm("web/actions/opinion.html", _resume),
    "report_fix": ActionForm("web/actions/report_fix.html", _report_fix, takes_photos=True),
    "assign_inspector": ActionForm("web/actions/inspector.html", _assign_inspector, _inspector_context),
    "check": ActionForm("web/actions/check.html", _check, takes_photos=True),
    "close": ActionForm("web/actions/close.html", _close, _close_context),
    "review_self_handled": ActionForm("web/actions/review.html", _review),
    "supervise": ActionForm("web/actions/supervise.html", _supervise),
    "hand_down": ActionForm("web/actions/hand_down.html", _hand_down, _dispatch_context),
}
