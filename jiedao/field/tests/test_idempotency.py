"""A retry never reports or acts twice: the device's key is recorded with the change, a replay
returns the first answer, and a key belongs to the person who first used it."""

import pytest

from jiedao.cases import services
from jiedao.cases.models import Case, CaseEvent, CasePhoto, CaseState
from jiedao.conftest import TUESDAY_0900, grid_centre, jpeg_bytes, make_upload, report, walk_to
from jiedao.field.models import Patrol, Submission

pytestmark = pytest.mark.django_db

KEY = "7f1c0a4e-3b7d-4b1e-9c55-2f7d5b8e6a01"


def test_a_report_makes_one_case_with_a_key_namespaced_by_person(world, clock, device):
    response = device("grid_worker").report(key=KEY)

    assert response.status_code == 201
    body = response.json()
    case = Case.objects.get()
    assert body == {"kind": "report", "number": case.number, "state": "reported", "state_label": "待受理",
                    "version": 1, "message": f"案件 {case.number} 已上报", "photo_count": 1}
    assert (case.reporter, case.source, case.client_key) == (
        world.people.grid_worker, "patrol", f"field:{world.people.grid_worker.pk}:{KEY}")
    submission = Submission.objects.get()
    assert (submission.key, submission.kind, submission.case, submission.status) == (KEY, "report", case, 201)


def test_a_replayed_report_returns_the_first_answer_and_makes_nothing(world, clock, device):
    phone = device("grid_worker")
    first = phone.report(key=KEY)

    replay = phone.report(key=KEY, photos=make_upload(name="renamed-by-the-phone.jpg"))

    assert (first.status_code, replay.status_code) == (201, 200)
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1
    assert CasePhoto.objects.count() == 1
    assert Case.objects.get().description == "路口成堆垃圾"
    assert Submission.objects.count() == 1


def test_a_key_replayed_with_another_description_is_refused_naming_the_key(world, clock, device):
    phone = device("grid_worker")
    first = phone.report(key=KEY)

    replay = phone.report(key=KEY, description="另一处的垃圾")

    assert (first.status_code, replay.status_code) == (201, 422)
    assert replay.json() == {
        "detail": f"幂等键“{KEY}”已用于另一份内容不同的提交；重试请原样发送，新的提交请使用新的幂等键",
        "field": "key", "code": "key_reused"}
    assert Case.objects.get().description == "路口成堆垃圾"
    assert (Case.objects.count(), CasePhoto.objects.count(), Submission.objects.count()) == (1, 1, 1)


def test_a_key_replayed_with_another_photo_is_refused(world, clock, device):
    phone = device("grid_worker")
    phone.report(key=KEY)

    replay = phone.report(key=KEY, photos=make_upload(data=jpeg_bytes(color=(0, 90, 200))))

    assert replay.status_code == 422
    assert replay.json()["code"] == "key_reused"
    assert CasePhoto.objects.count() == 1


def test_the_refusal_is_in_english_for_an_english_phone(world, clock, device):
    device("grid_worker").report(key=KEY)

    replay = device("grid_worker", language="en").report(key=KEY, description="another pile")

    assert replay.status_code == 422
    assert replay.json()["detail"] == (f"The idempotency key “{KEY}” was used for a different submission; "
                                       "send a retry unchanged, and a new submission with a new key")


def test_a_batch_of_track_points_replayed_with_other_points_is_refused(world, clock, device):
    phone = device("grid_worker")
    patrol = phone.start_patrol(started_at=TUESDAY_0900.timestamp() - 600).json()["patrol"]
    now = TUESDAY_0900.timestamp() - 300
    first = phone.points(patrol, [[*grid_centre(0), now]], key=KEY)

    same = phone.points(patrol, [[*grid_centre(0), now]], key=KEY)
    other = phone.points(patrol, [[*grid_centre(1), now + 60]], key=KEY)

    assert (first.status_code, same.status_code, other.status_code) == (200, 200, 422)
    assert same.json() == first.json()
    assert Patrol.objects.get().point_count == 1


def test_another_persons_key_is_refused_and_reveals_nothing(world, clock, device):
    device("grid_worker").report(key=KEY)

    response = device("inspector").report(key=KEY)

    assert response.status_code == 400
    assert response.json() == {"detail": "该提交编号已被他人使用", "field": "key", "code": ""}
    assert Case.objects.count() == 1
    assert Submission.objects.get().user == world.people.grid_worker


