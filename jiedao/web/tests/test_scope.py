"""Data in scope: every list, map layer and download behind a figure names only the cases the reader
could open on the case pages; the others are counted ("另有 N 件不在您的范围内"), never named.

Three overdue cases, one in each of 桃源社区 and 柳岸社区 (东片) and 石桥村 (西片), all with 环卫所,
reported by the intake clerk (so no reader sees one as their own report), and one register entry
resting on all three as repeat points. Each persona reads every page behind a figure:

| persona | may open | audience of the leader's pages (dashboard, evaluation, register, bulletin) |
|---|---|---|
| sub-district leader | the three | yes |
| area leader of 东片 | 桃源's and 柳岸's | yes |
| 桃源's secretary | 桃源's | yes |
| department handler (环卫所) | the three, on the case pages | no (403) |
| grid worker of 桃源 grid 1 | 桃源's | no (403) |
"""

import io
import re
from datetime import timedelta

import pytest

from jiedao.cases.models import CaseSource
from jiedao.conftest import CELL, ORIGIN_LAT, ORIGIN_LON, report, square, walk_to
from jiedao.territory.models import Unit, UnitLevel

pytestmark = pytest.mark.django_db

READERS = {"leader": "abc", "area_leader": "ab", "secretary": "a"}
OUTSIDERS = ["handler", "grid_worker"]
CASE_NUMBER = re.compile(r"\d{4}-\d{6}")


@pytest.fixture
def spread(world, clock):
    """The three overdue cases (a: 桃源, b: 柳岸, c: 石桥村 in another area) and a finding on all three."""
    from jiedao import clock as jiedao_clock
    from jiedao.accountability.models import (
        AccountabilityRule,
        EvidenceRole,
        Finding,
        FindingEvidence,
        RuleCode,
    )
    from jiedao.accountability.services import accountability_rules_seed

    west = Unit.objects.create(parent=world.subdistrict, level=UnitLevel.AREA, code="330199001A02", name="西片")
    shiqiao = Unit.objects.create(parent=west, level=UnitLevel.COMMUNITY, code="330199001005", name="石桥村")
    Unit.objects.create(parent=shiqiao, level=UnitLevel.GRID, code="330199001005001", name="石桥村第1网格",
                        boundary=square(ORIGIN_LON + 4 * CELL, ORIGIN_LAT), grid_class=world.grid_classes["1"])
    by_clerk = {"by": world.people.intake_clerk, "source": CaseSource.HOTLINE}
    cases = {name: walk_to(world, report(world, column=column, **by_clerk), "handling")
             for name, column in (("a", 0), ("b", 2), ("c", 4))}
    clock.shift(timedelta(days=1))  # past the 4 working hours of each
    accountability_rules_seed()
    today = jiedao_clock.now().date()
    rule = AccountabilityRule.objects.get(code=RuleCode.REPEAT_POINT)
    finding = Finding.objects.create(
        rule=rule, kind=rule.kind,
        subject_organisation=world.cleaning, subject_key=f"organisation:{world.cleaning.pk}",
        period_start=today.replace(day=1), period_end=today, summary="环卫所：3 件已结案案件再次发生",
        fingerprint="x" * 64, proposed_measure=rule.measure, created_at=jiedao_clock.now())
    FindingEvidence.objects.bulk_create(FindingEvidence(finding=finding, case=case, role=EvidenceRole.REPEAT)
                                        for case in cases.values())
    return {"finding": finding, "shiqiao": shiqiao, **{name: case.number for name, case in cases.items()}}


def _named(text: str, spread) -> str:
    """Which of the three cases a text names ("a", "b", "c")."""
    return "".join(name for name in "abc" if spread[name] in text)


def _get(client, person, path, params=None):
    client.force_login(person)
    return client.get(path, params or {})


# ---------------------------------------------------------------- the evaluation's drill-down

@pytest.mark.parametrize(("persona", "sees"), READERS.items())
@pytest.mark.parametrize(("choice", "subject", "indicator", "behind"), [
    ("community", "liuan", "overdue_pending", "b"),           # another community's count
    ("community", "subdistrict", "due_handling", "abc"),      # the whole sub-district with another key
    ("department", "cleaning", "due_handling", "abc"),        # a department's count
    ("person", "intake_clerk", "reported", "abc"),            # a person's count
])
def test_the_cases_behind_a_count_are_those_the_reader_may_open(world, spread, client, persona, sees,
                                                                  choice, subject, indicator, behind):
    key = getattr(world.people, subject, None) or getattr(world, subject)

    response = _get(client, getattr(world.people, persona), "/evaluation/cases/",
                    {"object": choice, "key": key.pk, "indicator": indicator, "period": "month"})

    assert response.status_code == 200
    listed = "".join(name for name in behind if name in sees)
    hidden = len(behind) - len(listed)
    assert sorted(case.number for case in response.context["cases"]) == [spread[name] for name in listed]
    assert _named(response.content.decode(), spread) == listed
    assert response.context["hidden_count"] == hidden
    note = f"另有 {hidden} 件不在您的范围内"
    assert (note in response.content.decode()) == bool(hidden)


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_people_without_the_leaders_view_do_not_open_the_drill_down(world, spread, client, persona):
    response = _get(client, getattr(world.people, persona), "/evaluation/cases/",
                    {"object": "community", "key": world.taoyuan.pk, "indicator": "due_handling"})

    assert response.status_code == 403


