"""安全审计: the security auditor reads the log (filtered, paginated, newest first) and exports it;
they change nothing and see no case. Everyone else gets 403 (superusers may read too)."""

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from jiedao import clock as domain_clock
from jiedao.access_matrix import PERSONAS
from jiedao.audit.models import EventKind, Outcome, SecurityEvent
from jiedao.audit.services import security_event_record
from jiedao.conftest import report
from jiedao.territory.models import Duty, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(world, django_user_model):
    user = django_user_model.objects.create_user(username="auditor", password="pass-1234", full_name="审计员")
    Duty.objects.create(user=user, role=Role.AUDITOR, unit=world.subdistrict)
    return user


def _with_address(name: str, address: str):
    from django.test import RequestFactory

    request = RequestFactory().post("/login/", REMOTE_ADDR=address, HTTP_USER_AGENT="curl/8")
    return security_event_record(kind=EventKind.SIGN_IN_FAILED, request=request, actor_name=name,
                                 outcome=Outcome.FAILURE, target_label=name)


def _rows(page) -> int:
    return page.content.decode().split('<tbody>', 1)[1].split('</tbody>', 1)[0].count('<tr data-kind=')


def test_the_auditor_signs_in_to_the_log(client, auditor):
    answer = client.post("/login/", {"username": "auditor", "password": "pass-1234"})

    assert (answer.status_code, answer.url) == (302, "/audit/")
    page = client.get("/audit/")
    assert page.status_code == 200
    assert "登录成功" in page.content.decode()


def test_the_log_is_filtered_by_kind_person_address_outcome_and_period(client, auditor, clock):
    with domain_clock.frozen(domain_clock.now() - timedelta(days=3)):
        _with_address("old-guess", "10.6.6.6")
    _with_address("mallory", "10.6.6.6")
    _with_address("mallory", "10.7.7.7")
    security_event_record(kind=EventKind.EXPORT, actor=auditor, target="x.xlsx")
    client.force_login(auditor)

    assert _rows(client.get("/audit/", {"kind": "sign_in_failed"})) == 3
    assert _rows(client.get("/audit/", {"person": "mallory"})) == 2
    assert _rows(client.get("/audit/", {"address": "10.7.7.7"})) == 1
    assert _rows(client.get("/audit/", {"outcome": "failure"})) == 3
    assert _rows(client.get("/audit/", {"since": "2026-11-17", "kind": "sign_in_failed"})) == 2
    assert _rows(client.get("/audit/", {"until": "2026-11-14"})) == 1
    # Nonsense in the query is ignored, never an error.
    assert client.get("/audit/", {"since": "yesterday", "address": "not-an-ip", "kind": "x"}).status_code == 200


def test_the_log_is_paginated_newest_first(client, auditor, clock):
    for number in range(55):
        _with_address(f"user{number:02d}", "10.6.6.6")
        clock.shift(timedelta(seconds=1))
    client.force_login(auditor)

    first = client.get("/audit/", {"kind": "sign_in_failed"}).content.decode()
    second = client.get("/audit/", {"kind": "sign_in_failed", "page": 2}).content.decode()

    assert first.count("<tr data-kind=") == 50
    assert first.index("user54") < first.index("user53")
    assert second.count("<tr data-kind=") == 5
    assert "user00" in second


def test_the_export_is_the_filtered_list_as_text_cells_and_is_itself_logged(client, auditor):
    _with_address('=HYPERLINK("http://evil","x")', "10.6.6.6")
    _with_address("mallory", "10.7.7.7")
    client.force_login(auditor)

    response = client.get("/audit/export.xlsx", {"address": "10.6.6.6"}, REMOTE_ADDR="10.8.8.8")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    # Quoted (reports/cells.py): text that a spreadsheet would never turn into a formula, even once edited.
    assert [(row[1], row[3], row[4]) for row in rows] == [("登录失败", '\'=HYPERLINK("http://evil","x")', "10.6.6.6")]
    assert sheet.cell(row=5, column=4).data_type == "s"
    export = SecurityEvent.objects.get(kind=EventKind.EXPORT)
    assert (export.actor_name, export.address) == ("auditor", "10.8.8.8")
    assert export.detail["rows"] == 1 and export.detail["filter"] == {"address": "10.6.6.6"}


def test_the_page_offers_nothing_that_writes_and_refuses_a_post(client, auditor):
    _with_address("mallory", "10.6.6.6")
    client.force_login(auditor)

    page = client.get("/audit/").content.decode()

    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    assert 'method="post"' not in main.lower()
    assert client.post("/audit/", {"delete": "1"}).status_code == 405
    assert SecurityEvent.objects.filter(actor_name="mallory").count() == 1


def test_the_auditor_sees_no_case_and_has_no_admin(client, world, auditor, clock):
    case = report(world)
    client.force_login(auditor)

    assert client.get(f"/cases/{case.number}/").status_code == 404
    assert case.number not in client.get("/", {"box": "all"}).content.decode()
    assert client.get("/api/v1/cases").json()["items"] == []
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_everyone_else_is_refused(client, world, persona):
    client.force_login(getattr(world.people, persona))

    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.xlsx").status_code == 403
    assert not SecurityEvent.objects.filter(kind=EventKind.EXPORT).exists()


def test_a_superuser_may_read_it_and_an_anonymous_visitor_is_sent_to_sign_in(client, django_user_model):
    assert client.get("/audit/").url == "/login/?next=/audit/"
    client.force_login(django_user_model.objects.create_superuser(username="root", password="pass-1234"))
    assert client.get("/audit/").status_code == 200
