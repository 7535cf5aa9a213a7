"""Turning domain values into words for the pages: deadline lights, time left, timeline details."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from jiedao.cases.models import Case, CaseEvent, CaseSource, ClosureType, RequestKind
from jiedao.cases.selectors import case_deadline_light
from jiedao.cases.services import remaining_handling_minutes
from jiedao.cases.workflow import event_label
from jiedao.catalogue.models import DeadlineUnit
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
    if "source" in data:
        facts.append((_("来源"), _label(CaseSource, data["source"])))
    if data.get("self_handled"):
        facts.append((_("处置方式"), _("自处置")))
    if data.get("inspector_name"):
        facts.append((_("核实/核查人"), data["inspector_name"]))
    if "confirmed" in data:
        facts.append((_("核实结果"), _("属实") if data["confirmed"] else _("不属实")))
    if data.get("deadline_value") and data.get("deadline_unit"):
        facts.append((_("处置时限"), f"{data['deadline_value']} {_label(DeadlineUnit, data['deadline_unit'])}"))
    if data.get("department_name"):
        facts.append((_("职能部门"), data["department_name"]))
    if data.get("territorial_owner_name"):
        facts.append((_("属地责任单位"), data["territorial_owner_name"]))
    if data.get("kind"):
        facts.append((_("申请类型"), _label(RequestKind, data["kind"])))
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
    return facts


@dataclass(frozen=True)
class TimelineEntry:
    event: CaseEvent
    label: str
    role_label: str
    facts: list[tuple[str, str]]


def _contact_facts(event: CaseEvent, contacts) -> list[tuple[str, str]]:
    shown = contacts.updates.get(event.pk) if contacts is not None else None
    if shown is None:
        return []
    return [(_("留言人"), " ".join(part for part in (shown.name, shown.phone, shown.email) if part))]


def timeline_entries(events, *, contacts=None) -> list[TimelineEntry]:
    """`contacts` (cases.contact.case_contacts) adds a resident's name and contact, as the viewer may see them."""
    return [TimelineEntry(event=event, label=event_label(event.action, event.data),
                          role_label=_label(Role, event.actor_role) if event.actor_role else "",
                          facts=event_facts(event) + _contact_facts(event, contacts))
            for event in events]
