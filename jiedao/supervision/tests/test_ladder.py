"""The escalation ladder: steps reached by the share of the time limit used, in working time."""

from datetime import datetime, timedelta
from decimal import Decimal

import time_machine

from jiedao.cases import services as case_services
from jiedao.cases.models import CaseEvent, CaseState, RequestKind
from jiedao.supervision.models import CaseEscalation, EscalationStep, Notification
from jiedao.supervision.services import escalation_steps_seed, escalations_sweep
from jiedao.worktime.selectors import working_calendar, working_calendar_reset
from jiedao.worktime.services import calendar_seed_from_package

from .conftest import SHANGHAI, TUESDAY_0900, report, walk_to


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def dispatched_case(world, when: datetime):
    with time_machine.travel(when, tick=False):
        return walk_to(world, report(world), "handling")


def reached(case) -> list[str]:
    return list(CaseEscalation.objects.filter(case=case).order_by("step__order").values_list("step__code", flat=True))


def test_seed_is_idempotent_and_keeps_edits(db):
    assert escalation_steps_seed() == 4
    EscalationStep.objects.filter(code="remind").update(threshold=Decimal("0.70"))

    assert escalation_steps_seed() == 0

    assert list(EscalationStep.objects.order_by("order").values_list("code", "threshold")) == [
        ("remind", Decimal("0.70")), ("urge", Decimal("1.00")), ("supervise", Decimal("2.00")),
        ("bulletin", Decimal("3.00"))]


def test_ladder_across_the_national_day_holiday(world, ladder):
    # given 2026's holidays (国庆 1–7 October) and a 4 工作时 case dispatched on Wednesday 30
    # September at 16:00: 90 working minutes are left that day, the rest comes after the holiday
    calendar_seed_from_package(years=range(2026, 2027))
    working_calendar_reset()
    case = dispatched_case(world, at(2026, 9, 30, 16, 0))
    assert case.deadline_at == at(2026, 10, 8, 11, 0)
    # 80% = 192 working minutes: 90 on 30 September + 102 from 08:30 on 8 October
    start, calendar = case.dispatched_at, working_calendar()
    assert calendar.add_working_minutes(start, 192) == at(2026, 10, 8, 10, 12)
    assert calendar.add_working_minutes(start, 480) == at(2026, 10, 8, 16, 30)
    assert calendar.add_working_minutes(start, 720) == at(2026, 10, 9, 11, 30)

    # during the holiday five clock days pass, but no working time
    assert escalations_sweep(now=at(2026, 10, 5, 12, 0)).escalations_created == 0
    assert escalations_sweep(now=at(2026, 10, 8, 10, 11, 59)).escalations_created == 0

    assert escalations_sweep(now=at(2026, 10, 8, 10, 12)).escalations_created == 1
    remind = CaseEscalation.objects.get(case=case)
    assert (remind.step.code, remind.reached_at, remind.ratio) == ("remind", at(2026, 10, 8, 10, 12), Decimal("0.8"))

    assert escalations_sweep(now=at(2026, 10, 8, 10, 59)).escalations_created == 0
    assert escalations_sweep(now=at(2026, 10, 8, 11, 0)).escalations_created == 1
    assert escalations_sweep(now=at(2026, 10, 8, 16, 29)).escalations_created == 0
    assert escalations_sweep(now=at(2026, 10, 8, 16, 30)).escalations_created == 1
    # the weekend after is a 调休 Saturday (10 October) only later: Friday 9 October 11:30 is 3×
    assert escalations_sweep(now=at(2026, 10, 9, 11, 29)).escalations_created == 0
    assert escalations_sweep(now=at(2026, 10, 9, 11, 30)).escalations_created == 1
    assert list(CaseEscalation.objects.filter(case=case).order_by("reached_at").values_list(
        "step__code", "reached_at", "ratio")) == [
        ("remind", at(2026, 10, 8, 10, 12), Decimal("0.8")),
        ("urge", at(2026, 10, 8, 11, 0), Decimal("1")),
        ("supervise", at(2026, 10, 8, 16, 30), Decimal("2")),
        ("bulletin", at(2026, 10, 9, 11, 30), Decimal("3")),
    ]


def test_a_suspended_case_is_not_escalated(world, ladder, clock):
    case = walk_to(world, report(world), "handling")
    case_services.case_request(case=case, by=world.people.handler, kind=RequestKind.SUSPENSION, reason="待业主配合")
    case = case_services.case_decide_request(case=case, by=world.people.dispatcher, approve=True)
    assert case.state == CaseState.SUSPENDED

    result = escalations_sweep(now=TUESDAY_0900 + timedelta(days=7))

    assert (result.cases_examined, result.escalations_created) == (0, 0)
    assert not CaseEvent.objects.filter(case=case, action="escalate").exists()


def test_a_second_sweep_creates_nothing(world, ladder, clock):
    case = walk_to(world, report(world), "handling")
    later = TUESDAY_0900 + timedelta(hours=6)  # 4 工作时 from 09:00 end at 14:30; 15:00 is past 100%
    first = escalations_sweep(now=later)
    counts = (CaseEscalation.objects.count(), CaseEvent.objects.filter(action="escalate").count(),
              Notification.objects.count())

    second = escalations_sweep(now=later)

    assert (first.escalations_created, second.escalations_created) == (2, 0)
    assert (second.notifications_created, second.deliveries_created) == (0, 0)
    # remind and urge reached in one sweep: one message, urge's, to the handler (named by both),
    # the department admin and the 桃源 secretary
    assert counts == (2, 2, 3)
    assert (CaseEscalation.objects.count(), CaseEvent.objects.filter(action="escalate").count(),
            Notification.objects.count()) == counts
    assert reached(case) == ["remind", "urge"]


