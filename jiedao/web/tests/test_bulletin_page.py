"""The 通报 page: read on screen, downloaded as PDF and Word for a named or custom period; leaders only."""

import io
from datetime import timedelta

import pytest

from jiedao.conftest import report, walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_case(world, clock):
    from jiedao.evaluation.services import evaluation_seed_defaults

    evaluation_seed_defaults()
    case = walk_to(world, report(world), "closed")
    clock.shift(timedelta(hours=1))
    return case


def test_the_page_shows_this_months_bulletin(world, closed_case, client):
    client.force_login(world.people.leader)

    response = client.get("/bulletin/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "关于人居环境整治工作情况的通报" in page
    assert "2026-11-01 — 2026-11-30" in page
    assert "桃源社区" in page and "<svg" in page  # the community chart
    assert dict(response.context["bulletin"].figures)["结案数"] == "1"


def test_a_custom_period_is_read_from_two_dates(world, closed_case, client):
    client.force_login(world.people.leader)

    response = client.get("/bulletin/", {"period": "custom", "from": "2026-11-18", "to": "2026-11-30"})

    assert response.context["bulletin"].period_label == "2026-11-18 — 2026-11-30"
    assert dict(response.context["bulletin"].figures)["上报数"] == "0"  # the case came on the 17th
    assert "period=custom&amp;from=2026-11-18&amp;to=2026-11-30&amp;format=pdf" in response.content.decode()


@pytest.mark.parametrize("dates, why", [
    ({"from": "2026-11-30", "to": "2026-11-01"}, "结束日期不能早于开始日期"),
    ({"from": "30/11/2026", "to": "2026-12-01"}, "日期格式应为"),
    ({}, "日期格式应为"),
])
def test_an_unreadable_custom_period_says_why_and_shows_this_month(world, closed_case, client, dates, why):
    client.force_login(world.people.leader)

    response = client.get("/bulletin/", {"period": "custom", **dates})

    assert response.status_code == 200
    assert why in response.content.decode()
    assert response.context["bulletin"].period_label == "2026-11-01 — 2026-11-30"


def test_the_pdf_download_is_a_pdf_with_the_period_in_its_name(world, closed_case, client):
    client.force_login(world.people.leader)

    response = client.get("/bulletin/", {"period": "month", "format": "pdf"})

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="bulletin-20261101-20261130.pdf"'
    assert response.content.startswith(b"%PDF")


def test_the_word_download_has_the_tables_and_the_chart_as_a_picture(world, closed_case, client):
    from docx import Document

    client.force_login(world.people.leader)

    response = client.get("/bulletin/", {"period": "month", "format": "docx"})

    document = Document(io.BytesIO(response.content))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "桃源社区" in cells and "环卫所" in cells
    assert len(document.inline_shapes) == 1  # the chart


@pytest.mark.parametrize("persona", ["handler", "dispatcher", "grid_worker"])
def test_others_may_not_read_or_download_it(world, client, persona):
    client.force_login(getattr(world.people, persona))

    assert client.get("/bulletin/").status_code == 403
    assert client.get("/bulletin/", {"format": "pdf"}).status_code == 403


def test_anonymous_people_are_sent_to_sign_in(client, world):
    response = client.get("/bulletin/", {"format": "pdf"})

    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_office_that_has_not_seeded_its_scoring_still_gets_counts(world, clock, client):
    walk_to(world, report(world), "closed")
    client.force_login(world.people.leader)

    response = client.get("/bulletin/")

    assert response.status_code == 200
    assert dict(response.context["bulletin"].figures)["结案数"] == "1"
    assert response.context["bulletin"].chart_bars == []  # no weights, no composite to chart


def test_the_pdf_headers_and_figures_do_not_break_inside_a_word(world, closed_case, client):
    """Issue 10, point 9: "按期处置率" on one line, not "按期处" and "置率" (the PDF's text keeps a
    line break where a cell's text wrapped)."""
    from pypdf import PdfReader

    client.force_login(world.people.leader)
    response = client.get("/bulletin/", {"format": "pdf"})
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    bulletin = client.get("/bulletin/").context["bulletin"]

    headers = {header for table in bulletin.tables for header in table.columns}
    assert {"按期处置率", "超期待处置数", "综合指标值", "超期（工作日）"} <= headers
    lines = text.splitlines()
    # each table's header row is one line of text: no header wrapped onto a second line
    for table in bulletin.tables:
        assert " ".join(table.columns) in lines, table.title
    # the figure boxes: each label on a line of its own, whole
    for label, _value in bulletin.figures:
        assert label in lines, label
