"""The main path and the side paths of the seven-step loop (standards.md §2.3)."""

from datetime import datetime, timedelta

import pytest

from jiedao.cases import services
from jiedao.cases.errors import InvalidInput, NotAllowed, StaleCase, WrongState
from jiedao.cases.models import (
    Case,
    CaseEvent,
    CaseRequest,
    CaseState,
    ClosureType,
    DeadlineLight,
    PhotoStage,
)
from jiedao.cases.selectors import case_deadline_light
from jiedao.conftest import make_upload

from .conftest import SHANGHAI, report, walk_to

pytestmark = pytest.mark.django_db


def test_report_lands_in_the_grid_and_its_community(world, clock):
    case = report(world)

    assert case.state == CaseState.REPORTED
    assert case.grid == world.grids[0]
    assert case.territory_path == world.grids[0].path
    assert case.number == "2026-000001"
    assert case.photos.get().stage == PhotoStage.BEFORE
    event = case.events.get()
    assert (event.action, event.from_state, event.to_state) == ("report", "", CaseState.REPORTED)
    assert event.actor == world.people.grid_worker
    assert event.actor_role == "grid_worker"


def test_case_numbers_count_up_within_the_year(world, clock):
    numbers = [report(world).number for _ in range(3)]

    assert numbers == ["2026-000001", "2026-000002", "2026-000003"]


def test_main_path_records_every_step_with_actor_and_role(world, clock):
    case = walk_to(world, report(world), "closed")

    events = list(case.events.values_list("action", "actor_role", "to_state"))
    assert events == [
        ("report", "grid_worker", "reported"),
        ("accept", "intake_clerk", "accepted"),
        ("file", "shift_lead", "filed"),
        ("dispatch", "dispatcher", "handling"),
        ("report_fix", "department_handler", "fixed"),
        ("check", "inspector", "checked"),
        ("close", "shift_lead", "closed"),
    ]
    assert case.closure_type == ClosureType.NORMAL
    assert case.version == 7


def test_dispatch_starts_the_clock_from_the_rule_in_working_hours(world, clock):
    case = walk_to(world, report(world), "handling")

    # 4 工作时 from Tuesday 09:00 with a lunch break 12:00–13:30 → 14:30 the same day.
    assert case.deadline_at == datetime(2026, 11, 17, 14, 30, tzinfo=SHANGHAI)
    assert case.time_budget_minutes == 240
    assert case.department == world.cleaning
    assert case.territorial_owner == world.taoyuan


def test_dispatch_suggestion_comes_from_the_rule_and_the_grid(world, clock):
    from jiedao.cases.selectors import dispatch_suggestion

    case = walk_to(world, report(world), "filed")

    suggestion = dispatch_suggestion(case=case)
    assert suggestion.department == world.cleaning
    assert suggestion.territorial_owner == world.taoyuan


def test_category_without_rule_needs_a_deadline_by_hand(world, clock):
    case = services.case_accept(case=report(world, item=world.no_rule_item), by=world.people.intake_clerk)

    with pytest.raises(InvalidInput) as refused:
        services.case_file(case=case, by=world.people.shift_lead)
    assert refused.value.field == "deadline_value"
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED

    case = services.case_file(case=case, by=world.people.shift_lead, deadline_value=2, deadline_unit="working_days")
    assert case.time_budget_minutes == 2 * 450


def test_failed_check_sends_it_back_for_rework(world, clock):
    case = walk_to(world, report(world), "fixed")

    case = services.case_check(case=case, by=world.people.inspector, passed=False, opinion="仍有垃圾")

    assert case.state == CaseState.HANDLING
    assert case.rework_count == 1
    assert case.events.last().action == "rework"


def test_failed_check_needs_a_reason(world, clock):
    case = walk_to(world, report(world), "fixed")

    with pytest.raises(InvalidInput):
        services.case_check(case=case, by=world.people.inspector, passed=False, opinion=" ")
    case.refresh_from_db()
    assert (case.state, case.rework_count) == (CaseState.FIXED, 0)


def test_the_fixer_never_checks_their_own_fix(world, clock):
    from jiedao.territory.models import Duty, Role

    # The handler is also a grid worker of the grid: still may not check what they fixed.
    Duty.objects.create(user=world.people.handler, role=Role.GRID_WORKER, unit=world.grids[0])
    case = walk_to(world, report(world), "fixed")

    with pytest.raises(NotAllowed):
        services.case_check(case=case, by=world.people.handler, passed=True)
    case.refresh_from_db()
    assert case.state == CaseState.FIXED


