"""One rule for residents' contact data (个人信息保护, cases/contact.py), in every representation:
the command centre sees it masked and may reveal it (logged, never cached), the office's leaders
see it masked, everyone else — departments, grid workers, inspectors, secretaries — sees nothing."""

import io
import json
import zipfile

import pytest
from django.test import Client

from jiedao.api.services import api_token_issue
from jiedao.audit.models import EventKind, SecurityEvent
from jiedao.cases import services
from jiedao.cases.models import CaseSource

from .conftest import report, walk_to

pytestmark = pytest.mark.django_db

NAME, PHONE = "张三丰", "13912345678"
UPDATER, UPDATER_EMAIL = "李四", "lisi@example.com"
FULL = (NAME, PHONE, UPDATER, UPDATER_EMAIL)
MASKED = ("张**", "139****5678", "李*", "l***@example.com")

NOTHING = ["handler", "department_admin", "grid_worker", "inspector", "secretary", "area_leader"]
MASKED_ONLY = ["leader"]
MAY_REVEAL = ["intake_clerk", "shift_lead", "dispatcher"]


@pytest.fixture
def case(world, clock):
    """A hotline case with the resident's name and phone, a resident's update with an email,
    dispatched to 环卫所 (so its handler works on it)."""
    reported = report(world, by=world.people.intake_clerk, source=CaseSource.HOTLINE, reporter_name=NAME,
                      reporter_phone=PHONE)
    services.case_resident_update(case=reported, text="又多了", name=UPDATER, contact=UPDATER_EMAIL)
    return walk_to(world, reported, "handling")


def signed_in(world, name) -> Client:
    client = Client()
    client.force_login(getattr(world.people, name))
    return client


