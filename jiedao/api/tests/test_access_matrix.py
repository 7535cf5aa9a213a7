"""The API by persona: 401 without a key, a case read and listed exactly by the people in scope
(404 otherwise, as for a number that does not exist), every action refused with 403 to the wrong
person and 404 to one who cannot see the case, and bad input refused with nothing written."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from jiedao.access_matrix import ORIGINAL_NUMBER, PERSONAS, TERRITORY, UNDISPATCHED, bring, seeing  # noqa: F401
from jiedao.cases import services
from jiedao.cases.models import Case, CaseEvent, CasePhoto, CaseRequest
from jiedao.cases.workflow import ACTIONS
from jiedao.conftest import make_upload, report

from .conftest import report_fields

pytestmark = pytest.mark.django_db

MISSING = "2026-999999"
NOT_FOUND = {"detail": "未找到", "field": None}


# action: (the state it is taken from, a person who may take it, the state after)
ACTION_CASES = {
    "accept": ("reported", "intake_clerk", "accepted"), "send_to_verify": ("reported", "shift_lead", "verifying"),
    "verify": ("verifying", "grid_worker", "accepted"), "file": ("accepted", "shift_lead", "filed"),
    "void": ("reported", "shift_lead", "voided"), "merge": ("duplicate", "intake_clerk", "voided"),
    "dispatch": ("filed", "dispatcher", "handling"),
    "request_return": ("handling", "department_admin", "handling"),
    "request_extension": ("handling", "handler", "handling"),
    "request_suspension": ("handling", "handler", "handling"), "request_void": ("handling", "handler", "handling"),
    "decide_return": ("pending_return", "dispatcher", "filed"),
    "decide_extension": ("pending_extension", "dispatcher", "handling"),
    "decide_suspension": ("pending_suspension", "dispatcher", "suspended"),
    "decide_void": ("pending_void", "shift_lead", "voided"), "resume": ("suspended", "dispatcher", "handling"),
    "report_fix": ("handling", "department_admin", "fixed"), "assign_inspector": ("fixed", "shift_lead", "fixed"),
    "check": ("fixed", "grid_worker", "checked"), "close": ("checked", "shift_lead", "closed"),
    "review_self_handled": ("self_handled", "shift_lead", "closed"),
    "reject": ("reported", "intake_clerk", "voided"), "review_rejection": ("rejected", "shift_lead", "voided"),
    "supervise": ("handling", "area_leader", "handling"), "hand_down": ("filed", "leader", "handling"),
}
WRONG = [(code, who) for code, (state, _p, _s) in ACTION_CASES.items()
         for who in sorted(seeing(state)) if PERSONAS[who] not in ACTIONS[code].roles]
BLIND = [(code, who) for code, (state, _p, _s) in ACTION_CASES.items() for who in PERSONAS if who not in seeing(state)]


def body(code: str) -> dict:
    """A body the permitted person's call would carry, so a refusal can only be the person's."""
    data = {"send_to_verify": {"inspector": "inspector"}, "verify": {"confirmed": "true", "photos": make_upload()},
            "void": {"reason": "重复上报"}, "merge": {"into": ORIGINAL_NUMBER, "reason": "重复上报"},
            "dispatch": {"department_code": "D02"},
            "request_extension": {"extra_minutes": "60"}, "report_fix": {"opinion": "已清运", "photos": make_upload()},
            "assign_inspector": {"inspector": "inspector"}, "check": {"passed": "true", "photos": make_upload()},
            "reject": {"kind": "duplicate", "reason": "重复上报"}, "review_rejection": {"uphold": "true"},
            "supervise": {"note": "请加快处置", "due_at": "2026-11-20T17:00:00+08:00"},
            "hand_down": {"department_code": "D02", "opinion": "请环卫所即办"},
            }.get(code, {})
    if code.startswith("request_"):
        data["reason"] = "需协调产权单位"
    if code.startswith("decide_") or code == "review_self_handled":
        data["approve"] = "true"
    return data


def media_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def snapshot(case: Case) -> tuple:
    return (Case.objects.values().get(pk=case.pk), CaseEvent.objects.filter(case=case).count(),
            CaseRequest.objects.filter(case=case).count(), CasePhoto.objects.filter(case=case).count(), media_files())


def written() -> tuple:
    return Case.objects.count(), CaseEvent.objects.count(), CasePhoto.objects.count(), media_files()


# ---------------------------------------------------------------- who is calling

ENDPOINTS = [("get", "/cases"), ("get", "/cases/{n}"), ("get", f"/cases/{MISSING}"), ("post", "/cases"),
             ("get", "/inbox"), ("get", "/catalogue?q=lj"),
             *[("post", f"/cases/{{n}}/actions/{code}") for code in ACTIONS]]


@pytest.mark.parametrize("header", [None, "Bearer jd_not-a-key", "Basic Z3JpZF93b3JrZXI6cGFzcy0xMjM0"])
@pytest.mark.parametrize(("method", "path"), ENDPOINTS, ids=[f"{m}-{p}" for m, p in ENDPOINTS])
def test_an_unauthenticated_call_gets_401_and_changes_nothing(world, clock, header, method, path):
    case = report(world)
    before = snapshot(case)
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", **extra)

    response = getattr(client, method)("/api/v1" + path.format(n=case.number),
                                       report_fields() if path == "/cases" and method == "post" else None)

    assert response.status_code == 401
    assert response.json() == {"detail": "请先登录，或在 Authorization 头中提供有效的 API 令牌", "field": None}
    assert snapshot(case) == before
    assert Case.objects.count() == 1


@pytest.mark.parametrize("state", ["reported", "handling", "closed"])
def test_a_case_is_read_exactly_by_the_people_in_scope(world, clock, as_person, state):
    case = bring(world, state)

    answers = {who: as_person(who).get(f"/cases/{case.number}") for who in PERSONAS}

    assert {who: r.status_code for who, r in answers.items()} == {
        who: 200 if who in seeing(state) else 404 for who in PERSONAS}
    assert {r.json()["number"] for r in answers.values() if r.status_code == 200} == {case.number}
    assert {who: r.json() for who, r in answers.items() if r.status_code == 404} == {
        who: as_person(who).get(f"/cases/{MISSING}").json() for who in PERSONAS if who not in seeing(state)}
    assert as_person("other_secretary").get(f"/cases/{MISSING}").json() == NOT_FOUND


@pytest.mark.parametrize("state", ["reported", "handling", "closed"])
def test_the_case_list_shows_the_case_exactly_to_the_people_in_scope(world, clock, as_person, state):
    case = bring(world, state)

    listed = {}
    for who in PERSONAS:
        response = as_person(who).get("/cases", limit=200)
        assert response.status_code == 200, who
        listed[who] = [item["number"] for item in response.json()["items"]]

    assert listed == {who: [case.number] if who in seeing(state) else [] for who in PERSONAS}


# ---------------------------------------------------------------- actions

def test_the_matrix_covers_every_action():
    assert set(ACTION_CASES) == set(ACTIONS)


@pytest.mark.parametrize(("code", "who"), WRONG, ids=[f"{c}-{w}" for c, w in WRONG])
def test_a_person_who_sees_the_case_but_may_not_act_gets_403_and_changes_nothing(world, clock, as_person, code, who):
    case = bring(world, ACTION_CASES[code][0])
    before = snapshot(case)

    offered = as_person(who).get(f"/cases/{case.number}").json()["actions"]
    response = as_person(who).act(case.number, code, expected_version=case.version, **body(code))

    assert code not in offered
    assert response.status_code == 403
    assert response.json() == {"detail": f"您无权对该案件执行“{ACTIONS[code].label}”", "field": None}
    assert snapshot(case) == before


@pytest.mark.parametrize(("code", "who"), BLIND, ids=[f"{c}-{w}" for c, w in BLIND])
def test_a_person_who_can_not_see_the_case_gets_404_and_changes_nothing(world, clock, as_person, code, who):
    case = bring(world, ACTION_CASES[code][0])
    before = snapshot(case)

    response = as_person(who).act(case.number, code, expected_version=case.version, **body(code))

    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert snapshot(case) == before


@pytest.mark.parametrize("code", list(ACTION_CASES))
def test_the_permitted_person_is_offered_the_action_and_the_case_moves(world, clock, as_person, code):
    state, who, after = ACTION_CASES[code]
    case = bring(world, state)
    events = CaseEvent.objects.filter(case=case).count()

    offered = as_person(who).get(f"/cases/{case.number}").json()["actions"]
    response = as_person(who).act(case.number, code, expected_version=case.version, **body(code))

    assert code in offered
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["version"]) == (after, case.version + 1)
    assert CaseEvent.objects.filter(case=case).count() == events + 1


# ---------------------------------------------------------------- bad input

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 400


@pytest.mark.parametrize(("fields", "max_bytes", "error"), [
    ({"longitude": "abc"}, None, ("坐标格式不正确", "location")),
    ({"longitude": "121.5", "latitude": "31.2"}, None, ("该位置不在本街道的任何网格内", "location")),
    ({"longitude": "200"}, None, ("经度 200.0 超出范围（-180 至 180）", "location")),
    ({"item_code": "99999"}, None, ("未知的问题分类：99999", "item_code")),
    ({"photos": "exe"}, None, ("文件“photo.jpg”不是可识别的照片（支持 JPEG、PNG、WebP、HEIC）", "photos")),
    ({"photos": "big"}, 1024 * 1024, ("照片“big.jpg”太大（上限 1 MB）", "photos")),
], ids=["longitude-abc", "outside-the-grids", "outside-the-globe", "unknown-category", "renamed-exe", "too-big"])
def test_a_bad_report_is_a_400_with_the_reason_and_writes_nothing(
        world, clock, as_person, settings, fields, max_bytes, error):
    if max_bytes:
        settings.JIEDAO_PHOTO_MAX_BYTES = max_bytes
    photos = {"exe": make_upload(data=EXE), "big": make_upload("big.jpg", data=b"\xff" * (max_bytes or 0) + b"!")}

    response = as_person("grid_worker").post("/cases", report_fields(
        **{name: photos.get(value, value) if name == "photos" else value for name, value in fields.items()}))

    assert (response.status_code, response.json()) == (400, {"detail": error[0], "field": error[1]})
    assert written() == (0, 0, 0, [])


@pytest.mark.parametrize(("state", "who", "code", "fields", "status", "answer"), [
    ("reported", "intake_clerk", "accept", {"expected_version": "0"}, 409,
     {"detail": "案件已被他人处理，请刷新后重试", "field": None}),
    ("filed", "dispatcher", "dispatch", {"department_code": "D99"}, 400,
     {"detail": "未知的职能部门：D99", "field": "department_code"}),
    ("filed", "dispatcher", "dispatch", {"territorial_owner_code": "X1"}, 400,
     {"detail": "未知的属地责任单位：X1", "field": "territorial_owner_code"}),
    ("reported", "intake_clerk", "accept", {"expected_version": "abc"}, 422, None),
], ids=["stale-version", "unknown-department", "unknown-territorial-owner", "garbled-version"])
def test_a_bad_action_is_refused_with_the_reason_and_changes_nothing(
        world, clock, as_person, state, who, code, fields, status, answer):
    case = bring(world, state)
    before = snapshot(case)

    response = as_person(who).act(case.number, code, **{**body(code), **fields})

    assert response.status_code == status
    assert answer is None or response.json() == answer
    assert snapshot(case) == before


def _without_rule(world) -> Case:
    """Accepted, in a category without a case rule: the shift lead sets the time limit by hand."""
    return services.case_accept(case=report(world, item=world.no_rule_item), by=world.people.intake_clerk)


@pytest.mark.parametrize(("setup", "steps"), [
    (_without_rule, [("shift_lead", "file", {"deadline_value": "-5", "deadline_unit": "working_hours"})]),
    (_without_rule, [("shift_lead", "file", {"deadline_value": str(10**9), "deadline_unit": "working_days"}),
                     ("dispatcher", "dispatch", {})]),
    (lambda w: bring(w, "handling"), [("handler", "request_extension", {"extra_minutes": str(10**12)}),
                                      ("dispatcher", "decide_extension", {})]),
    (lambda w: bring(w, "handling"), [("handler", "request_extension", {"extra_minutes": str(10**20)})]),
], ids=["negative-deadline", "deadline-of-1e9-days", "extension-of-1e12-minutes", "extension-of-1e20-minutes"])
def test_an_absurd_time_limit_is_refused_not_a_500(world, clock, as_person, setup, steps):
    case = setup(world)

    statuses = []
    for who, code, fields in steps:
        client = as_person(who)
        client.client.raise_request_exception = False  # as a phone app sees it: a crash is a 500 answer
        statuses.append(client.act(case.number, code, **{**body(code), **fields}).status_code)

    assert 500 not in statuses
    assert statuses[0] == 400  # refused where it is typed
    case.refresh_from_db()
    assert case.state in {"accepted", "handling"}
    assert case.requests.count() == 0
