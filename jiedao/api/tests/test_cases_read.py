"""Reading cases: only those the caller may see, a number they may not see is "not found", and
the list pages with a cursor."""

from datetime import timedelta

import pytest

from jiedao.cases import services
from jiedao.cases.models import Case

from .conftest import report

pytestmark = pytest.mark.django_db


def test_the_list_shows_a_case_with_its_place_and_clock(world, clock, as_person):
    case = services.case_dispatch(
        case=services.case_file(case=services.case_accept(case=report(world), by=world.people.intake_clerk),
                                by=world.people.shift_lead),
        by=world.people.dispatcher, department=world.cleaning)

    response = as_person("handler").get("/cases")

    assert response.status_code == 200
    assert response.json() == {"items": [{
        "number": case.number, "state": "handling", "state_label": "处置中",
        "category": {"code": "06010", "name": "暴露垃圾"}, "address": "桃源路 12 号",
        "longitude": pytest.approx(120.105), "latitude": pytest.approx(30.205),
        "grid_code": "330199001001001", "department_name": "环卫所",
        "reported_at": "2026-11-17T09:00:00+08:00", "deadline_at": "2026-11-17T14:30:00+08:00",
        "light": "green", "light_label": "正常",
    }], "next_cursor": None}


def test_the_secretary_of_another_community_sees_none_of_its_cases(world, clock, as_person):
    report(world, column=0)
    report(world, column=1)
    liuan_case = report(world, by=world.people.other_grid_worker, column=2)

    other = as_person("other_secretary").get("/cases").json()["items"]
    own = as_person("secretary").get("/cases").json()["items"]

    assert [case["number"] for case in other] == [liuan_case.number]
    assert sorted(case["number"] for case in own) == ["2026-000001", "2026-000002"]


def test_a_department_sees_only_cases_dispatched_to_it(world, clock, as_person):
    report(world)

    assert as_person("handler").get("/cases").json()["items"] == []


@pytest.mark.parametrize("number", ["2026-000001", "2026-999999", "x"])
def test_a_case_one_may_not_see_is_not_found_like_a_guessed_number(world, clock, as_person, number):
    report(world)  # 2026-000001, in 桃源

    response = as_person("other_secretary").get(f"/cases/{number}")

    assert response.status_code == 404
    assert response.json() == {"detail": "未找到", "field": None}


def test_the_detail_has_the_timeline_photos_and_the_callers_actions(world, clock, as_person):
    case = services.case_accept(case=report(world), by=world.people.intake_clerk, opinion="属实")

    detail = as_person("shift_lead").get(f"/cases/{case.number}").json()

    assert detail["version"] == 2
    assert [(e["action"], e["actor_name"], e["actor_role"], e["from_state"], e["to_state"], e["opinion"])
            for e in detail["timeline"]] == [
        ("report", "王网格", "grid_worker", "", "reported", "路口成堆垃圾"),
        ("accept", "受理员小陈", "intake_clerk", "reported", "accepted", "属实"),
    ]
    assert detail["timeline"][1]["at"] == "2026-11-17T09:00:00+08:00"
    assert detail["timeline"][1]["action_label"] == "受理"
    [photo] = detail["photos"]
    assert photo["stage"] == "before"
    assert photo["image_url"] == f"http://testserver/api/v1/cases/{case.number}/photos/{photo['id']}/image"
    assert photo["thumbnail_url"] == f"http://testserver/api/v1/cases/{case.number}/photos/{photo['id']}/thumbnail"
    assert detail["actions"] == ["file", "void", "merge"]
    assert detail["pending_request"] is None


def test_photos_are_served_only_to_people_who_may_see_the_case(world, clock, as_person):
    case = report(world)
    photo = case.photos.get()
    path = f"/cases/{case.number}/photos/{photo.pk}"

    shown = as_person("shift_lead").get(f"{path}/thumbnail")
    hidden = as_person("other_secretary").get(f"{path}/image")
    wrong_size = as_person("shift_lead").get(f"{path}/original")

    assert (shown.status_code, shown["Content-Type"]) == (200, "image/jpeg")
    assert b"".join(shown.streaming_content)[:3] == b"\xff\xd8\xff"  # a JPEG
    assert (hidden.status_code, wrong_size.status_code) == (404, 404)


def test_the_same_case_offers_each_person_their_own_actions(world, clock, as_person):
    case = report(world)

    assert as_person("intake_clerk").get(f"/cases/{case.number}").json()["actions"] == [
        "accept", "send_to_verify", "merge", "reject"]
    assert as_person("grid_worker").get(f"/cases/{case.number}").json()["actions"] == []