def api(world, name) -> Client:
    _token, key = api_token_issue(user=getattr(world.people, name), name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def shown(text: str) -> tuple[set, set]:
    return {value for value in FULL if value in text}, {value for value in MASKED if value in text}


def test_the_masks():
    from jiedao.cases.contact import mask_email, mask_name, mask_phone

    assert (mask_phone(PHONE), mask_email(UPDATER_EMAIL), mask_name(NAME), mask_name("张三")) == (
        "139****5678", "l***@example.com", "张**", "张*")
    assert (mask_phone(""), mask_phone("12345"), mask_email("x"), mask_name("")) == ("", "***45", "x***", "")


@pytest.mark.parametrize("person", NOTHING)
def test_departments_and_field_staff_see_no_contact_on_the_page_or_in_the_api(world, case, person):
    page = signed_in(world, person).get(f"/cases/{case.number}/")
    answer = api(world, person).get(f"/api/v1/cases/{case.number}")

    assert (page.status_code, answer.status_code) == (200, 200)
    assert shown(page.content.decode()) == (set(), set())
    assert shown(answer.content.decode()) == (set(), set())
    data = answer.json()
    assert (data["reporter_name"], data["reporter_phone"], data["contact_access"]) == ("受理员小陈", "", "none")
    update = next(event for event in data["timeline"] if event["action"] == "public_update")
    assert (update["data"], update["resident_contact"], update["actor_name"]) == ({"public": True}, None, "群众")


@pytest.mark.parametrize("person", MASKED_ONLY + MAY_REVEAL)
def test_the_command_centre_and_leaders_see_it_masked(world, case, person):
    page = signed_in(world, person).get(f"/cases/{case.number}/").content.decode()
    data = api(world, person).get(f"/api/v1/cases/{case.number}").json()

    assert shown(page) == (set(), set(MASKED))
    assert (data["reporter_phone"], data["contact_access"]) == (
        "139****5678", "reveal" if person in MAY_REVEAL else "masked")
    update = next(event for event in data["timeline"] if event["action"] == "public_update")
    assert update["resident_contact"] == {"name": "李*", "phone": "l***@example.com", "email": "", "is_masked": True}
    assert ("显示完整联系方式" in page) is (person in MAY_REVEAL)


@pytest.mark.parametrize("person", MAY_REVEAL)
def test_showing_it_in_full_is_a_post_logged_each_time_and_never_cached(world, case, person):
    client = signed_in(world, person)

    first = client.post(f"/cases/{case.number}/contact/")
    second = api(world, person).post(f"/api/v1/cases/{case.number}/contact")

    assert (first.status_code, second.status_code) == (200, 200)
    assert shown(first.content.decode())[0] == set(FULL)
    assert second.json()["reporter"] == {"name": NAME, "phone": PHONE, "email": "", "is_masked": False}
    assert [(u["name"], u["phone"]) for u in second.json()["updates"]] == [(UPDATER, UPDATER_EMAIL)]
    for response in (first, second):
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    logged = SecurityEvent.objects.filter(kind=EventKind.CONTACT_REVEALED).order_by("id")
    assert [(row.actor_name, row.target, row.target_label) for row in logged] == [
        (person, f"cases.case:{case.pk}", case.number)] * 2
    assert client.get(f"/cases/{case.number}/contact/").status_code == 405


@pytest.mark.parametrize("person", MASKED_ONLY + NOTHING)
def test_nobody_else_may_reveal_it_and_nothing_is_logged(world, case, person):
    page = signed_in(world, person).post(f"/cases/{case.number}/contact/")
    answer = api(world, person).post(f"/api/v1/cases/{case.number}/contact")

    assert (page.status_code, answer.status_code) == (403, 403)
    assert shown(page.content.decode()) == shown(answer.content.decode()) == (set(), set())
    assert not SecurityEvent.objects.filter(kind=EventKind.CONTACT_REVEALED).exists()


def test_someone_who_cannot_see_the_case_is_told_it_does_not_exist(world, case):
    assert signed_in(world, "other_handler").post(f"/cases/{case.number}/contact/").status_code == 404
    assert api(world, "other_handler").post(f"/api/v1/cases/{case.number}/contact").status_code == 404


@pytest.mark.parametrize("person", ["dispatcher", "leader", "handler"])
def test_the_excel_list_never_carries_contacts(world, case, person):
    response = signed_in(world, person).get("/cases/export.xlsx", {"box": "all"})

    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    with zipfile.ZipFile(io.BytesIO(body)) as workbook:
        text = "".join(workbook.read(name).decode() for name in workbook.namelist() if name.endswith(".xml"))
    assert case.number in text
    assert shown(text) == (set(), set())


def test_open311_never_shows_contacts(world, case, client):
    texts = [client.get(path).content.decode() for path in (
        "/open311/v2/requests.json", "/open311/v2/requests.xml", f"/open311/v2/requests/{case.number}.json",
        f"/open311/v2/requests/{case.number}.xml")]

    for text in texts:
        assert shown(text) == (set(), set())


def test_the_field_app_never_shows_contacts(world, case):
    grid_worker = signed_in(world, "grid_worker")

    texts = [grid_worker.get(path).content.decode() for path in ("/field/", "/field/queue/")]

    for text in texts:
        assert shown(text) == (set(), set())


def test_the_admin_shows_contacts_masked_at_most(world, case, django_user_model):
    admin = django_user_model.objects.create_superuser(username="root", password="pass-1234")
    client = Client()
    client.force_login(admin)

    listing = client.get("/admin/cases/case/").content.decode()
    detail = client.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    events = client.get("/admin/cases/caseevent/").content.decode()
    event = case.events.get(action="public_update")
    event_page = client.get(f"/admin/cases/caseevent/{event.pk}/change/").content.decode()

    assert shown(listing) == shown(events) == shown(event_page) == (set(), set())
    assert shown(detail) == (set(), {"张**", "139****5678"})
    assert json.dumps(event.data) == '{"public": true}'


def _zip_text(body: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return "".join(archive.read(name).decode("utf-8", "ignore") for name in archive.namelist()
                       if name.endswith(".xml"))


def test_the_register_and_the_bulletin_never_carry_contacts(world, case):
    leader = signed_in(world, "leader")

    register = leader.get("/accountability/")
    bulletin = leader.get("/bulletin/", {"format": "docx"})

    assert (register.status_code, bulletin.status_code) == (200, 200)
    assert shown(register.content.decode()) == (set(), set())
    body = b"".join(bulletin.streaming_content) if bulletin.streaming else bulletin.content
    assert shown(_zip_text(body)) == (set(), set())
