"""Issue 11, points 1 and 2: 核实不属实 ends the report; the intake desk may turn a report away (不予受理)
for the shift lead to review; leaders 督办 by hand (one kind of event with the ladder's, counted
together) and hand a case straight to a department (领导交办)."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from jiedao.cases import services
from jiedao.cases.errors import InvalidInput, NotAllowed, WrongState
from jiedao.cases.models import Case, CaseEvent, CaseState
from jiedao.cases.selectors import cases_in_inbox
from jiedao.catalogue.models import CaseRule
from jiedao.conftest import SHANGHAI, TUESDAY_0900, report, walk_to
from jiedao.evaluation.selectors import cases_behind, counts_by_department, counts_by_unit
from jiedao.territory.models import UnitLevel

pytestmark = pytest.mark.django_db

DAY_START = datetime(2026, 11, 17, tzinfo=SHANGHAI)
DAY_END = DAY_START + timedelta(days=1)


def snapshot(case):
    return Case.objects.values().get(pk=case.pk), CaseEvent.objects.filter(case=case).count()


# ---------------------------------------------------------------- 核实不属实

def test_a_report_verified_as_not_true_is_voided_with_the_verification_as_reason(world, clock):
    p = world.people
    case = services.case_send_to_verify(case=report(world), by=p.intake_clerk, inspector=p.inspector)

    case = services.case_verify(case=case, by=p.inspector, confirmed=False, opinion="现场未发现垃圾")

    assert (case.state, case.closed_at, case.assignee) == (CaseState.VOIDED, TUESDAY_0900, None)
    last = case.events.order_by("id").last()
    assert (last.action, last.to_state, last.opinion, last.data) == (
        "verify", CaseState.VOIDED, "现场未发现垃圾", {"confirmed": False})
    assert not cases_in_inbox(user=p.shift_lead, box="to_file").filter(pk=case.pk).exists()
    counts = counts_by_unit(level=UnitLevel.GRID, start=DAY_START, end=DAY_END)[world.grids[0]]
    assert (counts.voided, counts.not_filed, counts.filed) == (1, 1, 0)


def test_a_true_report_still_goes_on_to_be_filed(world, clock):
    p = world.people
    case = services.case_send_to_verify(case=report(world), by=p.intake_clerk, inspector=p.inspector)

    case = services.case_verify(case=case, by=p.inspector, confirmed=True)

    assert case.state == CaseState.ACCEPTED
    assert cases_in_inbox(user=p.shift_lead, box="to_file").filter(pk=case.pk).exists()


# ---------------------------------------------------------------- 不予受理 and its review

def test_a_clerks_rejection_voids_the_report_and_waits_for_the_shift_leads_review(world, clock):
    p = world.people
    case = services.case_reject(case=report(world), by=p.intake_clerk, kind="not_ours", reason="属供电公司管辖")

    assert (case.state, case.closed_at) == (CaseState.VOIDED, TUESDAY_0900)
    event = case.events.order_by("id").last()
    assert (event.action, event.opinion, event.data) == (
        "reject", "属供电公司管辖", {"kind": "not_ours", "kind_label": "不属于受理范围", "review": "pending"})
    assert list(cases_in_inbox(user=p.shift_lead, box="to_approve")) == [case]
    assert services.rejection_awaiting_review(case=case)
    counts = counts_by_unit(level=UnitLevel.GRID, start=DAY_START, end=DAY_END)[world.grids[0]]
    assert (counts.not_filed, counts.reported, counts.valid_reported) == (1, 1, 0)

    services.case_review_rejection(case=case, by=p.shift_lead, uphold=True)

    assert Case.objects.get(pk=case.pk).state == CaseState.VOIDED
    assert list(cases_in_inbox(user=p.shift_lead, box="to_approve")) == []
    with pytest.raises(WrongState):
        services.case_review_rejection(case=Case.objects.get(pk=case.pk), by=p.shift_lead, uphold=True)


def test_the_shift_lead_may_take_a_rejected_report_back_with_a_reason(world, clock):
    p = world.people
    case = services.case_reject(case=report(world), by=p.intake_clerk, kind="invalid", reason="看不清")
    before = snapshot(case)

    with pytest.raises(InvalidInput):
        services.case_review_rejection(case=case, by=p.shift_lead, uphold=False, opinion=" ")
    assert snapshot(case) == before

    case = services.case_review_rejection(case=case, by=p.shift_lead, uphold=False, opinion="照片可辨认，应受理")

    assert (case.state, case.closed_at) == (CaseState.REPORTED, None)
    assert cases_in_inbox(user=p.intake_clerk, box="to_accept").filter(pk=case.pk).exists()
    # rejected again by the clerk: waiting for review again
    case = services.case_reject(case=case, by=p.intake_clerk, kind="duplicate", reason="与 0001 重复")
    assert services.rejection_awaiting_review(case=case)
    assert list(cases_in_inbox(user=p.shift_lead, box="to_approve")) == [case]


def test_the_shift_leads_own_rejection_is_final(world, clock):
    p = world.people
    case = services.case_reject(case=report(world), by=p.shift_lead, kind="duplicate", reason="重复反映")

    assert case.events.order_by("id").last().data["review"] == "final"
    assert not services.rejection_awaiting_review(case=case)
    assert list(cases_in_inbox(user=p.shift_lead, box="to_approve")) == []


@pytest.mark.parametrize(("kind", "reason", "field"), [("", "重复", "kind"), ("spam", "重复", "kind"),
                                                       ("duplicate", "  ", "reason")])
def test_a_rejection_needs_a_known_kind_and_a_reason_and_changes_nothing_without(world, clock, kind, reason, field):
    case = report(world)
    before = snapshot(case)

    with pytest.raises(InvalidInput) as refused:
        services.case_reject(case=case, by=world.people.intake_clerk, kind=kind, reason=reason)

    assert refused.value.field == field
    assert snapshot(case) == before


def test_a_filed_case_cannot_be_turned_away_at_intake(world, clock):
    case = walk_to(world, report(world), "filed")

    with pytest.raises(WrongState):
        services.case_reject(case=case, by=world.people.shift_lead, kind="duplicate", reason="重复")


# ---------------------------------------------------------------- 领导督办

def test_a_leaders_supervision_is_recorded_as_the_ladders_and_counted_with_it(world, clock):
    from jiedao.supervision.services import escalation_steps_seed, escalations_sweep

    p = world.people
    escalation_steps_seed()
    by_hand = walk_to(world, report(world), "handling")
    by_ladder = walk_to(world, report(world), "handling")
    both = walk_to(world, report(world), "handling")
    clock.shift(timedelta(minutes=10))
    for case in (by_hand, both):
        services.case_supervise(case=Case.objects.get(pk=case.pk), by=p.area_leader, note="三日内整改到位",
                                due_at=TUESDAY_0900 + timedelta(days=3))
    Case.objects.filter(pk__in=[by_hand.pk]).update(deadline_at=TUESDAY_0900 + timedelta(days=30))
    # the ladder's 督办 step is reached at twice the time limit: 4 working hours → 8 → Wednesday afternoon
    later = TUESDAY_0900 + timedelta(days=1, hours=6)
    clock.move_to(later)
    escalations_sweep(now=later)

    manual = CaseEvent.objects.filter(case=by_hand, action="escalate").get()
    assert (manual.actor, manual.actor_role, manual.opinion) == (p.area_leader, "area_leader", "三日内整改到位")
    assert manual.data == {"step": "supervise", "manual": True,
                           "due_at": (TUESDAY_0900 + timedelta(days=3)).isoformat()}
    automatic = CaseEvent.objects.filter(case=by_ladder, action="escalate", data__step="supervise")
    assert automatic.count() == 1 and automatic.get().actor is None
    assert CaseEvent.objects.filter(case=both, action="escalate", data__step="supervise").count() == 2
    period = dict(start=DAY_START, end=DAY_START + timedelta(days=7))
    assert counts_by_unit(level=UnitLevel.GRID, **period)[world.grids[0]].supervised == 3  # each case once
    assert counts_by_department(**period)[world.cleaning].supervised == 3
    assert set(cases_behind(indicator="supervised", unit=world.grids[0], **period)) == {by_hand, by_ladder, both}


def test_supervision_needs_a_note_and_a_time_ahead_and_changes_nothing_without(world, clock):
    case = walk_to(world, report(world), "handling")
    leader = world.people.leader
    before = snapshot(case)

    for note, due_at, field in [("", TUESDAY_0900 + timedelta(days=1), "note"), ("快办", None, "due_at"),
                                ("快办", TUESDAY_0900 - timedelta(minutes=1), "due_at"),
                                ("快办", TUESDAY_0900 + timedelta(days=400), "due_at")]:
        with pytest.raises(InvalidInput) as refused:
            services.case_supervise(case=case, by=leader, note=note, due_at=due_at)
        assert refused.value.field == field
    assert snapshot(case) == before


def test_only_leaders_over_the_case_may_supervise_it(world, clock):
    from jiedao.territory.models import Duty, Role, Unit

    case = walk_to(world, report(world), "handling")
    elsewhere = Unit.objects.create(parent=world.subdistrict, level=UnitLevel.AREA, code="330199001A02", name="西片")
    Duty.objects.filter(user=world.people.area_leader).update(unit=elsewhere)

    for person in (world.people.area_leader, world.people.secretary, world.people.handler):
        with pytest.raises(NotAllowed):
            services.case_supervise(case=case, by=person, note="快办", due_at=TUESDAY_0900 + timedelta(days=1))
    assert Role.LEADER in {d.role for d in world.people.leader.duties.all()}


def test_a_manual_supervision_not_acted_on_by_its_own_time_reaches_the_register(world, clock):
    from jiedao.accountability.models import Finding, RuleCode
    from jiedao.accountability.services import accountability_rules_seed, findings_refresh

    accountability_rules_seed()
    ignored = walk_to(world, report(world), "handling")
    answered = walk_to(world, report(world), "handling")
    for case in (ignored, answered):
        services.case_supervise(case=Case.objects.get(pk=case.pk), by=world.people.leader, note="明天下班前办结",
                                due_at=TUESDAY_0900 + timedelta(days=1, hours=8))
    clock.shift(timedelta(hours=4))
    services.case_report_fix(case=Case.objects.get(pk=answered.pk), by=world.people.handler, opinion="已清运",
                             photos=[__import__("jiedao.conftest", fromlist=["make_upload"]).make_upload()])
    clock.move_to(TUESDAY_0900 + timedelta(days=1, hours=8, minutes=1))  # past the leader's time, not 3 days

    findings_refresh(start=TUESDAY_0900.date(), end=(TUESDAY_0900 + timedelta(days=2)).date())

    finding = Finding.objects.get(rule__code=RuleCode.ESCALATION_IGNORED)
    assert [row.case_id for row in finding.evidence.all()] == [ignored.pk]


# ---------------------------------------------------------------- 领导交办

def test_a_leader_hands_a_reported_case_straight_to_a_department(world, clock):
    p = world.people
    case = report(world)

    case = services.case_hand_down(case=case, by=p.leader, department=world.cleaning, opinion="请即办")

    assert (case.state, case.department, case.filed_at, case.dispatched_at, case.rule) == (
        CaseState.HANDLING, world.cleaning, TUESDAY_0900, TUESDAY_0900, world.rule)
    # the rule's 4 working hours: 09:00–12:00, then 13:30–14:30 after the lunch break
    assert case.deadline_at == TUESDAY_0900.replace(hour=14, minute=30)
    steps = list(case.events.order_by("id").values_list("action", "from_state", "to_state", "actor_role",
                                                         "data__handed_down"))
    assert steps[-2:] == [("file", "reported", "filed", "leader", True),
                          ("dispatch", "filed", "handling", "leader", True)]
    counts = counts_by_department(start=DAY_START, end=DAY_END)[world.cleaning]
    assert (counts.dispatches, counts.due_handling) == (1, 1)
    assert counts_by_unit(level=UnitLevel.GRID, start=DAY_START, end=DAY_END)[world.grids[0]].filed == 1


def test_a_hand_down_without_a_case_rule_is_refused_and_changes_nothing(world, clock):
    CaseRule.objects.all().delete()
    case = report(world)
    before = snapshot(case)

    with pytest.raises(InvalidInput):
        services.case_hand_down(case=case, by=world.people.leader, department=world.cleaning, opinion="请即办")

    assert snapshot(case) == before


# ---------------------------------------------------------------- the pages

def test_the_pages_name_a_leaders_steps_and_refuse_a_bad_time(world, clock, client):
    case = walk_to(world, report(world), "filed")
    client.force_login(world.people.leader)
    url = reverse("web:case-act", args=[case.number, "hand_down"])

    client.post(url, {"expected_version": case.version, "department": world.cleaning.pk, "opinion": "请即办"})
    case = Case.objects.get(pk=case.pk)
    bad = client.post(reverse("web:case-act", args=[case.number, "supervise"]),
                      {"expected_version": case.version, "note": "快办", "due_at": "明天"}, follow=True)
    client.post(reverse("web:case-act", args=[case.number, "supervise"]),
                {"expected_version": case.version, "note": "快办", "due_at": "2026-11-19T17:00"})
    page = client.get(reverse("web:case-detail", args=[case.number])).content.decode()

    assert "请按 年-月-日 时:分 填写督办期限" in bad.content.decode()
    assert CaseEvent.objects.filter(case=case, action="escalate").count() == 1
    assert "领导交办（派遣）" in page and "领导督办" in page
