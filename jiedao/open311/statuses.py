"""Our case states in Open311's words: the base `open` / `closed` every GeoReport v2 client reads,
mySociety's extended statuses (FixMyStreet's service request updates), a plain public note for each
state, and which steps of a case's history the public sees. Pure: tables and functions of them.

A report waits for intake (待受理, 核实中) before anything about it is published: until then it is
not in any list, its number answers 404, and a token lookup gives no id yet."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from jiedao.cases.models import CaseState as S
from jiedao.cases.models import ClosureType

OPEN, CLOSED = "open", "closed"

# mySociety's extended statuses (open311-adapter, Role/mySociety.pm); lower case in what we send.
EXTENDED_STATUSES = (
    "open", "closed", "fixed", "in_progress", "planned", "action_scheduled", "investigating", "duplicate",
    "not_councils_responsibility", "no_further_action", "internal_referral", "cancelled", "reopen",
    "for_triage", "unchanged",
)

# States of a report nobody at the office has looked at yet: never published.
UNPUBLISHED_STATES = frozenset({S.REPORTED, S.VERIFYING})


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: the rows below are the only ones
class PublicStatus:
    status: str  # open | closed (GeoReport v2)
    extended: str  # one of EXTENDED_STATUSES
    note: str  # status_notes: a plain sentence, never a staff member's opinion


# One row per state. A fix reported by the department (待核查) stays `in_progress` until our own
# inspector has checked it on site: the public is told "fixed" only after that check.
STATE_STATUS: dict[str, PublicStatus] = {
    S.REPORTED: PublicStatus(OPEN, "open", _("已收到，等待受理")),
    S.VERIFYING: PublicStatus(OPEN, "investigating", _("正在现场核实")),
    S.ACCEPTED: PublicStatus(OPEN, "open", _("已受理，等待立案")),
    S.FILED: PublicStatus(OPEN, "action_scheduled", _("已立案，正在安排处置单位")),
    S.HANDLING: PublicStatus(OPEN, "in_progress", _("处置单位正在处理")),
    S.SUSPENDED: PublicStatus(OPEN, "planned", _("暂缓处置（挂账），条件具备后继续处理")),
    S.FIXED: PublicStatus(OPEN, "in_progress", _("处置单位已反馈处理完毕，等待现场核查")),
    S.CHECKED: PublicStatus(OPEN, "fixed", _("现场核查通过，等待结案")),
    S.SELF_HANDLED: PublicStatus(OPEN, "fixed", _("网格员已现场处置，等待审核")),
    S.CLOSED: PublicStatus(CLOSED, "fixed", _("已办结")),
    S.VOIDED: PublicStatus(CLOSED, "no_further_action", _("经审核不予立案，已关闭")),
}

# Closed cases whose closure was not a fix.
CLOSURE_STATUS: dict[str, PublicStatus] = {
    ClosureType.ERROR: PublicStatus(CLOSED, "no_further_action", _("经核实为误报，已关闭")),
    ClosureType.SPECIAL: PublicStatus(CLOSED, "closed", _("已按特殊情况办结")),
}

DUPLICATE = PublicStatus(CLOSED, "duplicate", _("与已受理的案件重复，已合并处理"))


def public_status(*, state: str, closure_type: str = "", merged: bool = False) -> PublicStatus:
    """The status of a case as Open311 shows it."""
    if state == S.VOIDED and merged:
        return DUPLICATE
    if state == S.CLOSED and closure_type in CLOSURE_STATUS:
        return CLOSURE_STATUS[closure_type]
    return STATE_STATUS[state]


def is_published(state: str) -> bool:
    return state not in UNPUBLISHED_STATES


def base_statuses_to_states(statuses: set[str]) -> set[str]:
    """The states behind a `status=open,closed` filter (published states only)."""
    return {state for state, row in STATE_STATUS.items() if row.status in statuses and is_published(state)}


# Steps of the history the public sees, as service request updates: only these actions, and only
# when they changed the state. Each is told in a plain sentence of ours; the opinion a staff member
# typed is never shown. `status` overrides the new state's extended status where the step itself
# says more (a department sent it back to be re-dispatched: internal_referral).
@dataclass(frozen=True)
class PublicStep:
    description: str
    status: str | None = None


PUBLIC_STEPS: dict[str, PublicStep] = {
    "accept": PublicStep(_("已受理")),
    "verify": PublicStep(_("现场核实完毕，已受理")),
    "file": PublicStep(_("已立案")),
    "void": PublicStep(_("经审核不予立案，已关闭")),
    "merge": PublicStep(_("与已受理的案件重复，已合并处理"), "duplicate"),
    "dispatch": PublicStep(_("已派遣处置单位")),
    "decide_return": PublicStep(_("处置单位退回，重新安排处置单位"), "internal_referral"),
    "decide_suspension": PublicStep(_("暂缓处置（挂账）")),
    "decide_void": PublicStep(_("经审核作废，已关闭")),
    "resume": PublicStep(_("恢复处置")),
    "report_fix": PublicStep(_("处置单位反馈已处理完毕，等待现场核查")),
    "check": PublicStep(_("现场核查通过")),
    "rework": PublicStep(_("现场核查未通过，返工处置")),
    "close": PublicStep(_("已办结")),
    "review_self_handled": PublicStep(_("审核完毕")),
    "public_not_fixed": PublicStep(_("群众反映问题仍未解决，已退回重新核查"), "reopen"),
}
PUBLIC_ACTIONS = frozenset(PUBLIC_STEPS)


def update_status(*, action: str, to_state: str, closure_type: str = "", merged: bool = False) -> str:
    """The extended status of one public step."""
    step = PUBLIC_STEPS.get(action)
    if step is not None and step.status:
        return step.status
    return public_status(state=to_state, closure_type=closure_type, merged=merged).extended


def update_description(action: str) -> str:
    return str(PUBLIC_STEPS[action].description)


# What a client posting an update may say (mySociety sends these in upper case). A resident who
# says it is not fixed (OPEN / REOPEN) on a case we consider fixed or closed sends it back for a
# re-check; everything else is a remark added to the case.
NOT_FIXED_STATUSES = frozenset({"OPEN", "REOPEN"})
ACCEPTED_UPDATE_STATUSES = frozenset(status.upper() for status in EXTENDED_STATUSES)