def test_the_proposed_inspector_is_never_of_the_fixing_department(world, clock):
    from jiedao.territory.models import Duty, Role

    # The department admin of 环卫所 is also the grid's own grid worker (the most specific duty, so
    # first in line); the handler fixes it. The check would refuse the admin: the loop proposes the
    # community's inspector instead (standards.md §2.1, supervision kept apart from command).
    Duty.objects.create(user=world.people.department_admin, role=Role.GRID_WORKER, unit=world.grids[0])
    Duty.objects.filter(user=world.people.grid_worker).delete()

    case = walk_to(world, report(world, by=world.people.inspector), "fixed")

    assert case.assignee == world.people.inspector
    checked = services.case_check(case=case, by=case.assignee, passed=True)
    assert checked.state == CaseState.CHECKED


def test_report_fix_needs_after_photos(world, clock):
    case = walk_to(world, report(world), "handling")

    with pytest.raises(InvalidInput) as refused:
        services.case_report_fix(case=case, by=world.people.handler, opinion="已处理", photos=[])
    assert refused.value.field == "photos"


def test_closing_after_the_deadline_is_an_overdue_closure(world, clock):
    case = walk_to(world, report(world), "handling")
    clock.shift(timedelta(days=1))
    case = services.case_report_fix(case=case, by=world.people.handler, opinion="已清运", photos=[make_upload()])
    case = services.case_check(case=case, by=world.people.inspector, passed=True)

    case = services.case_close(case=case, by=world.people.shift_lead)

    assert case.closure_type == ClosureType.OVERDUE


def test_verification_by_the_grid_inspector(world, clock):
    p = world.people
    case = services.case_send_to_verify(case=report(world), by=p.intake_clerk, inspector=p.inspector)
    assert (case.state, case.assignee) == (CaseState.VERIFYING, p.inspector)

    case = services.case_verify(case=case, by=p.inspector, confirmed=True, opinion="属实")

    assert (case.state, case.assignee) == (CaseState.ACCEPTED, None)


def test_verifier_must_work_in_the_grid(world, clock):
    with pytest.raises(InvalidInput):
        services.case_send_to_verify(case=report(world), by=world.people.intake_clerk,
                                     inspector=world.people.other_grid_worker)


def test_void_needs_a_reason_and_ends_the_case(world, clock):
    case = report(world)
    with pytest.raises(InvalidInput):
        services.case_void(case=case, by=world.people.shift_lead, reason="")

    case = services.case_void(case=case, by=world.people.shift_lead, reason="重复上报")

    assert case.state == CaseState.VOIDED
    with pytest.raises(WrongState):
        services.case_accept(case=case, by=world.people.intake_clerk)


def test_return_goes_back_to_dispatch_and_restarts_the_clock(world, clock):
    p = world.people
    case = walk_to(world, report(world), "handling")
    services.case_request(case=case, by=p.handler, kind="return", reason="不属于环卫职责，应为执法中队")

    case = services.case_decide_request(case=case, by=p.dispatcher, approve=True, note="同意")

    assert (case.state, case.department, case.deadline_at, case.return_count) == (CaseState.FILED, None, None, 1)
    assert CaseRequest.objects.get().state == "approved"
    case = services.case_dispatch(case=case, by=p.dispatcher, department=world.enforcement)
    assert case.department == world.enforcement


def test_rejected_request_keeps_the_case_with_the_handler(world, clock):
    p = world.people
    case = walk_to(world, report(world), "handling")
    services.case_request(case=case, by=p.handler, kind="return", reason="不归我们")

    with pytest.raises(InvalidInput):
        services.case_decide_request(case=case, by=p.dispatcher, approve=False, note="")
    case = services.case_decide_request(case=case, by=p.dispatcher, approve=False, note="属环卫职责")

    assert (case.state, case.department, case.return_count) == (CaseState.HANDLING, world.cleaning, 0)
    assert CaseRequest.objects.get().state == "rejected"


