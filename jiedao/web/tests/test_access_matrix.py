"""The pages by persona: who is sent to the login, who sees a case (200) and who does not (404, as
for a number that does not exist), and for every action who is refused with nothing changed."""

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client

from jiedao.access_matrix import ORIGINAL_NUMBER, PERSONAS, TERRITORY, UNDISPATCHED, bring, seeing  # noqa: F401
from jiedao.cases import services
from jiedao.cases.models import Case, CaseEvent, CasePhoto, CaseRequest
from jiedao.cases.workflow import ACTIONS
from jiedao.conftest import grid_centre, make_upload, report

pytestmark = pytest.mark.django_db

MISSING = "2026-999999"
# action: (the state it is taken from, a person who may take it)
ACTION_CASES = {
    "accept": ("reported", "intake_clerk"), "send_to_verify": ("reported", "intake_clerk"),
    "verify": ("verifying", "inspector"), "file": ("accepted", "shift_lead"), "void": ("reported", "shift_lead"),
    "merge": ("duplicate", "intake_clerk"),
    "dispatch": ("filed", "dispatcher"), "request_return": ("handling", "handler"),
    "request_extension": ("handling", "department_admin"), "request_suspension": ("handling", "handler"),
    "request_void": ("handling", "handler"), "decide_return": ("pending_return", "dispatcher"),
    "decide_extension": ("pending_extension", "dispatcher"),
    "decide_suspension": ("pending_suspension", "dispatcher"), "decide_void": ("pending_void", "shift_lead"),
    "resume": ("suspended", "department_admin"), "report_fix": ("handling", "handler"),
    "assign_inspector": ("fixed", "intake_clerk"), "check": ("fixed", "inspector"), "close": ("checked", "shift_lead"),
    "review_self_handled": ("self_handled", "shift_lead"),
    "reject": ("reported", "intake_clerk"), "review_rejection": ("rejected", "shift_lead"),
    "supervise": ("handling", "area_leader"), "hand_down": ("filed", "leader"),
}
WRONG = [(code, who) for code, (state, _p) in ACTION_CASES.items()
         for who in sorted(seeing(state)) if PERSONAS[who] not in ACTIONS[code].roles]
BLIND = [(code, who) for code, (state, _p) in ACTION_CASES.items() for who in PERSONAS if who not in seeing(state)]


def form(world, code: str) -> dict:
    """A form that the permitted person's post would carry, so a refusal can only be the person's."""
    p = world.people
    data = {"send_to_verify": {"inspector": p.inspector.pk}, "verify": {"confirmed": "yes", "photos": make_upload()},
            "void": {"reason": "重复上报", "confirm": "yes"}, "dispatch": {"department": world.cleaning.pk},
            "request_extension": {"extra_value": "2", "extra_unit": "working_hours"},
            "report_fix": {"opinion": "已清运", "photos": make_upload()},
            "assign_inspector": {"inspector": p.grid_worker.pk}, "check": {"passed": "yes", "photos": make_upload()},
            }.get(code, {})
    if code.startswith("request_"):
        data["reason"] = "需协调产权单位"
    if code == "request_void":
        data["confirm"] = "yes"
    if code.startswith("decide_") or code == "review_self_handled":
        data["approve"] = "yes"
    if code == "merge":
        data = {"into": ORIGINAL_NUMBER, "reason": "重复上报"}
    if code == "reject":
        data = {"kind": "duplicate", "reason": "重复上报"}
    if code == "review_rejection":
        data = {"uphold": "yes"}
    if code == "supervise":
        data = {"note": "请加快处置", "due_at": "2026-11-20T17:00"}
    if code == "hand_down":
        data = {"department": world.cleaning.pk, "opinion": "请环卫所即办"}
    return data


def media_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def snapshot(case: Case) -> tuple:
    return (Case.objects.values().get(pk=case.pk), CaseEvent.objects.filter(case=case).count(),
            CaseRequest.objects.filter(case=case).count(), CasePhoto.objects.filter(case=case).count(), media_files())


def act(client: Client, case: Case, code: str, data: dict):
    version = Case.objects.get(pk=case.pk).version
    return client.post(f"/cases/{case.number}/act/{code}/", {"expected_version": version, **data})


def report_form(world, **fields) -> dict:
    lon, lat = grid_centre(0)
    return {"item": world.item.pk, "longitude": lon, "latitude": lat, "crs": "wgs84", "source": "patrol",
            "description": "路口成堆垃圾", "photos": make_upload(), **fields}


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def form_codes(response) -> list[str]:
    return [entry["action"].code for entry in response.context["forms"]]


