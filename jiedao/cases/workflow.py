"""The vocabulary of the loop: every action, the states it may start from and who may take it.
One table, read by the services (guards), the pages (which buttons to show) and the API."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from jiedao.territory.models import Role

from .models import OPEN_STATES, CaseSource
from .models import CaseState as S


@dataclass(frozen=True)
class Action:
    code: str
    label: str
    sources: frozenset[str]
    roles: frozenset[str]


def _action(code, label, sources, roles) -> Action:
    return Action(code=code, label=label, sources=frozenset(sources), roles=frozenset(roles))


FIELD = {Role.GRID_WORKER, Role.INSPECTOR}
DEPARTMENT = {Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_ADMIN}

# standards.md §2.2 (who) and §2.3 (from which state)
ACTIONS: dict[str, Action] = {a.code: a for a in [
    _action("accept", _("受理"), {S.REPORTED}, {Role.INTAKE_CLERK, Role.SHIFT_LEAD}),
    _action("send_to_verify", _("派发核实"), {S.REPORTED}, {Role.INTAKE_CLERK, Role.SHIFT_LEAD}),
    _action("verify", _("核实"), {S.VERIFYING}, FIELD),
    _action("file", _("立案"), {S.ACCEPTED}, {Role.SHIFT_LEAD}),
    _action("void", _("作废"), {S.REPORTED, S.VERIFYING, S.ACCEPTED, S.FILED}, {Role.SHIFT_LEAD}),
    # A duplicate is recognised at intake, before it reaches a department: the intake desk merges it
    # into the open case it repeats (the duplicate is voided, its followers move).
    _action("merge", _("合并重复"), {S.REPORTED, S.VERIFYING, S.ACCEPTED, S.FILED},
            {Role.INTAKE_CLERK, Role.SHIFT_LEAD}),
    # 不予受理 (§2.3 "VOID 作废/不予立案; 值班长作废审批"): the intake desk turns away what is plainly
    # not a case, with a reason; a clerk's rejection waits for the shift lead's review (维持 or 恢复受理).
    _action("reject", _("不予受理"), {S.REPORTED}, {Role.INTAKE_CLERK, Role.SHIFT_LEAD}),
    _action("review_rejection", _("复核不予受理"), {S.VOIDED}, {Role.SHIFT_LEAD}),
    _action("dispatch", _("派遣"), {S.FILED}, {Role.DISPATCHER}),
    _action("request_return", _("申请回退"), {S.HANDLING}, DEPARTMENT),
    _action("request_extension", _("申请延期"), {S.HANDLING}, DEPARTMENT),
    _action("request_suspension", _("申请挂账"), {S.HANDLING}, DEPARTMENT),
    _action("request_void", _("申请作废"), {S.HANDLING, S.SUSPENDED}, DEPARTMENT),
    _action("decide_return", _("回退审批"), {S.HANDLING}, {Role.DISPATCHER}),
    _action("decide_extension", _("延期审批"), {S.HANDLING}, {Role.DISPATCHER}),
    _action("decide_suspension", _("挂账审批"), {S.HANDLING}, {Role.DISPATCHER}),
    _action("decide_void", _("作废审批"), {S.HANDLING, S.SUSPENDED}, {Role.SHIFT_LEAD}),
    _action("resume", _("挂账恢复"), {S.SUSPENDED}, {Role.DISPATCHER, Role.DEPARTMENT_ADMIN}),
    _action("report_fix", _("处置反馈"), {S.HANDLING}, DEPARTMENT),
    _action("assign_inspector", _("指派核查人"), {S.FIXED, S.VERIFYING}, {Role.INTAKE_CLERK, Role.SHIFT_LEAD}),
    _action("check", _("核查"), {S.FIXED}, FIELD),
    _action("close", _("结案"), {S.CHECKED}, {Role.SHIFT_LEAD}),
    _action("review_self_handled", _("自处置审核"), {S.SELF_HANDLED}, {Role.SHIFT_LEAD}),
    # §2.2 领导 / 指挥长: 督办 by hand (recorded as the ladder's 督办 is: one kind of event, counted
    # together) and 领导交办, a case handed straight to a department.
    _action("supervise", _("领导督办"), set(OPEN_STATES), {Role.LEADER, Role.AREA_LEADER}),
    _action("hand_down", _("领导交办"), {S.REPORTED, S.ACCEPTED, S.FILED}, {Role.LEADER}),
]}

# The request kind a decision answers, and the action that makes the request.
REQUEST_ACTIONS = {
    "return": ("request_return", "decide_return"),
    "extension": ("request_extension", "decide_extension"),
    "suspension": ("request_suspension", "decide_suspension"),
    "void": ("request_void", "decide_void"),
}

# Who may report, and with which source by default.
REPORTING_ROLES = frozenset({
    Role.GRID_WORKER, Role.INSPECTOR, Role.INTAKE_CLERK, Role.SHIFT_LEAD, Role.LEADER, Role.AREA_LEADER,
    Role.FIRST_RESPONSIBLE, Role.DISPATCHER, Role.SUPERVISOR,
    # 河长制 (standards.md §5): a problem found on a river patrol becomes a case (source 河长巡河).
    Role.RIVER_CHIEF, Role.RIVER_ASSISTANT, Role.RIVER_PATROLLER, Role.CLEANER,
})


# Who decides which photos of a case the public may see (faces, plates: staff look first), and who
# takes a satisfaction rating over the phone (回访): the command centre.
PHOTO_PUBLISHING_ROLES = frozenset({Role.INTAKE_CLERK, Role.SHIFT_LEAD, Role.DISPATCHER})
PHONE_RATING_ROLES = frozenset({Role.INTAKE_CLERK, Role.SHIFT_LEAD})

@dataclass(frozen=True)
class Step:
    """A step of the loop with its own time limit (环节时限, standards.md §4.1 "分钟", §4.3): it
    starts when the case comes to wait in `waiting_state` (the latest event into that state) and
    ends with one of `actions`; on time when that took at most the CasePolicy field `limit_field`
    minutes of clock time. The 处置 step has the case rule's deadline instead (deadlines.py)."""

    code: str
    label: str
    actions: frozenset
    waiting_state: str
    limit_field: str


