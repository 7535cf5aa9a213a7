"""What a missed duty leads to (issue 12, point 4): a reminder to whoever owed it, then a step of
the escalation ladder (supervision's `EscalationStep`, 督办 by default) to the people that step
notifies, then an entry in the 问责清单 (落实不力) with the missed duties as evidence. Thresholds are
data (`DutyPolicy`). Run by the worker every day (`tasks.py`); running twice writes nothing new.

The register's rule for these entries is an `AccountabilityRule` row with code `duty_missed`
(created by `seed_duties`; the register's own refresh runs only the rules of `accountability.rules`
and leaves it alone). The evidence are `MissedDuty` rows pointing at the finding."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiedao import clock
from jiedao.accountability.models import (
    AccountabilityRule,
    Finding,
    FindingState,
    Measure,
    RuleKind,
)
from jiedao.supervision.models import EscalationCode, EscalationStep, Notification, NotifyTarget
from jiedao.territory.models import Duty, Role, UnitLevel

from .models import DutyPlan, DutyPolicy, MissedDuty, MissedStage
from .selectors import ComplianceRow, compliance_rows

RULE_CODE = "duty_missed"
RULE_NAME = gettext_lazy("未按计划履职")
REMINDER_KIND = "duty_reminder"
ESCALATION_KIND = "duty_escalation"
_TARGET_ROLES = {
    NotifyTarget.FIRST_RESPONSIBLE: Role.FIRST_RESPONSIBLE, NotifyTarget.AREA_LEADER: Role.AREA_LEADER,
    NotifyTarget.LEADER: Role.LEADER, NotifyTarget.DEPARTMENT_ADMIN: Role.DEPARTMENT_ADMIN,
    NotifyTarget.HANDLER: Role.DEPARTMENT_HANDLER,
}


def duty_rule() -> AccountabilityRule:
    """The register's rule for missed duties (落实不力), made the first time it is needed."""
    with translation.override(settings.LANGUAGE_CODE):
        name = str(RULE_NAME)
    rule, _created = AccountabilityRule.objects.get_or_create(
        code=RULE_CODE, defaults={"name": name, "kind": RuleKind.NON_DELIVERY, "measure": Measure.BULLETIN})
    return rule


@dataclass(frozen=True)
class SweepResult:
    missed: int
    reminders: int
    escalations: int
    findings: int


def _obligation_key(row: ComplianceRow) -> str:
    return f"{row.obligation.key}:{row.period.start.isoformat()}"


def _staff_of(organisation_id: int) -> list[int]:
    return list(Duty.objects.filter(organisation_id=organisation_id, user__is_active=True)
                .values_list("user_id", flat=True).distinct())


def _owed_by(missed: MissedDuty) -> list[int]:
    if missed.person_id:
        return [missed.person_id]
    return _staff_of(missed.organisation_id) if missed.organisation_id else []


def _escalation_recipients(step: EscalationStep, missed: MissedDuty) -> list[int]:
    """The people the ladder's step notifies about this obligation: for its department-side targets
    (处置人员, 部门管理员) the staff of the contractor that owes it; for its territorial targets the
    holders over the obligation's unit, or, for an obligation no unit holds (a contractor's street),
    those at the sub-district's and district's level."""
    unit_path = missed.unit.path if missed.unit_id else None
    recipients: set[int] = set()
    for target in step.targets or []:
        role = _TARGET_ROLES.get(target)
        if role is None:
            continue
        if role in (Role.DEPARTMENT_ADMIN, Role.DEPARTMENT_HANDLER):
            if missed.organisation_id:
                recipients.update(_staff_of(missed.organisation_id))
            continue
        for user_id, path, level in Duty.objects.filter(role=role, user__is_active=True, unit__isnull=False) \
                .values_list("user_id", "unit__path", "unit__level"):
            if unit_path.startswith(path) if unit_path else level in (UnitLevel.SUBDISTRICT, UnitLevel.DISTRICT):
                recipients.add(user_id)
    return sorted(recipients)


def _who(missed: MissedDuty) -> str:
    return (missed.person.full_name or missed.person.username) if missed.person_id \
        else (missed.organisation.name if missed.organisation_id else "—")


def _notify(recipients: list[int], *, kind: str, title: str, body: str, now) -> int:
    Notification.objects.bulk_create([Notification(recipient_id=user_id, kind=kind, title=title[:200], body=body,
                                                   created_at=now) for user_id in recipients])
    return len(recipients)


def missed_duties_sweep(*, today: date | None = None) -> SweepResult:
    """Turn the ended periods of the look-back window that were missed into `MissedDuty` rows with a
    reminder each; escalate an obligation missed `escalate_after_missed` periods in a row; file a
    finding for a person or contractor with `finding_after_missed` missed periods not yet filed."""
    now = clock.now()
    today = today or timezone.localtime(now).date()
    policy = DutyPolicy.current()
    first = today - timedelta(days=policy.look_back_days)
    plans = list(DutyPlan.objects.filter(is_active=True).select_related("assignee_unit"))
    rows = [row for row in compliance_rows(plans=plans, first=first, end=today, today=today)
            if not row.is_open and row.missed and row.period.start >= first]
    plans_by_id = {plan.pk: plan for plan in plans}
    with translation.override(settings.LANGUAGE_CODE):
        return _sweep(rows=rows, plans_by_id=plans_by_id, policy=policy, now=now, first=first, today=today)