def page_404(response, number: str) -> str:
    """The 404 page without what changes per request: the CSRF token and the requested address."""
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return body.replace(number, "NUMBER")


# ---------------------------------------------------------------- pages

@pytest.mark.parametrize(("method", "path"), [
    ("get", "/"), ("get", "/cases/{n}/"), ("get", f"/cases/{MISSING}/"), ("post", "/cases/{n}/act/accept/"),
    ("get", "/cases/new/"), ("post", "/cases/new/"), ("get", "/org/"), ("get", "/catalogue/search/?q=lj"),
])
def test_an_anonymous_visitor_is_sent_to_the_login_and_changes_nothing(world, clock, method, path):
    case = report(world)
    before = snapshot(case)
    path = path.format(n=case.number)

    response = getattr(Client(), method)(path, {"expected_version": case.version} if method == "post" else None)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={quote(path, safe='/')}"
    assert snapshot(case) == before
    assert Case.objects.count() == 1


@pytest.mark.parametrize("state", ["reported", "handling", "closed"])
def test_the_case_page_is_shown_exactly_to_the_people_in_scope(world, clock, as_user, state):
    case = bring(world, state)

    pages = {who: as_user(getattr(world.people, who)).get(f"/cases/{case.number}/") for who in PERSONAS}

    assert {who: r.status_code for who, r in pages.items()} == {
        who: 200 if who in seeing(state) else 404 for who in PERSONAS}
    hidden = {who: page_404(r, case.number) for who, r in pages.items() if r.status_code == 404}
    assert hidden == {who: page_404(as_user(getattr(world.people, who)).get(f"/cases/{MISSING}/"), MISSING)
                      for who in hidden}


@pytest.mark.parametrize("state", ["reported", "handling", "closed"])
def test_the_inbox_lists_the_case_exactly_for_the_people_in_scope(world, clock, as_user, state):
    case = bring(world, state)

    listed = {}
    for who in PERSONAS:
        response = as_user(getattr(world.people, who)).get("/", {"box": "all"})
        assert response.status_code == 200, who
        listed[who] = [row.number for row, _light in response.context["rows"]]

    assert listed == {who: [case.number] if who in seeing(state) else [] for who in PERSONAS}


@pytest.mark.parametrize("who", [*PERSONAS, "superuser"])
def test_the_organisation_page_is_for_the_leader_and_the_superuser_only(world, as_user, django_user_model, who):
    user = (django_user_model.objects.create_superuser(username="root", password="pass-1234")
            if who == "superuser" else getattr(world.people, who))

    response = as_user(user).get("/org/")

    assert response.status_code == (200 if who in {"leader", "superuser"} else 403)


@pytest.mark.parametrize("who", PERSONAS)
def test_the_report_page_is_for_reporting_roles_and_handlers_can_not_post(world, clock, as_user, who):
    client = as_user(getattr(world.people, who))
    handler = who in {"handler", "department_admin", "other_handler"}

    page = client.get("/cases/new/")
    posted = client.post("/cases/new/", report_form(world))

    assert page.status_code == (403 if handler else 200)
    assert posted.status_code == (403 if handler else 302)
    assert Case.objects.count() == (0 if handler else 1)


# ---------------------------------------------------------------- actions

def test_the_matrix_covers_every_action():
    assert set(ACTION_CASES) == set(ACTIONS)


@pytest.mark.parametrize(("code", "who"), WRONG, ids=[f"{c}-{w}" for c, w in WRONG])
def test_a_person_who_sees_the_case_but_may_not_act_gets_no_button_and_changes_nothing(
        world, clock, as_user, code, who):
    case = bring(world, ACTION_CASES[code][0])
    client = as_user(getattr(world.people, who))
    before = snapshot(case)

    page = client.get(f"/cases/{case.number}/")
    response = act(client, case, code, form(world, code))

    assert code not in form_codes(page)
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.number}/#action-{code}"
    assert messages_of(response) == [f"您无权对该案件执行“{ACTIONS[code].label}”"]
    assert snapshot(case) == before


@pytest.mark.parametrize(("code", "who"), BLIND, ids=[f"{c}-{w}" for c, w in BLIND])
def test_a_person_who_can_not_see_the_case_gets_404_and_changes_nothing(world, clock, as_user, code, who):
    case = bring(world, ACTION_CASES[code][0])
    before = snapshot(case)

    response = act(as_user(getattr(world.people, who)), case, code, form(world, code))

    assert response.status_code == 404
    assert snapshot(case) == before