def test_only_one_pending_request_at_a_time(world, clock):
    p = world.people
    case = walk_to(world, report(world), "handling")
    services.case_request(case=case, by=p.handler, kind="extension", reason="需协调", extra_minutes=120)

    with pytest.raises(WrongState):
        services.case_request(case=case, by=p.handler, kind="suspension", reason="另有原因")
    assert CaseRequest.objects.count() == 1


def test_extension_moves_the_deadline_in_working_time(world, clock):
    p = world.people
    case = walk_to(world, report(world), "handling")  # deadline Tue 14:30
    services.case_request(case=case, by=p.handler, kind="extension", reason="需要机械清运", extra_minutes=240)

    case = services.case_decide_request(case=case, by=p.dispatcher, approve=True)

    # 14:30 + 4 working hours: 3 h to 17:30, then 1 h from Wed 08:30.
    assert case.deadline_at == datetime(2026, 11, 18, 9, 30, tzinfo=SHANGHAI)
    assert (case.extension_count, case.time_budget_minutes) == (1, 480)


def test_suspension_pauses_the_clock_and_resume_adds_the_paused_time(world, clock):
    p = world.people
    case = walk_to(world, report(world), "handling")  # Tue 09:00, deadline 14:30
    services.case_request(case=case, by=p.handler, kind="suspension", reason="等待产权单位确认")
    case = services.case_decide_request(case=case, by=p.dispatcher, approve=True)
    assert case.state == CaseState.SUSPENDED
    assert case_deadline_light(case=case, now=case.suspended_at + timedelta(days=3), warning_ratio=0.8) \
        == DeadlineLight.PAUSED

    clock.move_to(datetime(2026, 11, 18, 9, 0, tzinfo=SHANGHAI))  # a whole working day (7.5 h) later
    case = services.case_resume(case=case, by=p.dispatcher)

    assert case.state == CaseState.HANDLING
    assert case.deadline_at == datetime(2026, 11, 18, 14, 30, tzinfo=SHANGHAI)


def test_void_request_is_decided_by_the_shift_lead_not_the_dispatcher(world, clock):
    p = world.people
    case = walk_to(world, report(world), "handling")
    services.case_request(case=case, by=p.handler, kind="void", reason="现场无此问题")

    with pytest.raises(NotAllowed):
        services.case_decide_request(case=case, by=p.dispatcher, approve=True)
    case = services.case_decide_request(case=case, by=p.shift_lead, approve=True)

    assert case.state == CaseState.VOIDED


def test_self_handled_case_is_reviewed_then_closed(world, clock):
    case = report(world, self_handled=True, after_photos=[make_upload()])
    assert case.state == CaseState.SELF_HANDLED
    assert case.photos.filter(stage=PhotoStage.AFTER).count() == 1

    case = services.case_review_self_handled(case=case, by=world.people.shift_lead, approve=True)

    assert (case.state, case.closure_type) == (CaseState.CLOSED, ClosureType.SELF_HANDLED)


def test_self_handled_needs_after_photos(world, clock):
    with pytest.raises(InvalidInput):
        report(world, self_handled=True)
    assert Case.objects.count() == 0


def test_stale_form_is_refused_and_changes_nothing(world, clock):
    case = report(world)
    seen_version = case.version
    services.case_accept(case=case, by=world.people.intake_clerk)

    with pytest.raises(StaleCase):
        services.case_void(case=case, by=world.people.shift_lead, reason="重复", expected_version=seen_version)
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED
    assert CaseEvent.objects.filter(case=case).count() == 2


def test_two_dispatchers_with_the_same_stale_copy_cannot_both_win(world, clock):
    case = walk_to(world, report(world), "filed")
    first_copy = Case.objects.get(pk=case.pk)
    second_copy = Case.objects.get(pk=case.pk)

    services.case_dispatch(case=first_copy, by=world.people.dispatcher, department=world.cleaning)
    with pytest.raises((StaleCase, WrongState)):
        services.case_dispatch(case=second_copy, by=world.people.dispatcher, department=world.enforcement,
                               expected_version=second_copy.version)

    case.refresh_from_db()
    assert case.department == world.cleaning
    assert case.events.filter(action="dispatch").count() == 1


def test_client_key_makes_a_retry_return_the_same_case(world, clock):
    first = report(world, client_key="device-1:0001")
    again = report(world, client_key="device-1:0001")

    assert again.pk == first.pk
    assert Case.objects.count() == 1