def test_steps_reached_at_once_are_all_recorded_in_order(world, ladder, clock):
    case = walk_to(world, report(world), "handling")

    result = escalations_sweep(now=TUESDAY_0900 + timedelta(days=14))

    assert result.escalations_created == 4
    events = list(CaseEvent.objects.filter(case=case, action="escalate").order_by("id"))
    assert [event.data["step"] for event in events] == ["remind", "urge", "supervise", "bulletin"]
    event = events[0]
    assert (event.from_state, event.to_state, event.actor, event.actor_role) == (
        "handling", "handling", None, "system")
    assert event.at == TUESDAY_0900 + timedelta(days=14)
    case.refresh_from_db()
    assert case.state == CaseState.HANDLING


def test_only_cases_in_handling_with_a_deadline_are_examined(world, ladder, clock):
    walk_to(world, report(world), "handling")
    walk_to(world, report(world), "filed")
    walk_to(world, report(world), "closed")

    result = escalations_sweep(now=TUESDAY_0900 + timedelta(days=14))

    assert (result.cases_examined, result.escalations_created) == (1, 4)


def test_inactive_steps_and_edited_thresholds_are_respected(world, ladder, clock):
    case = walk_to(world, report(world), "handling")
    EscalationStep.objects.filter(code="remind").update(is_active=False)
    EscalationStep.objects.filter(code="urge").update(threshold=Decimal("0.50"))

    escalations_sweep(now=TUESDAY_0900 + timedelta(hours=2))  # 120 of 240 working minutes

    assert reached(case) == ["urge"]


def test_notifications_go_to_the_right_people(world, ladder, clock):
    p = world.people
    case = walk_to(world, report(world), "handling")  # Tue 09:00, 4 工作时: 14:30
    # each step reached in its own sweep: 80 % Tue 13:42, 100 % 14:30, 200 % Wed 09:30, 300 % Wed 15:00
    zone = TUESDAY_0900.tzinfo
    for moment in (datetime(2026, 11, 17, 13, 45, tzinfo=zone), datetime(2026, 11, 17, 14, 35, tzinfo=zone),
                   datetime(2026, 11, 18, 9, 35, tzinfo=zone), datetime(2026, 11, 18, 15, 5, tzinfo=zone)):
        escalations_sweep(now=moment)

    def recipients(code):
        return sorted(Notification.objects.filter(case=case, escalation__step__code=code)
                      .values_list("recipient__username", flat=True))

    assert recipients("remind") == [p.handler.username]
    assert recipients("urge") == sorted([p.handler.username, p.department_admin.username, p.secretary.username])
    assert recipients("supervise") == sorted([p.department_admin.username, p.secretary.username,
                                              p.area_leader.username])
    assert recipients("bulletin") == sorted([p.department_admin.username, p.secretary.username,
                                             p.area_leader.username, p.leader.username])


def test_steps_reached_at_once_make_one_message_to_everyone_they_name(world, ladder, clock):
    p = world.people
    case = walk_to(world, report(world), "handling")

    escalations_sweep(now=TUESDAY_0900 + timedelta(days=14))

    messages = Notification.objects.filter(case=case)
    assert set(messages.values_list("escalation__step__code", flat=True)) == {"bulletin"}
    assert sorted(messages.values_list("recipient__username", flat=True)) == sorted(
        [p.handler.username, p.department_admin.username, p.secretary.username, p.area_leader.username,
         p.leader.username])
    notification = messages.get(recipient=p.handler)
    # 14 clock days later 4500 working minutes are used of 240: the message tells the share now
    assert notification.title == f"【通报】案件 {case.number} 处置时限已用去 1875%"
    assert notification.body == "暴露垃圾，桃源路 12 号；处置单位：环卫所；处置期限：2026-11-17 14:30。"
    assert notification.read_at is None


def test_a_backlog_beyond_the_batch_is_caught_up_by_the_next_sweeps_most_overdue_first(world, ladder, clock):
    older = walk_to(world, report(world), "handling")  # dispatched 09:00: deadline 14:30
    clock.shift(timedelta(hours=3))
    newer = walk_to(world, report(world), "handling")  # dispatched 12:00: deadline Wed 09:30
    thursday = TUESDAY_0900 + timedelta(days=2)  # older is far more overdue than newer

    first = escalations_sweep(now=thursday, batch=3)

    # 3.75 and 3.0 times their 4 working hours: all four steps each; a case is never split, so the
    # first sweep records the older case's four (more than the batch: at least one case) and defers four
    assert (first.escalations_created, first.deferred) == (4, 4)
    assert len(reached(older)) == 4 and reached(newer) == []
    second = escalations_sweep(now=thursday, batch=3)
    assert (second.escalations_created, second.deferred) == (4, 0)
    assert len(reached(newer)) == 4
    third = escalations_sweep(now=thursday, batch=3)
    assert (third.escalations_created, third.deferred) == (0, 0)
    # nothing lost, nothing twice: every step reached is recorded once, with one event each
    assert CaseEvent.objects.filter(action="escalate").count() == CaseEscalation.objects.count()
    assert first.escalations_created + second.escalations_created == CaseEscalation.objects.count()
