"""The pages and the phone's endpoints through HTTP."""

import json
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from jiedao import clock as domain_clock
from jiedao.cases.models import Case, CaseSource
from jiedao.conftest import make_upload
from jiedao.rivers import services
from jiedao.rivers.models import LetterState, ProblemHandling, RiverPatrol, RiverProblem, RiverWork, WorkKind
from jiedao.rivers.selectors import compliance_map

from .conftest import LAT, patrol_walk, walk


def post_json(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_a_patrol_from_the_phone_start_to_submit(river, world, clock, client):
    client.force_login(river.people.chief)
    client_id = str(uuid.uuid4())
    started = post_json(client, reverse("rivers:api-start"), {"client_id": client_id, "segment": river.segment.pk,
                                                              "chief": river.chief.pk,
                                                              "started_at": domain_clock.now().timestamp()})
    assert started.status_code == 201
    assert post_json(client, reverse("rivers:api-start"), {"client_id": client_id, "segment": river.segment.pk,
                                                           "chief": river.chief.pk}).status_code == 200
    points = walk(river.segment.min_lon, minutes=35, start=domain_clock.now())
    clock.shift(timedelta(minutes=36))
    client.force_login(river.people.chief)  # a new sign-in after the idle timeout
    url = reverse("rivers:api-points", args=[client_id])
    sent = post_json(client, url, {"key": "batch-0001", "crs": "wgs84", "points": points})
    assert (sent.status_code, sent.json()["accepted"]) == (200, 36)
    again = post_json(client, url, {"key": "batch-0001", "crs": "wgs84", "points": points})
    assert again["Idempotent-Replayed"] == "true"
    problem = client.post(reverse("rivers:api-problem", args=[client_id]), {
        "key": "problem-0001", "description": "新增排污口", "handling": ProblemHandling.CASE,
        "category": world.item.pk, "longitude": river.segment.min_lon, "latitude": LAT, "photos": make_upload()})
    assert problem.status_code == 201
    case = Case.objects.get(source=CaseSource.RIVER_PATROL)
    submitted = post_json(client, reverse("rivers:api-submit", args=[client_id]), {"answers": {}, "note": "巡河正常"})
    assert submitted.status_code == 200
    assert submitted.json()["validity"] == "valid"
    replay = post_json(client, reverse("rivers:api-submit", args=[client_id]), {"answers": {}, "note": "巡河正常"})
    assert (replay.status_code, replay["Idempotent-Replayed"]) == (200, "true")
    patrol = RiverPatrol.objects.get()
    assert (patrol.point_count, patrol.note, patrol.problems.get().case) == (36, "巡河正常", case)


def test_a_bad_batch_is_refused_with_a_message_and_nothing_kept(river, clock, client):
    client.force_login(river.people.chief)
    client_id = str(uuid.uuid4())
    post_json(client, reverse("rivers:api-start"), {"client_id": client_id, "segment": river.segment.pk})
    response = post_json(client, reverse("rivers:api-points", args=[client_id]), {"key": "batch-0001",
                                                                                 "points": [[1, 2]]})
    assert response.status_code == 400
    assert response.json()["detail"] == "轨迹点格式不正确，应为 [经度, 纬度, 时间] 的列表"
    assert RiverPatrol.objects.get().point_count == 0


def test_someone_elses_patrol_answers_like_none(river, clock, client):
    client.force_login(river.people.chief)
    client_id = str(uuid.uuid4())
    post_json(client, reverse("rivers:api-start"), {"client_id": client_id, "segment": river.segment.pk})
    client.force_login(river.people.assistant)
    response = post_json(client, reverse("rivers:api-submit", args=[client_id]), {})
    assert response.status_code == 404
    assert RiverPatrol.objects.get().submitted_at is None


def test_the_map_colours_each_segment_by_this_weeks_patrols(river, clock, client):
    patrol_walk(by=river.people.chief, segment=river.segment, minutes=35, clock=clock)
    patrol_walk(by=river.people.other_chief, segment=river.other_segment, minutes=5, clock=clock)
    found = compliance_map(user=river.people.office, now=domain_clock.now())
    features = json.loads(found.collection_json)["features"]
    assert {f["properties"]["code"]: f["properties"]["status"] for f in features} == {
        "HQ01-01": "done", "HQ01-02": "not_counting"}
    clock.shift(timedelta(days=7))
    found = compliance_map(user=river.people.office, now=domain_clock.now())
    assert found.counts == {"done": 0, "not_counting": 0, "missed": 2}
    client.force_login(river.people.office)
    page = client.get(reverse("rivers:map")).content.decode()
    assert 'data-figure="missed">2<' in page


def test_the_chief_reads_done_for_the_week_once_a_patrol_counts(river, clock, client):
    client.force_login(river.people.office)
    row = f'data-chief="{river.chief.pk}"'
    page = client.get(reverse("rivers:chief-list")).content.decode()
    assert 'data-compliance="due"' in page.split(row)[1].split("</tr>")[0]
    patrol_walk(by=river.people.chief, segment=river.segment, minutes=35, clock=clock)
    client.force_login(river.people.office)
    page = client.get(reverse("rivers:chief-list")).content.decode()
    assert 'data-compliance="done"' in page.split(row)[1].split("</tr>")[0]


def test_the_monthly_log_lists_the_official_fields(river, world, clock, client):
    patrol = patrol_walk(by=river.people.chief, segment=river.segment, minutes=35, clock=clock)
    services.river_problem_record(by=river.people.chief, patrol=patrol, key="problem-0001", description="漂浮垃圾",
                                  longitude=river.segment.min_lon, latitude=LAT,
                                  handling=ProblemHandling.FIXED_ON_SITE, measure="已打捞")
    client.force_login(river.people.chief)
    page = client.get(reverse("rivers:chief-log", args=[river.chief.pk]), {"month": "2026-11"}).content.decode()
    for words in ("巡查日期", "2026-11-17", "巡查河段", "桃源段", "起点和止点", "检查情况", "污水直排口：正常",
                  "发现问题", "漂浮垃圾", "处理情况", "当场处理：已打捞", "rivers/print.css"):
        assert words in page
    assert client.get(reverse("rivers:chief-log", args=[river.chief.pk]), {"month": "2026-13"}).status_code == 400


def test_the_office_follows_a_letter_on_its_page(river, clock, client):
    patrol, _created = services.river_patrol_start(by=river.people.chief, client_id=uuid.uuid4(),
                                                   segment=river.segment)
    services.river_problem_record(by=river.people.chief, patrol=patrol, key="problem-0001", description="涉水违建",
                                  longitude=river.segment.min_lon, latitude=LAT, handling=ProblemHandling.LETTER)
    letter = RiverProblem.objects.get().letter
    client.force_login(river.people.office)
    url = reverse("rivers:letter-act", args=[letter.pk])
    refused = client.post(url, {"action": "report", "reason": ""})
    assert refused.status_code == 400
    assert "请填写说明" in refused.content.decode()
    assert client.post(url, {"action": "accept"}).status_code == 302
    letter.refresh_from_db()
    assert letter.state == LetterState.ACCEPTED
    client.force_login(river.people.chief)
    assert client.post(url, {"action": "report", "reason": "x"}).status_code == 403


def test_works_record_what_was_done(river, client):
    work = services.river_work_plan(by=river.people.office, segment=river.segment, kind=WorkKind.DREDGING,
                                    title="桃源段清淤", planned_start=date(2026, 11, 1), planned_end=date(2026, 11, 30),
                                    volume_m3="1200")
    client.force_login(river.people.office)
    assert client.post(reverse("rivers:work-record", args=[work.pk]), {"volume": "abc"}).status_code == 400
    response = client.post(reverse("rivers:work-record", args=[work.pk]),
                           {"volume": "800.5", "weight": "0", "done_on": ""})
    assert response.status_code == 302
    work = RiverWork.objects.get()
    assert (work.done_volume_m3, work.share_done) == (Decimal("800.5"), pytest.approx(0.667, abs=0.001))


@pytest.mark.parametrize("name", ["rivers:map", "rivers:segment-list", "rivers:chief-list", "rivers:letter-list",
                                  "rivers:work-list"])
def test_the_office_pages_open(river, client, name):
    client.force_login(river.people.chief)
    assert client.get(reverse(name)).status_code == 200


def test_the_phone_pages_open(river, client):
    client.force_login(river.people.assistant)
    start = client.get(reverse("rivers:field-start")).content.decode()
    assert f'href="/field/rivers/{river.segment.pk}/?chief={river.chief.pk}"' in start
    page = client.get(reverse("rivers:field-patrol", args=[river.segment.pk]), {"chief": river.chief.pk})
    assert page.status_code == 200
    assert "污水直排口" in page.content.decode()
    assert client.get(reverse("rivers:field-patrol", args=[river.other_segment.pk])).status_code == 404


def test_the_log_prints_to_pdf(river, clock, client):
    patrol_walk(by=river.people.chief, segment=river.segment, minutes=35, clock=clock)
    client.force_login(river.people.chief)
    response = client.get(reverse("rivers:chief-log", args=[river.chief.pk]), {"month": "2026-11", "format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_segments_name_cannot_break_out_of_the_maps_data(river, client):
    river.segment.name = "</script><script>alert(1)</script>"
    river.segment.save(update_fields=["name"])
    client.force_login(river.people.office)
    page = client.get(reverse("rivers:map")).content.decode()
    assert "<script>alert(1)" not in page
    assert "\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)" in page
