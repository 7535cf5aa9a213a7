"""A missed duty becomes a reminder, then a step of the escalation ladder, then a finding."""

from datetime import date, timedelta

from jiedao.accountability.models import Finding, RuleKind
from jiedao.duties.consequences import ESCALATION_KIND, REMINDER_KIND, missed_duties_sweep
from jiedao.duties.models import DutyKind, DutyPolicy, MissedDuty, MissedStage
from jiedao.duties.services import duty_work_record
from jiedao.supervision.models import Notification
from jiedao.supervision.services import escalation_steps_seed
from jiedao.territory.models import Role, UnitLevel

from .conftest import at, plan_make


def test_missed_weeks_remind_then_escalate_then_file_a_finding(duty_world):
    world, people = duty_world.world, duty_world.people
    escalation_steps_seed()
    DutyPolicy.objects.create(pk=1, escalate_after_missed=2, finding_after_missed=3, look_back_days=35)
    plan_make(name="村级河长周巡河", assignee_role=Role.RIVER_CHIEF, assignee_level=UnitLevel.COMMUNITY,
                assignee_unit=world.taoyuan, target_filter={"level": UnitLevel.COMMUNITY},
                starts_on=date(2026, 10, 26))
    chief = people.taoyuan_chief
    # the week of 26 Oct patrolled; 2, 9 and 16 Nov not
    start = at(2026, 10, 27, 9)
    duty_work_record(kind=DutyKind.PATROL, subject=world.taoyuan, person=chief, started_at=start,
                     ended_at=start + timedelta(hours=1))

    # Tuesday 10 Nov: the week of 2 Nov has ended, missed → a reminder to the chief
    first = missed_duties_sweep(today=date(2026, 11, 10))
    assert (first.missed, first.reminders, first.escalations, first.findings) == (1, 1, 0, 0)
    reminder = Notification.objects.get(kind=REMINDER_KIND)
    assert reminder.recipient == chief and "村级河长周巡河" in reminder.title
    assert missed_duties_sweep(today=date(2026, 11, 10)).missed == 0  # twice: nothing new

    # 17 Nov: a second week in a row → 督办 (the seeded ladder: department admin, first responsible,
    # area leader) to those over 桃源社区
    second = missed_duties_sweep(today=date(2026, 11, 17))
    assert (second.missed, second.reminders) == (1, 1)
    recipients = set(Notification.objects.filter(kind=ESCALATION_KIND).values_list("recipient__username",
                                                                                   flat=True))
    assert recipients == {"secretary", "area_leader"}
    assert list(MissedDuty.objects.order_by("period_start").values_list("stage", flat=True)) == [
        MissedStage.ESCALATED, MissedStage.ESCALATED]

    # 24 Nov: a third → a finding (落实不力) on the chief with the three missed weeks as evidence
    third = missed_duties_sweep(today=date(2026, 11, 24))
    assert third.findings == 1
    finding = Finding.objects.get()
    assert (finding.subject_person, finding.kind, finding.period_start, finding.period_end, finding.facts) == (
        chief, RuleKind.NON_DELIVERY, date(2026, 11, 2), date(2026, 11, 22),
        {"missed_periods": 3, "missed": 3, "plans": 1})
    assert sorted(finding.missed_duties.values_list("period_start", flat=True)) == [
        date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]
    again = missed_duties_sweep(today=date(2026, 11, 24))
    assert (again.missed, again.reminders, again.escalations, again.findings) == (0, 0, 0, 0)
    # the other community's chief owes nothing under a plan scoped to 桃源社区
    assert not Notification.objects.filter(recipient=people.liuan_chief).exists()


def test_an_invalid_work_does_not_save_the_week(duty_world):
    world = duty_world.world
    plan_make(assignee_role=Role.RIVER_CHIEF, assignee_level=UnitLevel.COMMUNITY, assignee_unit=world.taoyuan,
              target_filter={"level": UnitLevel.COMMUNITY}, min_duration_minutes=30, starts_on=date(2026, 11, 2))
    start = at(2026, 11, 3, 9)
    work = duty_work_record(kind=DutyKind.PATROL, subject=world.taoyuan, person=duty_world.people.taoyuan_chief,
                            started_at=start, ended_at=start + timedelta(seconds=30))
    assert not work.is_valid
    assert missed_duties_sweep(today=date(2026, 11, 10)).missed == 1
