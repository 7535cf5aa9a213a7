"""Taking actions through the API: each calls its service; refusals keep their status and change nothing."""

import pytest

from jiedao.cases import services
from jiedao.cases.models import Case, CaseEvent, CasePhoto
from jiedao.conftest import make_upload

from .conftest import report

pytestmark = pytest.mark.django_db


def _handling(world):
    case = services.case_accept(case=report(world), by=world.people.intake_clerk)
    case = services.case_file(case=case, by=world.people.shift_lead)
    return services.case_dispatch(case=case, by=world.people.dispatcher, department=world.cleaning)


def test_a_case_walks_the_main_path_through_the_api(world, clock, as_person):
    number = as_person("grid_worker").post("/cases", {
        "item_code": "06010", "longitude": "120.105", "latitude": "30.205", "photos": make_upload(),
    }).json()["number"]

    steps = [
        ("intake_clerk", "accept", {"opinion": "属实"}, "accepted"),
        ("shift_lead", "file", {}, "filed"),
        ("dispatcher", "dispatch", {"department_code": "D02"}, "handling"),
        ("handler", "report_fix", {"opinion": "已清运", "photos": make_upload("after.jpg")}, "fixed"),
        ("inspector", "check", {"passed": "true"}, "checked"),
        ("shift_lead", "close", {}, "closed"),
    ]
    for person, action, fields, state in steps:
        response = as_person(person).act(number, action, **fields)
        assert response.status_code == 200, (action, response.content)
        assert response.json()["state"] == state

    case = Case.objects.get()
    assert case.closure_type == "normal"
    assert list(case.events.values_list("action", "actor_role")) == [
        ("report", "grid_worker"), ("accept", "intake_clerk"), ("file", "shift_lead"), ("dispatch", "dispatcher"),
        ("report_fix", "department_handler"), ("check", "inspector"), ("close", "shift_lead"),
    ]
    assert sorted(CasePhoto.objects.values_list("stage", flat=True)) == ["after", "before"]


def test_dispatch_without_a_department_takes_the_rules(world, clock, as_person):
    case = services.case_file(case=services.case_accept(case=report(world), by=world.people.intake_clerk),
                              by=world.people.shift_lead)

    body = as_person("dispatcher").act(case.number, "dispatch").json()

    assert body["department"] == {"code": "D02", "name": "环卫所"}
    assert body["territorial_owner"] == {"code": "330199001001", "name": "桃源社区"}
    assert body["deadline_at"] == "2026-11-17T14:30:00+08:00"


def test_a_forbidden_action_is_a_403_and_changes_nothing(world, clock, as_person):
    case = report(world)

    response = as_person("dispatcher").act(case.number, "accept")

    assert response.status_code == 403
    assert response.json() == {"detail": "您无权对该案件执行“受理”", "field": None}
    unchanged = Case.objects.get()
    assert (unchanged.state, unchanged.version) == ("reported", 1)
    assert CaseEvent.objects.count() == 1


def test_an_action_on_a_case_one_may_not_see_is_a_404(world, clock, as_person):
    case = report(world)

    response = as_person("other_secretary").act(case.number, "accept")

    assert response.status_code == 404
    assert Case.objects.get().state == "reported"


def test_a_stale_expected_version_is_a_409_and_changes_nothing(world, clock, as_person):
    case = report(world)
    services.case_send_to_verify(case=case, by=world.people.shift_lead, inspector=world.people.inspector)
    services.case_verify(case=case, by=world.people.inspector, confirmed=True)  # version 3 now

    response = as_person("shift_lead").act(case.number, "file", expected_version=1)

    assert response.status_code == 409
    assert response.json() == {"detail": "案件已被他人处理，请刷新后重试", "field": None}
    assert Case.objects.get().state == "accepted"


def test_the_current_expected_version_goes_through(world, clock, as_person):
    case = report(world)

    response = as_person("intake_clerk").act(case.number, "accept", expected_version=1)

    assert response.status_code == 200
    assert response.json()["version"] == 2


def test_an_action_in_the_wrong_state_is_a_409(world, clock, as_person):
    case = report(world)

    response = as_person("shift_lead").act(case.number, "close")

    assert response.status_code == 409
    assert response.json()["detail"] == "案件当前为“待受理”，不能“结案”"


def test_a_missing_required_text_is_a_400_naming_the_field(world, clock, as_person):
    case = report(world)

    response = as_person("shift_lead").act(case.number, "void")

    assert response.status_code == 400
    assert response.json() == {"detail": "作废须填写理由", "field": "reason"}
    assert Case.objects.get().state == "reported"