# ---------------------------------------------------------------- the dashboard's map

@pytest.mark.parametrize(("persona", "sees"), READERS.items())
def test_the_repeat_points_on_the_map_are_those_the_reader_may_open(world, spread, client, persona, sees):
    response = _get(client, getattr(world.people, persona), "/dashboard/")

    assert response.status_code == 200
    hotspots = response.context["map_data"]["hotspots"]
    assert sorted(point["number"] for point in hotspots) == [spread[name] for name in sees]
    assert _named(response.content.decode(), spread) == sees  # the open cases' points are in scope too
    assert response.context["hotspots_hidden_count"] == 3 - len(sees)
    page = response.content.decode()
    assert (f"另有 {3 - len(sees)} 件不在您的范围内" in page) == (len(sees) < 3)


def test_an_area_leader_cannot_drill_the_dashboard_into_another_area(world, spread, client):
    response = _get(client, world.people.area_leader, "/dashboard/", {"unit": spread["shiqiao"].pk})

    assert response.status_code == 404


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_people_without_the_leaders_view_do_not_open_the_dashboard(world, spread, client, persona):
    assert _get(client, getattr(world.people, persona), "/dashboard/").status_code == 403


# ---------------------------------------------------------------- the accountability register

@pytest.mark.parametrize(("persona", "sees"), READERS.items())
def test_the_register_is_the_sub_districts_but_its_evidence_is_what_the_reader_may_open(
        world, spread, client, persona, sees):
    reader = getattr(world.people, persona)

    table = _get(client, reader, "/accountability/")
    detail = client.get(f"/accountability/{spread['finding'].pk}/")

    assert table.status_code == 200 and detail.status_code == 200
    assert "环卫所：3 件已结案案件再次发生" in table.content.decode()  # every entry, by design
    page = detail.content.decode()
    assert [row.case.number for row in detail.context["evidence"]] == [spread[name] for name in sees]
    assert _named(page, spread) == sees
    assert (f"另有 {3 - len(sees)} 件不在您的范围内" in page) == (len(sees) < 3)


@pytest.mark.parametrize("persona", READERS)
def test_the_registers_excel_names_no_case(world, spread, client, persona):
    from openpyxl import load_workbook

    response = _get(client, getattr(world.people, persona), "/accountability/", {"format": "xlsx"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(value) for row in sheet.iter_rows(values_only=True) for value in row if value is not None]
    assert "环卫所：3 件已结案案件再次发生" in cells
    assert not any(CASE_NUMBER.search(cell) for cell in cells)


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_people_without_the_leaders_view_do_not_read_the_register(world, spread, client, persona):
    person = getattr(world.people, persona)

    assert _get(client, person, "/accountability/").status_code == 403
    assert client.get(f"/accountability/{spread['finding'].pk}/").status_code == 403
    assert client.get("/accountability/", {"format": "xlsx"}).status_code == 403


# ---------------------------------------------------------------- the bulletin

def _overdue(bulletin):
    return next(table for table in bulletin.tables if table.title == "超期待处置案件")


@pytest.mark.parametrize(("persona", "sees"), READERS.items())
def test_the_bulletins_overdue_list_names_only_what_the_reader_may_open(world, spread, client, persona, sees):
    response = _get(client, getattr(world.people, persona), "/bulletin/")

    assert response.status_code == 200
    overdue = _overdue(response.context["bulletin"])
    assert sorted(row[0] for row in overdue.rows) == [spread[name] for name in sees]
    assert dict(response.context["bulletin"].figures)["超期待处置数"] == "3"  # the figure stays the office's
    page = response.content.decode()
    assert _named(page, spread) == sees
    assert (f"另有 {3 - len(sees)} 件不在您的范围内。" in overdue.note) == (len(sees) < 3)


@pytest.mark.parametrize(("persona", "sees"), READERS.items())
def test_the_bulletins_word_file_names_only_what_the_reader_may_open(world, spread, client, persona, sees):
    from docx import Document

    response = _get(client, getattr(world.people, persona), "/bulletin/", {"format": "docx"})

    document = Document(io.BytesIO(response.content))
    text = "\n".join([paragraph.text for paragraph in document.paragraphs]
                     + [cell.text for table in document.tables for row in table.rows for cell in row.cells])
    assert _named(text, spread) == sees


@pytest.mark.parametrize(("persona", "sees"), [("area_leader", "ab"), ("secretary", "a")])
def test_the_bulletins_pdf_names_only_what_the_reader_may_open(world, spread, client, persona, sees):
    from pypdf import PdfReader

    response = _get(client, getattr(world.people, persona), "/bulletin/", {"format": "pdf"})

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert _named(text, spread) == sees


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_people_without_the_leaders_view_do_not_read_the_bulletin(world, spread, client, persona):
    person = getattr(world.people, persona)

    assert _get(client, person, "/bulletin/").status_code == 403
    assert client.get("/bulletin/", {"format": "docx"}).status_code == 403
