"""Turning domain values into words for the pages: deadline lights, time left, timeline details."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from jiedao.cases.models import (
    Case,
    CaseEvent,
    CaseSource,
    ClosureType,
    RatingSource,
    RejectionKind,
    RequestKind,
)
from jiedao.cases.selectors import case_deadline_light, superseded_closure_event_ids
from jiedao.cases.services import remaining_handling_minutes
from jiedao.cases.workflow import event_label
from jiedao.catalogue.models import deadline_text
from jiedao.territory.models import Role
from jiedao.worktime.deadlines import DeadlineLight, is_working_time_unit


def duration_words(minutes: int, *, unit: str) -> str:
    """'3 工作时 20 分' for working-time limits, '1 天 2 小时' for clock-time ones."""
    minutes = abs(minutes)
    if is_working_time_unit(unit):
        hours, rest = divmod(minutes, 60)
        if hours and rest:
            return _("%(h)d 工作时 %(m)d 分") % {"h": hours, "m": rest}
        return _("%(h)d 工作时") % {"h": hours} if hours else _("%(m)d 分") % {"m": rest}
    days, rest = divmod(minutes, 24 * 60)
    hours, rest = divmod(rest, 60)
    parts = []
    if days:
        parts.append(_("%(d)d 天") % {"d": days})
    if hours:
        parts.append(_("%(h)d 小时") % {"h": hours})
    if rest or not parts:
        parts.append(_("%(m)d 分") % {"m": rest})
    return " ".join(parts)


@dataclass(frozen=True)
class LightView:
    code: str
    label: str
    remaining: str  # "剩余 …" / "超期 …" / ""


def light_view(*, case: Case, now: datetime, warning_ratio: float) -> LightView:
    code = case_deadline_light(case=case, now=now, warning_ratio=warning_ratio)
    if code == DeadlineLight.NONE:
        return LightView(code=code, label=str(DeadlineLight(code).label), remaining="")
    if code == DeadlineLight.PAUSED:
        return LightView(code=code, label=str(DeadlineLight(code).label), remaining="")
    minutes = remaining_handling_minutes(case=case, now=now) or 0
    words = duration_words(minutes, unit=case.deadline_unit)
    if code == DeadlineLight.RED or now > case.deadline_at:
        remaining = _("超期 %(t)s") % {"t": words}
    else:
        remaining = _("剩余 %(t)s") % {"t": words}
    return LightView(code=code, label=str(DeadlineLight(code).label), remaining=remaining)


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _when(value: str) -> str:
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None:
        return str(value)
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def event_facts(event: CaseEvent) -> list[tuple[str, str]]:
    """The event's `data` as (label, words) pairs; ids the reader cannot use are left out."""
    data = event.data or {}
    facts: list[tuple[str, str]] = []
    if event.action == "rate":
        facts.append((_("评分"), stars(data.get("score"))))
        if data.get("source"):
            facts.append((_("评价方式"), _label(RatingSource, data["source"])))
    elif "source" in data:
        facts.append((_("来源"), _label(CaseSource, data["source"])))
    if data.get("self_handled"):
        facts.append((_("处置方式"), _("自处置")))
    if data.get("inspector_name"):
        facts.append((_("核实/核查人"), data["inspector_name"]))
    if "confirmed" in data:
        facts.append((_("核实结果"), _("属实") if data["confirmed"] else _("不属实")))
    if data.get("deadline_value") and data.get("deadline_unit"):
        facts.append((_("处置时限"), deadline_text(data["deadline_value"], data["deadline_unit"])))
    if data.get("missed_by_name"):
        facts.append((_("确认漏报"), _("网格员 %(name)s 应巡查发现") % {"name": data["missed_by_name"]}))
    if data.get("department_name"):
        facts.append((_("职能部门"), data["department_name"]))
    if data.get("territorial_owner_name"):
        facts.append((_("属地责任单位"), data["territorial_owner_name"]))
    if event.action == "reject" and data.get("kind"):
        facts.append((_("不予受理原因"), _label(RejectionKind, data["kind"])))
    elif data.get("kind"):
        facts.append((_("申请类型"), _label(RequestKind, data["kind"])))
    if "upheld" in data:
        facts.append((_("复核结果"), _("维持不予受理") if data["upheld"] else _("恢复受理")))
    if data.get("extra_minutes"):
        facts.append((_("申请延长"), _("%(n)d 分钟") % {"n": data["extra_minutes"]}))
    if "approved" in data:
        facts.append((_("审批结果"), _("同意") if data["approved"] else _("不同意")))
    if "passed" in data:
        facts.append((_("核查结果"), _("通过") if data["passed"] else _("不通过，返工")))
    if data.get("closure_type"):
        facts.append((_("结案类型"), _label(ClosureType, data["closure_type"])))
    if data.get("deadline_at"):
        facts.append((_("处置期限"), _when(data["deadline_at"])))
    if data.get("due_at"):
        facts.append((_("督办期限"), _when(data["due_at"])))
    return facts