@pytest.mark.parametrize("code", list(ACTION_CASES))
def test_the_permitted_person_gets_the_form_and_the_case_moves(world, clock, as_user, code):
    state, who = ACTION_CASES[code]
    case = bring(world, state)
    client = as_user(getattr(world.people, who))
    before = snapshot(case)

    page = client.get(f"/cases/{case.number}/")
    response = act(client, case, code, form(world, code))

    assert code in form_codes(page)
    assert (response.status_code, response["Location"]) == (302, f"/cases/{case.number}/")
    assert messages_of(response) == [f"已完成：{ACTIONS[code].label}"]
    after = snapshot(case)
    assert (after[0]["version"], after[1]) == (before[0]["version"] + 1, before[1] + 1)


# ---------------------------------------------------------------- bad input

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 400


@pytest.mark.parametrize(("fields", "max_bytes", "errors"), [
    ({"longitude": "abc"}, None, {"location": "坐标格式不正确"}),
    ({"longitude": "121.5", "latitude": "31.2"}, None, {"location": "该位置不在本街道的任何网格内"}),
    ({"longitude": "200", "latitude": "30.205"}, None, {"location": "经度 200.0 超出范围（-180 至 180）"}),
    ({"item": "999999"}, None, {"item": "请选择问题分类"}),
    ({"photos": "exe"}, None, {"photos": "文件“photo.jpg”不是可识别的照片（支持 JPEG、PNG、WebP、HEIC）"}),
    ({"photos": "big"}, 1024 * 1024, {"photos": "照片“big.jpg”太大（上限 1 MB）"}),
], ids=["longitude-abc", "outside-the-grids", "outside-the-globe", "unknown-category", "renamed-exe", "too-big"])
def test_a_bad_report_form_is_refused_with_a_message_and_writes_nothing(
        world, clock, as_user, settings, fields, max_bytes, errors):
    if max_bytes:
        settings.JIEDAO_PHOTO_MAX_BYTES = max_bytes
    photos = {"exe": make_upload(data=EXE), "big": make_upload("big.jpg", data=b"\xff" * (max_bytes or 0) + b"!")}
    data = report_form(world, **{name: photos.get(value, value) if name == "photos" else value
                                 for name, value in fields.items()})

    response = as_user(world.people.grid_worker).post("/cases/new/", data)

    assert (response.status_code, response.context["errors"]) == (400, errors)
    assert messages_of(response) == list(errors.values())
    assert (Case.objects.count(), CaseEvent.objects.count(), CasePhoto.objects.count(), media_files()) == (0, 0, 0, [])


@pytest.mark.parametrize(("state", "who", "code", "fields", "message"), [
    ("accepted", "shift_lead", "file", {"expected_version": 0}, "案件已被他人处理，请刷新后重试"),
    ("accepted", "shift_lead", "file", {"expected_version": "v1"}, "表单已失效，请刷新页面后重试"),
    ("filed", "dispatcher", "dispatch", {"department": "999999"}, "请选择职能部门"),
], ids=["stale-version", "garbled-version", "unknown-department"])
def test_a_bad_action_form_is_refused_with_a_message_and_changes_nothing(
        world, clock, as_user, state, who, code, fields, message):
    case = bring(world, state)
    before = snapshot(case)

    response = act(as_user(getattr(world.people, who)), case, code, {**form(world, code), **fields})

    if code == "dispatch":  # a refused input: the page again, the form as it was sent (issue 10, point 12)
        assert response.status_code == 400
    else:  # a stale or garbled form: the page as it is now
        assert (response.status_code, response["Location"]) == (302, f"/cases/{case.number}/#action-{code}")
    assert messages_of(response) == [message]
    assert snapshot(case) == before


@pytest.mark.parametrize(("setup", "steps"), [
    (lambda w: services.case_accept(case=report(w, item=w.no_rule_item), by=w.people.intake_clerk),  # no rule
     [("shift_lead", "file", {"deadline_value": str(10**9), "deadline_unit": "working_days"}),
      ("dispatcher", "dispatch", {})]),
    (lambda w: bring(w, "handling"), [("handler", "request_extension", {"extra_value": str(10**12)}),
                                      ("dispatcher", "decide_extension", {})]),
], ids=["deadline", "extension"])
def test_an_absurd_time_limit_in_a_form_never_leads_to_a_500(world, clock, as_user, setup, steps):
    case = setup(world)

    statuses = []
    for who, code, fields in steps:
        client = as_user(getattr(world.people, who))
        client.raise_request_exception = False
        statuses.append(act(client, case, code, {**form(world, code), **fields}).status_code)

    assert 500 not in statuses
    # The absurd limit is refused where it is typed: nothing moves on.
    case.refresh_from_db()
    assert case.state in {"accepted", "handling"}
    assert case.requests.count() == 0