def _sweep(*, rows, plans_by_id, policy, now, first, today) -> SweepResult:
    created = reminders = escalations = findings = 0
    existing = set(MissedDuty.objects.filter(obligation_key__in=[_obligation_key(row) for row in rows])
                   .values_list("obligation_key", flat=True))
    for row in rows:
        key = _obligation_key(row)
        if key in existing:
            continue
        with transaction.atomic():
            obligation = row.obligation
            missed = MissedDuty.objects.create(
                plan_id=obligation.plan_id, period_start=row.period.start, period_end=row.period.end,
                person_id=obligation.person_id, organisation_id=obligation.organisation_id,
                subject_id=obligation.subject_id, unit_id=obligation.unit_id, required=row.required,
                valid_done=row.counted, obligation_key=key, reminded_at=now, created_at=now)
            plan = plans_by_id[obligation.plan_id]
            reminders += _notify(_owed_by(missed), kind=REMINDER_KIND,
                                 title=_("提醒：%(plan)s 未按计划完成") % {"plan": plan.name},
                                 body=_("%(subject)s，%(start)s 至 %(end)s 应完成 %(required)s 次，有效完成 %(done)s 次。") % {
                                     "subject": obligation.subject_label, "start": row.period.start,
                                     "end": row.period.last_day, "required": row.required, "done": row.counted},
                                 now=now)
            created += 1

    escalations += _escalate(policy=policy, now=now, first=first)
    findings += _file_findings(policy=policy, now=now, first=first, today=today)
    return SweepResult(missed=created, reminders=reminders, escalations=escalations, findings=findings)


def _escalation_step(policy: DutyPolicy) -> EscalationStep | None:
    if policy.escalation_step_id:
        return policy.escalation_step
    return EscalationStep.objects.filter(code=EscalationCode.SUPERVISE).first()


def _escalate(*, policy: DutyPolicy, now, first: date) -> int:
    """An obligation whose last `escalate_after_missed` ended periods were all missed (consecutive
    MissedDuty rows, none escalated yet) goes up the ladder once."""
    step = _escalation_step(policy)
    if step is None or not step.is_active:
        return 0
    streaks: dict[str, list[MissedDuty]] = defaultdict(list)
    for missed in (MissedDuty.objects.filter(period_start__gte=first).select_related("plan", "person",
                                                                                     "organisation", "unit")
                   .order_by("period_start")):
        streaks[missed.obligation_key.rsplit(":", 1)[0]].append(missed)
    sent = 0
    for chain in streaks.values():
        run = [chain[-1]]
        for earlier in reversed(chain[:-1]):
            if earlier.period_end != run[-1].period_start:
                break
            run.append(earlier)
        if len(run) < policy.escalate_after_missed or any(item.escalated_at for item in run):
            continue
        last = run[0]
        with transaction.atomic():
            MissedDuty.objects.filter(pk__in=[item.pk for item in run]).update(
                escalated_at=now, stage=MissedStage.ESCALATED)
            sent += _notify(_escalation_recipients(step, last), kind=ESCALATION_KIND,
                            title=_("%(step)s：%(who)s 连续 %(count)s 期未完成 %(plan)s") % {
                                "step": step.get_code_display(), "who": _who(last), "count": len(run),
                                "plan": last.plan.name},
                            body=_("最近一期 %(start)s 至 %(end)s，应完成 %(required)s 次，有效完成 %(done)s 次。") % {
                                "start": last.period_start, "end": last.period_end - timedelta(days=1),
                                "required": last.required, "done": last.valid_done},
                            now=now)
    return sent


def _file_findings(*, policy: DutyPolicy, now, first: date, today: date) -> int:
    """A person or contractor with `finding_after_missed` missed periods in the window that no
    finding holds yet gets one entry in the register, those missed duties as its evidence."""
    pending: dict[tuple[str, int], list[MissedDuty]] = defaultdict(list)
    for missed in (MissedDuty.objects.filter(period_start__gte=first, finding__isnull=True)
                   .select_related("person", "organisation", "plan").order_by("period_start")):
        subject = ("person", missed.person_id) if missed.person_id else ("organisation", missed.organisation_id)
        pending[subject].append(missed)
    rule = duty_rule() if any(len(items) >= policy.finding_after_missed for items in pending.values()) else None
    filed = 0
    for (kind, pk), items in pending.items():
        if len(items) < policy.finding_after_missed:
            continue
        period_start, period_end = items[0].period_start, max(item.period_end for item in items) - timedelta(days=1)
        facts = {"missed_periods": len(items), "missed": sum(item.missed for item in items),
                 "plans": len({item.plan_id for item in items})}
        summary = _("%(who)s 在 %(start)s 至 %(end)s 有 %(periods)s 期未按计划履职（%(plans)s 项计划，缺 %(missed)s 次）") % {
            "who": _who(items[0]), "start": period_start, "end": period_end, "periods": facts["missed_periods"],
            "plans": facts["plans"], "missed": facts["missed"]}
        with transaction.atomic():
            subject_fields = {"subject_person_id": pk} if kind == "person" else {"subject_organisation_id": pk}
            current = Finding.objects.filter(rule=rule, subject_key=f"{kind}:{pk}", period_start=period_start,
                                             period_end=period_end).exclude(state=FindingState.SUPERSEDED).first()
            finding = current or Finding.objects.create(
                rule=rule, kind=rule.kind, **subject_fields, subject_key=f"{kind}:{pk}", period_start=period_start,
                period_end=period_end, summary=summary, facts=facts,
                fingerprint=f"duties:{kind}:{pk}:{items[0].pk}:{items[-1].pk}"[:64],
                proposed_measure=rule.measure, created_at=now)
            MissedDuty.objects.filter(pk__in=[item.pk for item in items]).update(finding=finding,
                                                                                 stage=MissedStage.FINDING)
        filed += 1
    return filed