def test_the_dispatcher_sees_the_suggested_department_and_owner(world, clock, as_person):
    case = services.case_file(case=services.case_accept(case=report(world), by=world.people.intake_clerk),
                              by=world.people.shift_lead)

    detail = as_person("dispatcher").get(f"/cases/{case.number}").json()

    assert detail["actions"] == ["dispatch"]
    assert detail["dispatch_suggestion"] == {"department_code": "D02", "territorial_owner_code": "330199001001"}


def test_the_detail_shows_a_pending_request(world, clock, as_person):
    case = services.case_dispatch(
        case=services.case_file(case=services.case_accept(case=report(world), by=world.people.intake_clerk),
                                by=world.people.shift_lead),
        by=world.people.dispatcher, department=world.cleaning)
    services.case_request(case=case, by=world.people.handler, kind="extension", reason="需时间", extra_minutes=60)

    detail = as_person("dispatcher").get(f"/cases/{case.number}").json()

    assert detail["pending_request"]["kind"] == "extension"
    assert detail["pending_request"]["extra_minutes"] == 60
    assert detail["pending_request"]["requested_by_name"] == "环卫老孙"
    assert detail["actions"] == ["decide_extension"]


def test_keyset_pages_return_every_case_exactly_once(world, clock, as_person):
    for index in range(23):
        clock.shift(timedelta(minutes=1 if index % 5 else 0))  # some share a reported_at
        report(world, column=index % 2)
    client = as_person("intake_clerk")

    numbers, cursor, pages = [], None, 0
    while True:
        params = {"limit": 5} | ({"cursor": cursor} if cursor else {})
        page = client.get("/cases", **params).json()
        numbers += [case["number"] for case in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break

    expected = list(Case.objects.order_by("-reported_at", "-id").values_list("number", flat=True))
    assert numbers == expected
    assert len(set(numbers)) == 23
    assert pages == 5


def test_the_list_does_not_count_or_offset(world, clock, as_person):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        report(world)
    client = as_person("intake_clerk")
    cursor = client.get("/cases", limit=1).json()["next_cursor"]

    with CaptureQueriesContext(connection) as queries:
        client.get("/cases", limit=1, cursor=cursor)

    case_queries = [q["sql"] for q in queries.captured_queries if 'FROM "cases_case"' in q["sql"]]
    assert case_queries
    assert not any("COUNT(" in sql.upper() or "OFFSET" in sql.upper() for sql in case_queries)


def test_filters_by_box_state_category_and_time(world, clock, as_person):
    first = report(world)
    clock.shift(timedelta(hours=1))
    second = services.case_accept(case=report(world), by=world.people.intake_clerk)
    clock.shift(timedelta(hours=1))
    third = report(world, item=world.no_rule_item)
    client = as_person("shift_lead")

    def numbers(**params):
        response = client.get("/cases", **params)
        assert response.status_code == 200, response.content
        return [case["number"] for case in response.json()["items"]]

    assert numbers(box="to_accept") == [third.number, first.number]
    assert numbers(box="to_file") == [second.number]
    assert numbers(state="accepted") == [second.number]
    assert numbers(category="06036") == [third.number]
    assert numbers(since="2026-11-17T10:00:00+08:00") == [third.number, second.number]
    assert numbers(until="2026-11-17T10:00:00") == [first.number]
    assert numbers(q=second.number) == [second.number]


@pytest.mark.parametrize(("params", "field"), [
    ({"box": "nope"}, "box"), ({"state": "nope"}, "state"), ({"cursor": "not-a-cursor"}, "cursor"),
])
def test_bad_filters_are_a_400_with_the_field(world, as_person, params, field):
    response = as_person("intake_clerk").get("/cases", **params)

    assert response.status_code == 400
    assert response.json()["field"] == field


@pytest.mark.parametrize("limit", [0, 201, "many"])
def test_a_limit_outside_1_to_200_is_a_422(world, as_person, limit):
    response = as_person("intake_clerk").get("/cases", limit=limit)

    assert response.status_code == 422
    assert response.json() == {"detail": "参数 limit 缺失或格式无效", "field": "limit"}


def test_the_inbox_lists_the_callers_boxes_with_counts(world, clock, as_person):
    report(world)
    report(world)

    boxes = {box["code"]: box for box in as_person("intake_clerk").get("/inbox").json()}

    assert boxes["to_accept"] == {"code": "to_accept", "label": "待受理", "count": 2, "count_is_exact": True}
    assert "to_dispatch" not in boxes


def test_the_catalogue_is_searched_by_pinyin(world, as_person):
    response = as_person("grid_worker").get("/catalogue", q="bllj")

    assert response.json() == [{"kind": "matter", "kind_label": "事项", "code": "06010", "name": "暴露垃圾",
                                "major_code": "06", "major_name": "市容环境类",
                                "standard_ref": "GB/T 47678.5-2026"}]


def test_an_unknown_path_is_a_json_404(world, as_person):
    response = as_person("grid_worker").get("/nothing/here")

    assert response.status_code == 404
    assert response.json()["detail"] == "未找到"
