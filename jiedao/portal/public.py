"""What the public may learn about a case, in plain words: the status, the steps of the timeline
(no internal opinion, no staff name, never the reporter), where it is (approximate for sensitive
categories) and which photos (only those staff made public). Pure functions of the case's rows."""

import math
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiedao.cases.models import Case, CaseEvent, CaseState
from jiedao.cases.selectors import superseded_closure_event_ids

# The public words for a state: residents need "is somebody on it" and "is it done", not the loop.
_STATUS = {
    CaseState.REPORTED: ("received", gettext_lazy("已收到")),
    CaseState.VERIFYING: ("received", gettext_lazy("核实中")),
    CaseState.ACCEPTED: ("accepted", gettext_lazy("已受理")),
    CaseState.FILED: ("accepted", gettext_lazy("已受理")),
    CaseState.HANDLING: ("in_progress", gettext_lazy("处理中")),
    CaseState.SUSPENDED: ("in_progress", gettext_lazy("暂缓处理")),
    CaseState.FIXED: ("fixed", gettext_lazy("已处理，待核查")),
    CaseState.CHECKED: ("fixed", gettext_lazy("已处理，待核查")),
    CaseState.SELF_HANDLED: ("fixed", gettext_lazy("已处理，待核查")),
    CaseState.CLOSED: ("closed", gettext_lazy("已办结")),
    CaseState.VOIDED: ("voided", gettext_lazy("已关闭")),
}


@dataclass(frozen=True)
class PublicStatus:
    code: str  # received | accepted | in_progress | fixed | closed | voided | merged
    label: str


def public_status(case: Case) -> PublicStatus:
    if case.state == CaseState.VOIDED and case.merged_into_id:
        return PublicStatus("merged", _("已合并"))
    code, label = _STATUS[case.state]
    return PublicStatus(code, str(label))


# Actions that can have a public sentence (some only when approved); the rest never do.
PUBLIC_ACTIONS = frozenset({
    "report", "send_to_verify", "verify", "accept", "file", "dispatch", "decide_return", "decide_extension",
    "decide_suspension", "decide_void", "resume", "report_fix", "check", "rework", "close", "review_self_handled",
    "void", "merge", "merged_in", "public_update", "public_complaint", "public_not_fixed", "rate",
    "reject", "review_rejection",
})


def public_step(event: CaseEvent) -> str | None:
    """One step of the timeline as a resident reads it, or None for steps that are internal
    (applications, approvals refused, assignments, escalations, photo choices)."""
    data = event.data or {}
    action = event.action
    if action == "report":
        return _("收到问题反映")
    if action == "send_to_verify":
        return _("已安排工作人员到现场核实")
    if action == "verify":
        return _("现场核实：情况属实") if data.get("confirmed") else _("现场核实：未发现所反映的问题")
    if action == "accept":
        return _("已受理")
    if action == "file":
        return _("已立案，等待派遣")
    if action == "dispatch":
        name = data.get("department_name")
        return _("已交由%(department)s处理") % {"department": name} if name else _("已派往处理部门")
    if action == "decide_return" and data.get("approved"):
        return _("重新安排处理部门")
    if action == "decide_extension" and data.get("approved"):
        return _("处理期限已延长")
    if action == "decide_suspension" and data.get("approved"):
        return _("暂缓处理（需协调后再处理）")
    if action == "decide_void" and data.get("approved"):
        return _("经审核不予处理，已关闭")
    if action == "resume":
        return _("恢复处理")
    if action == "report_fix":
        return _("处理部门反馈已处理，等待核查")
    if action == "check":
        return _("现场核查通过")
    if action == "rework":
        return _("现场核查未通过，重新处理")
    if action == "close":
        return _("已办结")
    if action == "review_self_handled":
        return _("网格员已现场处理，审核通过") if data.get("approved") else _("转入受理流程")
    if action == "void":
        return _("经审核不予处理，已关闭")
    if action == "reject":
        kind = data.get("kind_label")
        return _("经审核不予受理：%(reason)s") % {"reason": kind} if kind else _("经审核不予受理")
    if action == "review_rejection":
        return None if data.get("upheld", True) else _("复核后重新受理")
    if action == "merge":
        return _("与同一问题的其他反映合并处理")
    if action == "merged_in":
        return _("合并了同一问题的另一条反映")
    if action == "public_update":
        return _("群众补充了情况")
    if action == "public_complaint":
        return _("群众反映问题仍未解决，已记录")
    if action == "public_not_fixed":
        return _("群众反映问题仍未解决，已退回重新核查")
    if action == "rate":
        return _("群众已评价")
    return None


@dataclass(frozen=True)
class PublicStep:
    at: datetime
    text: str
    event_id: int
    is_done: bool = False
    # A closure or rating a later "not fixed" sent back: kept in the history, no longer current.
    superseded_note: str = ""


def _superseded_note(event: CaseEvent) -> str:
    return _("此前的评价，已被后续反映取代") if event.action == "rate" else _("已被后续反映取代")


def public_timeline(events) -> list[PublicStep]:
    events = list(events)
    superseded = superseded_closure_event_ids(events)
    steps = []
    for event in events:
        text = public_step(event)
        if text is None:
            continue
        is_superseded = event.pk in superseded
        steps.append(PublicStep(at=event.at, text=text, event_id=event.pk,
                                is_done=event.action == "close" and not is_superseded,
                                superseded_note=_superseded_note(event) if is_superseded else ""))
    return steps


def closing_note(events) -> str:
    """The note the office wrote for the public when closing the case, if that closure is the
    current one (not sent back since by a resident's "not fixed"), or ""."""
    events = list(events)
    superseded = superseded_closure_event_ids(events)
    note = ""
    for event in events:
        if event.action == "close" and event.pk not in superseded:
            note = (event.data or {}).get("public_note", "")
    return note


# ---------------------------------------------------------------- location

METRES_PER_DEGREE = 111_320


def blurred_point(longitude: float, latitude: float, *, cell_m: int) -> tuple[float, float]:
    """The centre of the ~cell_m square cell that holds the point: the same answer every time
    (so repeated views cannot be averaged to the truth), and never the point itself."""
    cell_m = max(cell_m, 1)
    dlat = cell_m / METRES_PER_DEGREE
    row = math.floor(latitude / dlat)
    centre_lat = (row + 0.5) * dlat
    dlon = cell_m / (METRES_PER_DEGREE * max(0.01, math.cos(math.radians(centre_lat))))
    centre_lon = (math.floor(longitude / dlon) + 0.5) * dlon
    return round(centre_lon, 6), round(centre_lat, 6)


@dataclass(frozen=True)
class PublicLocation:
    longitude: float
    latitude: float
    is_approximate: bool
    address: str = ""


def public_location(case: Case, *, blur_m: int) -> PublicLocation:
    if case.item.is_sensitive:
        longitude, latitude = blurred_point(case.longitude, case.latitude, cell_m=blur_m)
        return PublicLocation(longitude, latitude, True, "")
    return PublicLocation(round(case.longitude, 6), round(case.latitude, 6), False, case.address)


@dataclass
class PublicPhotos:
    before: list = field(default_factory=list)
    after: list = field(default_factory=list)


def public_photos(case: Case) -> PublicPhotos:
    """Only photos staff made public; the reporter's and the fixers' are private until then."""
    photos = PublicPhotos()
    for photo in case.photos.filter(is_public=True).order_by("uploaded_at", "id"):
        (photos.after if photo.stage in {"after", "check"} else photos.before).append(photo)
    return photos