def test_a_fix_without_a_photo_is_refused(world, clock, as_person):
    case = _handling(world)

    response = as_person("handler").act(case.number, "report_fix", opinion="已清运")

    assert response.status_code == 400
    assert response.json() == {"detail": "请上传处置后照片", "field": "photos"}
    assert Case.objects.get().state == "handling"


def test_a_fix_with_a_file_that_is_not_a_photo_is_refused(world, clock, as_person):
    case = _handling(world)

    response = as_person("handler").act(case.number, "report_fix", opinion="已清运",
                                        photos=make_upload("fix.jpg", data=b"GIF89a-ish"))

    assert response.status_code == 400
    assert response.json()["field"] == "photos"
    assert Case.objects.get().state == "handling"


def test_send_to_verify_names_the_inspector_by_username(world, clock, as_person):
    case = report(world)

    body = as_person("intake_clerk").act(case.number, "send_to_verify", inspector="inspector").json()

    assert body["state"] == "verifying"
    assert body["assignee_name"] == "李监督"


def test_an_unknown_inspector_is_a_400(world, clock, as_person):
    case = report(world)

    response = as_person("intake_clerk").act(case.number, "send_to_verify", inspector="ghost")

    assert response.status_code == 400
    assert response.json() == {"detail": "未找到用户“ghost”", "field": "inspector"}


def test_an_extension_is_requested_and_approved(world, clock, as_person):
    case = _handling(world)

    requested = as_person("handler").act(case.number, "request_extension", reason="需调机械", extra_minutes=60)
    decided = as_person("dispatcher").act(case.number, "decide_extension", approve="true", note="同意")

    assert requested.json()["pending_request"]["kind"] == "extension"
    assert decided.status_code == 200
    assert decided.json()["pending_request"] is None
    assert decided.json()["deadline_at"] == "2026-11-17T15:30:00+08:00"
    assert decided.json()["extension_count"] == 1


def test_deciding_a_request_of_another_kind_is_a_409(world, clock, as_person):
    case = _handling(world)
    services.case_request(case=case, by=world.people.handler, kind="extension", reason="需时间", extra_minutes=60)

    response = as_person("dispatcher").act(case.number, "decide_suspension", approve="true")

    assert response.status_code == 409
    assert response.json()["detail"] == "该案件没有待审批的“挂账”申请"
    assert Case.objects.get().extension_count == 0


def test_the_inspector_fails_the_check_and_the_case_goes_back(world, clock, as_person):
    case = _handling(world)
    services.case_report_fix(case=case, by=world.people.handler, opinion="已清运", photos=[make_upload()])

    body = as_person("inspector").act(case.number, "check", passed="false", opinion="仍有垃圾",
                                      photos=make_upload("check.jpg")).json()

    assert (body["state"], body["rework_count"]) == ("handling", 1)
    assert body["timeline"][-1]["action"] == "rework"
    assert body["timeline"][-1]["action_label"] == "返工"
    assert body["photos"][-1]["stage"] == "check"


def test_a_number_field_that_is_not_a_number_is_a_422(world, clock, as_person):
    case = _handling(world)

    response = as_person("handler").act(case.number, "request_extension", reason="x", extra_minutes="soon")

    assert response.status_code == 422
    assert Case.objects.get().requests.count() == 0


def test_an_unknown_action_is_a_404(world, clock, as_person):
    case = report(world)

    response = as_person("intake_clerk").act(case.number, "teleport")

    assert response.status_code == 404
    assert response.json()["detail"] == "未找到"


def test_an_api_refusal_speaks_english_when_asked(world, clock, as_person):
    case = services.case_file(case=services.case_accept(case=report(world), by=world.people.intake_clerk),
                              by=world.people.shift_lead)

    response = as_person("dispatcher", "en").act(case.number, "dispatch", department_code="D99")

    assert response.status_code == 400
    assert response.json() == {"detail": "Unknown department: D99", "field": "department_code"}
    assert Case.objects.get().state == "filed"


def test_every_action_of_the_workflow_has_an_endpoint():
    from jiedao.api.case_actions import ENDPOINTS
    from jiedao.cases.workflow import ACTIONS

    assert set(ENDPOINTS) == set(ACTIONS)


def test_a_request_too_big_is_a_413_in_json(world, clock, as_person, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    case = report(world)

    response = as_person("intake_clerk").act(case.number, "accept", opinion="长" * 2000)

    assert response.status_code == 413
    assert response.json() == {"detail": "请求内容太大", "field": None}
    assert Case.objects.get().state == "reported"
