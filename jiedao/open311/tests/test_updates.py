"""mySociety's service request updates: the public steps of published cases (GET), and a
resident's update posted by a client (POST), through the case service."""

from datetime import timedelta

import pytest

from jiedao.cases import services as case_services
from jiedao.cases.models import CaseEvent, CaseState
from jiedao.open311.models import Open311Update
from jiedao.open311.services import open311_client_issue

from .conftest import body, errors_of, make_upload, published_case

pytestmark = pytest.mark.django_db


def steps(response) -> list[tuple[str, str]]:
    document = body(response)
    if isinstance(document, list):
        return [(u["status"], u["description"]) for u in document]
    return [(u.findtext("status"), u.findtext("description")) for u in document.findall("request_update")]


def test_the_public_steps_of_a_case_in_plain_words(world, clock, caller):
    case = published_case(world, state="closed")
    response = caller.get("servicerequestupdates.json")
    assert response.status_code == 200
    assert steps(response) == [
        ("open", "已受理"), ("action_scheduled", "已立案"), ("in_progress", "已派遣处置单位"),
        ("in_progress", "处置单位反馈已处理完毕，等待现场核查"), ("fixed", "现场核查通过"), ("fixed", "已办结"),
    ]
    first = body(response)[0]
    event = CaseEvent.objects.get(case=case, action="accept")
    assert first == {"update_id": str(event.pk), "service_request_id": case.number, "status": "open",
                     "updated_datetime": "2026-11-17T09:00:00+08:00", "description": "已受理", "media_url": None}


def test_the_xml_document(world, clock, caller):
    published_case(world)
    root = body(caller.get("servicerequestupdates.xml"))
    assert root.tag == "service_request_updates"
    [update] = root.findall("request_update")
    assert [child.tag for child in update] == ["update_id", "service_request_id", "status", "updated_datetime",
                                              "description", "media_url"]


def test_opinions_and_internal_steps_are_not_published(world, clock, caller):
    case = published_case(world, state="handling")
    case_services.case_request(case=case, by=world.people.handler, kind="extension", reason="内部：人手不够",
                               extra_minutes=60)
    case_services.case_decide_request(case=case, by=world.people.dispatcher, approve=False, note="内部：不批")
    content = caller.get("servicerequestupdates.json").content.decode()
    assert "内部" not in content
    assert [s for _status, s in steps(caller.get("servicerequestupdates.json"))] == ["已受理", "已立案", "已派遣处置单位"]


def test_a_return_is_an_internal_referral(world, clock, caller):
    case = published_case(world, state="handling")
    case_services.case_request(case=case, by=world.people.handler, kind="return", reason="不归我们管")
    case_services.case_decide_request(case=case, by=world.people.dispatcher, approve=True)
    assert steps(caller.get("servicerequestupdates.json"))[-1] == ("internal_referral", "处置单位退回，重新安排处置单位")


def test_unpublished_cases_have_no_updates(world, clock, caller):
    from .conftest import report

    report(world, by=None, source="resident", photos=[])
    internal = report(world, by=world.people.shift_lead, source="leader")
    case_services.case_accept(case=internal, by=world.people.intake_clerk)
    assert steps(caller.get("servicerequestupdates.json")) == []


def test_window_ids_and_pages(world, clock, caller):
    old = published_case(world)
    clock.shift(timedelta(days=100))
    new = published_case(world, state="filed")
    assert [u["service_request_id"] for u in body(caller.get("servicerequestupdates.json"))] == [new.number] * 2
    window = caller.get("servicerequestupdates.json", start_date="2026-11-01T00:00:00+08:00",
                        end_date="2026-11-30T00:00:00+08:00")
    assert [u["service_request_id"] for u in body(window)] == [old.number]
    by_id = caller.get("servicerequestupdates.json", service_request_id=new.number, page_size="1")
    assert len(body(by_id)) == 1
    assert by_id["X-Next-Page-URL"].endswith("page=2&page_size=1&service_request_id=" + new.number)
    assert body(caller.get("servicerequestupdates.json", service_request_id=new.number, page="2", page_size="1"))[0][
        "description"] == "已立案"
    assert caller.get("servicerequestupdates.xml", start_date="2026-01-01", end_date="2026-12-01").status_code == 400


def test_the_after_photo_of_a_fix_once_public(world, clock, caller):
    case = published_case(world, state="fixed")
    photo = case.photos.get(stage="after")
    assert body(caller.get("servicerequestupdates.json"))[-1]["media_url"] is None
    case_services.case_photo_publish(photo=photo, by=world.people.intake_clerk, public=True)
    last = body(caller.get("servicerequestupdates.json"))[-1]
    assert last["description"] == "处置单位反馈已处理完毕，等待现场核查"
    assert last["media_url"] == f"http://testserver/p/photos/{photo.pk}/image/"