STEPS: dict[str, Step] = {step.code: step for step in [
    # 受理: the desk takes a report up — accepts it, sends it to verify or turns it away.
    Step("accept", _("受理"), frozenset({"accept", "send_to_verify", "reject"}), S.REPORTED, "accept_limit_minutes"),
    Step("verify", _("核实"), frozenset({"verify"}), S.VERIFYING, "verify_limit_minutes"),
    Step("file", _("立案"), frozenset({"file"}), S.ACCEPTED, "file_limit_minutes"),
    Step("dispatch", _("派遣"), frozenset({"dispatch"}), S.FILED, "dispatch_limit_minutes"),
    # 核查派发: the desk names the inspector of a fixed case where the loop found none (受理's limit).
    Step("assign_check", _("核查派发"), frozenset({"assign_inspector"}), S.FIXED, "accept_limit_minutes"),
    Step("check", _("核查"), frozenset({"check", "rework"}), S.FIXED, "check_limit_minutes"),
    Step("close", _("结案"), frozenset({"close"}), S.CHECKED, "close_limit_minutes"),
]}

# Sources whose case the responsible field worker found themself: never a 漏报 (standards.md §3.2).
OWN_FIND_SOURCES = frozenset({CaseSource.PATROL, CaseSource.SELF_CHECK})

# The 督办 step of an `escalate` event: the ladder's (supervision.models.EscalationCode.SUPERVISE)
# and a leader's by hand (`case_supervise`, marked `manual`) are one kind of event.
SUPERVISE_STEP = "supervise"

# Steps of the timeline that are not actions a person chooses from a list.
EVENT_LABELS: dict[str, str] = {
    "report": _("上报"),
    "rework": _("返工"),
    "escalate": _("督办"),
    "merged_in": _("并入重复案件"),
    "public_update": _("群众补充"),
    "public_complaint": _("群众反映问题未解决"),
    "public_not_fixed": _("群众反映未修复，退回核查"),
    "photo_publish": _("公开照片"),
    "photo_unpublish": _("取消公开照片"),
    "rate": _("满意度评价"),
    **{code: action.label for code, action in ACTIONS.items()},
}


def event_label(code: str, data: dict | None = None) -> str:
    """The timeline's name of a step. A leader's 督办 and 领导交办 are recorded as the ladder's 督办
    and as 立案/派遣 are (so they are counted with them) and named for what they were."""
    data = data or {}
    if code == "escalate" and data.get("manual"):
        return str(_("领导督办"))
    if code == "close" and data.get("project"):
        return str(_("结案（纳入项目库）"))
    if code in {"file", "dispatch"} and data.get("handed_down"):
        return str(_("领导交办（%(step)s）") % {"step": EVENT_LABELS[code]})
    return str(EVENT_LABELS.get(code, code))
