"""Overdue milestones on the escalation ladder (like missed duties, `duties/consequences.py`): a
milestone past its planned date with no actual date is a 提醒 to the responsible department's
staff once it is `ProjectPolicy.department_after_days` late, and a 督办 to the leaders and area
leaders over the project's unit once `leader_after_days` late — each once per milestone and step
(`MilestoneEscalation`, unique). The ladder's steps are supervision's `EscalationStep` rows: a
step switched off there is skipped here. Run every morning by the worker (`tasks.py`)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jiedao import clock
from jiedao.supervision.models import EscalationCode, EscalationStep, Notification
from jiedao.territory.models import Duty, Role

from .models import Milestone, MilestoneEscalation, ProjectPolicy
from .schedule import milestone_days_late

NOTIFICATION_KIND = "project_milestone"
DEPARTMENT_STEP, LEADER_STEP = EscalationCode.REMIND, EscalationCode.SUPERVISE
DEPARTMENT_ROLES = (Role.DEPARTMENT_ADMIN, Role.DEPARTMENT_HANDLER)
LEADER_ROLES = (Role.LEADER, Role.AREA_LEADER)


@dataclass(frozen=True)
class SweepResult:
    escalations: int
    notifications: int


def _step_active(code: str) -> bool:
    step = EscalationStep.objects.filter(code=code).first()
    return step is None or step.is_active


def department_recipients(milestone: Milestone) -> list[int]:
    return sorted(set(Duty.objects.filter(role__in=DEPARTMENT_ROLES, organisation_id=milestone.project.department_id,
                                          user__is_active=True).values_list("user_id", flat=True)))


def leader_recipients(milestone: Milestone) -> list[int]:
    path = milestone.project.territory_path
    return sorted({user_id for user_id, unit_path in
                   Duty.objects.filter(role__in=LEADER_ROLES, unit__isnull=False, user__is_active=True)
                   .values_list("user_id", "unit__path") if path.startswith(unit_path)})


def _escalate(milestone: Milestone, *, step: str, days_late: int, recipients: list[int], now) -> int:
    """One step for one milestone, once: the claim (a unique row) and the messages in one transaction."""
    project = milestone.project
    label = EscalationCode(step).label
    try:
        with transaction.atomic():
            MilestoneEscalation.objects.create(milestone=milestone, step=step, days_late=days_late, reached_at=now)
            title = _("%(step)s：项目“%(project)s”的里程碑“%(milestone)s”已逾期 %(days)s 天") % {
                "step": label, "project": project.name, "milestone": milestone.name, "days": days_late}
            body = _("计划完成日期 %(planned)s，责任部门 %(department)s，尚未报完成。") % {
                "planned": milestone.planned_on, "department": project.department.name}
            Notification.objects.bulk_create([
                Notification(recipient_id=user_id, kind=NOTIFICATION_KIND, title=title[:200], body=body,
                             created_at=now) for user_id in recipients])
    except IntegrityError:  # another sweep claimed it first
        return -1
    return len(recipients)


def milestones_overdue_sweep(*, today: date | None = None) -> SweepResult:
    now = clock.now()
    today = today or timezone.localtime(now).date()
    policy = ProjectPolicy.current()
    steps = [(DEPARTMENT_STEP, policy.department_after_days, department_recipients),
             (LEADER_STEP, policy.leader_after_days, leader_recipients)]
    steps = [step for step in steps if _step_active(step[0])]
    escalations = notifications = 0
    due = (Milestone.objects.filter(actual_on__isnull=True, planned_on__lt=today,
                                    planned_on__gte=today - timedelta(days=policy.look_back_days))
           .select_related("project__department").prefetch_related("escalations").order_by("planned_on", "pk"))
    with translation.override(settings.LANGUAGE_CODE):
        for milestone in due:
            days_late = milestone_days_late(planned_on=milestone.planned_on, actual_on=None, today=today)
            reached = {escalation.step for escalation in milestone.escalations.all()}
            for code, after_days, recipients_of in steps:
                if days_late < after_days or code in reached:
                    continue
                sent = _escalate(milestone, step=code, days_late=days_late, recipients=recipients_of(milestone),
                                 now=now)
                if sent >= 0:
                    escalations += 1
                    notifications += sent
    return SweepResult(escalations=escalations, notifications=notifications)