# ---------------------------------------------------------------- POST: a resident's update

def update_form(key, case, **overrides):
    form = {"api_key": key, "service_request_id": case.number, "update_id": "fms-1001", "status": "OPEN",
            "updated_datetime": "2026-11-17T09:30:00+08:00", "description": "还是没清理干净", "first_name": "三",
            "last_name": "张", "phone": "13800001111", "email": "zhang@example.com", "account_id": "u-9"}
    form.update(overrides)
    return form


def test_not_fixed_on_a_closed_case_sends_it_back_for_a_check(world, clock, caller, api_client):
    case = published_case(world, state="closed")
    response = caller.post("servicerequestupdates.json", update_form(api_client.key, case, media=make_upload()))
    assert response.status_code == 201
    event = CaseEvent.objects.get(action="public_not_fixed")
    assert body(response) == [{"update_id": str(event.pk), "account_id": "u-9"}]
    case.refresh_from_db()
    assert case.state == CaseState.FIXED
    assert (event.opinion, event.actor, event.personal_data["name"], event.personal_data["contact"]) == (
        "还是没清理干净", None, "张三", "13800001111")
    assert event.photos.get().stage == "public"
    assert Open311Update.objects.get().client == api_client.client
    # and the public sees the case reopened, in our words
    assert steps(caller.get("servicerequestupdates.json"))[-1] == ("reopen", "群众反映问题仍未解决，已退回重新核查")


def test_a_remark_on_an_open_case_is_recorded_and_not_published(world, clock, caller, api_client):
    case = published_case(world, state="handling")
    response = caller.post("servicerequestupdates.xml", update_form(api_client.key, case, status="FIXED",
                                                                    description="今天有人来看过了"))
    assert response.status_code == 201
    root = body(response)
    assert [child.tag for child in root.find("request_update")] == ["update_id", "account_id"]
    event = CaseEvent.objects.get(action="public_update")
    assert root.findtext("request_update/update_id") == str(event.pk)
    case.refresh_from_db()
    assert case.state == CaseState.HANDLING
    assert "今天有人来看过了" not in caller.get("servicerequestupdates.json").content.decode()


def test_a_retried_update_is_recorded_once(world, clock, caller, api_client):
    case = published_case(world, state="closed")
    first = caller.post("servicerequestupdates.json", update_form(api_client.key, case))
    again = caller.post("servicerequestupdates.json", update_form(api_client.key, case))
    assert (first.status_code, again.status_code) == (201, 200)
    assert body(first) == body(again)
    assert CaseEvent.objects.filter(action__startswith="public_").count() == 1
    # another client may use the same update id for its own update
    _other, other_key = open311_client_issue(name="城市 App")
    assert caller.post("servicerequestupdates.json", update_form(other_key, case, status="CLOSED")).status_code == 201
    assert CaseEvent.objects.filter(action__startswith="public_").count() == 2


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(("overrides", "status", "message"), [
    ({"api_key": "o311_wrong"}, 403, "缺少 api_key，或 api_key 无效、已停用"),
    ({"service_request_id": "2026-999999"}, 404, "未找到该服务请求：2026-999999"),
    ({"update_id": ""}, 400, "缺少 update_id"),
    ({"description": " "}, 400, "缺少 description"),
    ({"status": "DONE"}, 400, "未知的 status：DONE"),
    ({"updated_datetime": "soon"}, 400, "updated_datetime 不是有效的日期时间（示例：2026-01-01T00:00:00+08:00）"),
    ({"phone": "x"}, 400, "phone 不是有效的电话号码"),
])
def test_bad_updates_are_refused_and_nothing_written(world, clock, caller, api_client, fmt, overrides, status, message):
    case = published_case(world, state="closed")
    before = (CaseEvent.objects.count(), case.version)
    response = caller.post(f"servicerequestupdates.{fmt}", update_form(api_client.key, case, **overrides))
    assert response.status_code == status
    assert errors_of(response) == [(status, message)]
    case.refresh_from_db()
    assert (CaseEvent.objects.count(), case.version) == before


def test_an_update_to_a_report_waiting_for_intake_is_404(world, clock, caller, api_client):
    from .conftest import report

    waiting = report(world, by=None, source="resident", photos=[])
    response = caller.post("servicerequestupdates.json", update_form(api_client.key, waiting))
    assert response.status_code == 404
    assert CaseEvent.objects.filter(case=waiting).count() == 1


def test_an_update_with_a_file_that_is_not_a_photo_is_415(world, clock, caller, api_client):
    case = published_case(world, state="closed")
    before = CaseEvent.objects.count()
    response = caller.post("servicerequestupdates.json",
                           update_form(api_client.key, case, media=make_upload(data=b"%PDF-1.4 not a photo")))
    assert response.status_code == 415
    assert CaseEvent.objects.count() == before