def stars(score) -> str:
    """A rating of 1–5 as ★★★★☆; anything else as it came."""
    try:
        score = int(score)
    except (TypeError, ValueError):
        return str(score or "—")
    if not 1 <= score <= 5:
        return str(score)
    return "★" * score + "☆" * (5 - score)


# Steps the public take without signing in: a resident on the portal (or through an Open311 client).
RESIDENT_ACTIONS = frozenset({"public_update", "public_complaint", "public_not_fixed"})


def actor_words(event: CaseEvent) -> str:
    """Who took the step, in words: the staff member's name, 居民 for a resident's word or
    rating, 系统 for the worker's steps (escalations, sweeps)."""
    if event.actor_id is not None:
        return event.actor_name or _("系统")
    source = (event.data or {}).get("source")
    if (event.action in RESIDENT_ACTIONS or (event.action == "rate" and source == RatingSource.PORTAL)
            or (event.action == "report" and source == CaseSource.RESIDENT)):
        return _("居民")
    return event.actor_name or _("系统")


@dataclass(frozen=True)
class TimelineEntry:
    event: CaseEvent
    label: str
    role_label: str
    facts: list[tuple[str, str]]
    actor: str = ""
    # A closure or rating a resident's later "not fixed" sent back (cases.selectors).
    superseded_note: str = ""
    opinion: str = ""


def event_opinion(event: CaseEvent) -> str:
    """What was written with the step; an escalation's sentence, written by the sweep, is said
    again in the reader's language from its step and ratio."""
    data = event.data or {}
    if event.action == "escalate" and data.get("step") and data.get("ratio") is not None:
        from jiedao.supervision.services import escalation_title

        return escalation_title(step_code=data["step"], number=event.case.number, ratio=data["ratio"])
    return event.opinion


def _contact_facts(event: CaseEvent, contacts) -> list[tuple[str, str]]:
    shown = contacts.updates.get(event.pk) if contacts is not None else None
    if shown is None:
        return []
    return [(_("留言人"), " ".join(part for part in (shown.name, shown.phone, shown.email) if part))]


def timeline_entries(events, *, contacts=None) -> list[TimelineEntry]:
    """`contacts` (cases.contact.case_contacts) adds a resident's name and contact, as the viewer may see them."""
    events = list(events)
    superseded = superseded_closure_event_ids(events)
    return [TimelineEntry(event=event, label=event_label(event.action, event.data),
                          # "system" (the sweep) is no role: the actor already says 系统
                          role_label=_label(Role, event.actor_role) if event.actor_role in Role.values else "",
                          opinion=event_opinion(event),
                          facts=event_facts(event) + _contact_facts(event, contacts),
                          actor=actor_words(event),
                          superseded_note=(_("此前的评价，已被后续反映取代") if event.action == "rate"
                                           else _("已被后续反映取代")) if event.pk in superseded else "")
            for event in events]