def test_a_key_used_for_a_report_cannot_be_reused_for_a_check(world, clock, device):
    device("grid_worker").report(key=KEY)
    fixed = walk_to(world, report(world, by=world.people.inspector), "fixed")

    response = device("grid_worker").act("check", fixed, key=KEY, passed="true")

    assert response.status_code == 400
    assert response.json()["detail"] == "该提交编号已用于另一项提交"
    assert Case.objects.get(pk=fixed.pk).state == CaseState.FIXED


@pytest.mark.parametrize("key", ["", "short", "has spaces in it!", "x" * 65])
def test_a_report_without_a_proper_key_is_refused_and_writes_nothing(world, clock, device, key):
    response = device("grid_worker").report(key=key)

    assert response.status_code == 400
    assert response.json()["field"] == "key"
    assert (Case.objects.count(), Submission.objects.count()) == (0, 0)


def _verifying(world):
    case = report(world, by=world.people.intake_clerk)
    return services.case_send_to_verify(case=case, by=world.people.intake_clerk, inspector=world.people.grid_worker)


def test_a_verification_key_replayed_with_the_opposite_conclusion_is_refused(world, clock, device):
    case = _verifying(world)
    phone = device("grid_worker")
    phone.act("verify", case, key=KEY, confirmed="true", opinion="现场属实")

    replay = phone.act("verify", case, key=KEY, confirmed="false", opinion="现场无垃圾")

    assert replay.status_code == 422
    assert replay.json()["field"] == "key"
    assert CaseEvent.objects.filter(case=case, action="verify").count() == 1


def test_a_replayed_verification_returns_the_first_answer_and_verifies_once(world, clock, device):
    case = _verifying(world)
    phone = device("grid_worker")

    first = phone.act("verify", case, key=KEY, confirmed="true", opinion="现场属实")
    replay = phone.act("verify", case, key=KEY, confirmed="true", opinion="现场属实")

    assert (first.status_code, replay.status_code) == (200, 200)
    assert first.json() == replay.json() == {
        "kind": "verify", "number": case.number, "state": "accepted", "state_label": "待立案", "version": 3,
        "message": f"案件 {case.number} 已核实：属实"}
    assert CaseEvent.objects.filter(case=case, action="verify").count() == 1
    assert Case.objects.get(pk=case.pk).version == 3


def test_a_replayed_check_with_photos_checks_once_and_keeps_one_set_of_photos(world, clock, device):
    # The grid worker of grid 0 is the default inspector of a fix there.
    fixed = walk_to(world, report(world, by=world.people.inspector), "fixed")
    assert fixed.assignee == world.people.grid_worker
    phone = device("grid_worker")

    first = phone.act("check", fixed, key=KEY, passed="false", opinion="仍有残留", photos=make_upload())
    replay = phone.act("check", fixed, key=KEY, passed="false", opinion="仍有残留", photos=make_upload())

    assert (first.status_code, replay.status_code) == (200, 200)
    assert replay.json() == first.json()
    assert first.json()["message"] == f"案件 {fixed.number} 已核查：不通过，已返工"
    case = Case.objects.get(pk=fixed.pk)
    assert (case.state, case.rework_count) == (CaseState.HANDLING, 1)
    assert CaseEvent.objects.filter(case=case, action="rework").count() == 1
    assert CasePhoto.objects.filter(case=case, stage="check").count() == 1


def test_another_persons_replay_of_a_check_key_is_refused(world, clock, device):
    fixed = walk_to(world, report(world, by=world.people.inspector), "fixed")
    device("grid_worker").act("check", fixed, key=KEY, passed="true")

    response = device("inspector").act("check", fixed, key=KEY, passed="true")

    assert response.status_code == 400
    assert response.json()["detail"] == "该提交编号已被他人使用"
    assert CaseEvent.objects.filter(case=fixed, action="check").count() == 1


def test_a_refused_action_records_no_key_so_the_worker_can_send_it_again_corrected(world, clock, device):
    case = _verifying(world)
    phone = device("grid_worker")

    refused = phone.act("verify", case, key=KEY, confirmed="false", opinion="")
    corrected = phone.act("verify", case, key=KEY, confirmed="false", opinion="现场无垃圾")

    assert refused.status_code == 400
    assert refused.json()["detail"] == "核实不属实时请说明情况"
    assert corrected.status_code == 200
    assert Submission.objects.get().response["message"] == f"案件 {case.number} 已核实：不属实"
