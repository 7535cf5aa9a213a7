"""Actions made offline: they apply while the case is still in the stage the worker saw, even if
its version moved on inside that stage; once the case has left it they are refused with 409 and
a message the device shows."""

import threading

import pytest
from django.db import connection

from jiedao.cases import services
from jiedao.cases.models import Case, CaseEvent, CaseState
from jiedao.conftest import make_upload, report, walk_to
from jiedao.field import services as field_services
from jiedao.field.models import Submission
from jiedao.field.selectors import case_stage

pytestmark = pytest.mark.django_db


def _fixed(world):
    return walk_to(world, report(world, by=world.people.inspector), "fixed")


def test_a_check_made_offline_applies_after_a_change_inside_the_same_stage(world, clock, device):
    fixed = _fixed(world)
    seen = case_stage(fixed)
    # While the worker is offline, the clerk reassigns the check to the same worker: the version
    # moves on, the stage does not.
    moved = services.case_assign_inspector(case=fixed, by=world.people.intake_clerk, inspector=world.people.grid_worker)
    assert moved.version == fixed.version + 1

    response = device("grid_worker").act("check", fixed, seen_stage=seen, passed="true", opinion="已清理干净")

    assert response.status_code == 200
    assert Case.objects.get(pk=fixed.pk).state == CaseState.CHECKED


def test_a_check_of_a_case_that_moved_on_is_refused_with_409(world, clock, device):
    fixed = _fixed(world)
    seen = case_stage(fixed)
    services.case_check(case=fixed, by=world.people.inspector, passed=True)

    response = device("grid_worker").act("check", fixed, seen_stage=seen, passed="false", opinion="仍有残留")

    assert response.status_code == 409
    assert response.json()["detail"] == f"案件 {fixed.number} 已由“待核查”变为“待结案”，您的核查未提交"
    assert CaseEvent.objects.filter(case=fixed, action__in=["check", "rework"]).count() == 1
    assert Submission.objects.count() == 0


def test_a_check_of_an_earlier_fix_is_refused_after_rework_and_a_new_fix(world, clock, device):
    fixed = _fixed(world)
    seen = case_stage(fixed)
    reworked = services.case_check(case=fixed, by=world.people.inspector, passed=False, opinion="未清理")
    services.case_report_fix(case=reworked, by=world.people.handler, opinion="已再次清运", photos=[make_upload()])
    again = Case.objects.get(pk=fixed.pk)
    assert again.state == CaseState.FIXED and case_stage(again) != seen

    response = device("grid_worker").act("check", again, seen_stage=seen, passed="true")

    assert response.status_code == 409
    assert "已重新进入“待核查”" in response.json()["detail"]
    assert Case.objects.get(pk=fixed.pk).state == CaseState.FIXED


def test_a_check_reassigned_to_someone_else_is_refused(world, clock, device):
    fixed = _fixed(world)
    seen = case_stage(fixed)
    services.case_assign_inspector(case=fixed, by=world.people.intake_clerk, inspector=world.people.inspector)

    response = device("grid_worker").act("check", fixed, seen_stage=seen, passed="true")

    assert response.status_code == 409
    assert response.json()["detail"] == f"案件 {fixed.number} 已改由他人核查，您的核查未提交"
    assert Case.objects.get(pk=fixed.pk).state == CaseState.FIXED


def test_a_verification_of_a_voided_case_is_refused(world, clock, device):
    case = services.case_send_to_verify(case=report(world, by=world.people.intake_clerk), by=world.people.intake_clerk,
                                        inspector=world.people.grid_worker)
    seen = case_stage(case)
    services.case_void(case=case, by=world.people.shift_lead, reason="重复上报")

    response = device("grid_worker").act("verify", case, seen_stage=seen, confirmed="true")

    assert response.status_code == 409
    assert response.json()["detail"] == f"案件 {case.number} 已由“核实中”变为“已作废”，您的核实未提交"


def test_an_action_without_the_stage_seen_is_refused(world, clock, device):
    fixed = _fixed(world)

    response = device("grid_worker").act("check", fixed, seen_stage="", passed="true")

    assert response.status_code == 400
    assert response.json()["field"] == "seen_stage"


@pytest.mark.django_db(transaction=True)
def test_two_copies_of_one_check_sent_at_once_check_once_and_answer_alike(world, clock):
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections are exercised on PostgreSQL (CI runs it)")
    fixed = _fixed(world)
    seen = case_stage(fixed)
    barrier = threading.Barrier(2)
    answers = []

    def send():
        from django.db import connections

        try:
            barrier.wait()
            answers.append(field_services.field_check(
                by=world.people.grid_worker, key="twin-0000-0001", case=Case.objects.get(pk=fixed.pk),
                seen_stage=seen, passed=True).body)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(answers) == 2 and answers[0] == answers[1]
    assert CaseEvent.objects.filter(case=fixed, action="check").count() == 1
    assert Submission.objects.count() == 1
