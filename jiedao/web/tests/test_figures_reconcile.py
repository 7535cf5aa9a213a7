"""The leader's figures reconcile (issue 10, point 1): the month's headline figures are computed
once (`evaluation.measures.headline_for`) and the dashboard, the evaluation page, the 通报 page and
its PDF and Word show the same numbers under the same names, each with its 口径 one click away.

The cases are chosen so that every figure a page used to count its own way differs: a case
dispatched last month and closed this month (closed in the month, but not of the month's cohort), a
case dispatched last month and overdue now (overdue now, but not of the month's 超期待处置), and a
register entry of last month waiting for a decision."""

import html
import io
import re
from datetime import date, datetime

import pytest

from jiedao.accountability.models import AccountabilityRule, Finding, FindingState, RuleCode
from jiedao.accountability.services import accountability_rules_seed, findings_refresh
from jiedao.conftest import SHANGHAI, make_upload, report, walk_to
from jiedao.evaluation.measures import headline_figures, headline_for
from jiedao.evaluation.periods import period_named

pytestmark = pytest.mark.django_db

NOVEMBER_18 = datetime(2026, 11, 18, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def month_of_cases(world, clock):
    from jiedao.cases import services
    from jiedao.evaluation.services import evaluation_seed_defaults

    evaluation_seed_defaults()
    accountability_rules_seed()
    # an office that calls one overdue case a finding (thresholds are data)
    AccountabilityRule.objects.filter(code=RuleCode.OVERDUE).update(parameters={"min_cases": 1})
    p = world.people
    clock.move_to(datetime(2026, 10, 28, 9, 0, tzinfo=SHANGHAI))
    walk_to(world, report(world), "handling")                       # October's, overdue now
    closed_late = walk_to(world, report(world, column=1), "handling")  # October's, closed in November
    clock.move_to(datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI))
    findings_refresh(start=date(2026, 10, 1), end=date(2026, 10, 31))  # October's register entries
    closed_late = services.case_report_fix(case=closed_late, by=p.handler, opinion="已清运", photos=[make_upload()])
    closed_late = services.case_check(case=closed_late, by=p.inspector, passed=True)
    services.case_close(case=closed_late, by=p.shift_lead)
    clock.move_to(datetime(2026, 11, 17, 9, 0, tzinfo=SHANGHAI))
    walk_to(world, report(world), "closed")                          # November's, closed on time
    walk_to(world, report(world, column=2, by=p.other_grid_worker), "handling")  # November's, overdue tomorrow
    clock.move_to(NOVEMBER_18)


def _expected(world):
    from django.utils import timezone

    from jiedao import clock as jiedao_clock

    month = period_named("month", now=timezone.localtime(jiedao_clock.now()))
    headline = headline_for([world.subdistrict], month.start, month.end, jiedao_clock.now())
    return {figure.key: (str(figure.label), text) for figure, text in headline.figures}


def test_the_month_figures_differ_where_the_old_pages_disagreed(world, month_of_cases):
    figures = _expected(world)

    assert Finding.objects.filter(state=FindingState.PROPOSED, period_end__lt=date(2026, 11, 1)).exists()
    # of November's cohort one case was closed (the October case closed in November is not counted)
    assert figures["closed"] == ("结案数", "1")
    assert figures["on_time_closure_rate"] == ("按期结案率", "50.0%")  # 1 on time of 应结案 2 (1 handled + 1 overdue)
    assert figures["overdue_pending"] == ("超期待处置数", "1")  # dispatched in November, overdue now
    assert figures["overdue_now"][1] == "2"  # whenever dispatched: October's too
    assert figures["overdue_now"][0] != figures["overdue_pending"][0]  # two figures, two names
    assert figures["findings_to_decide"][1] != "0"


def _dashboard_tiles(page: str) -> dict[str, str]:
    return {key: html.unescape(value.strip()) for key, value in re.findall(
        r'data-figure="(\w+)">.*?class="tile__value"[^>]*>([^<]+)<', page, flags=re.S)}


def _evaluation_cells(page: str, key: int) -> dict[str, str]:
    row = re.search(rf'<tr data-key="{key}">(.*?)</tr>', page, flags=re.S).group(1)
    return {name: value.strip() for name, value in
            re.findall(r'data-figure="(\w+)">(?:<a[^>]*>)?([^<]+)', row)}


def _bulletin_boxes(page: str) -> dict[str, str]:
    return {html.unescape(label.strip()): value.strip()
            for label, value in re.findall(r'<div class="figure"[^>]*>([^<]+)<b>([^<]+)</b>', page)}


def test_the_dashboard_evaluation_bulletin_pdf_and_word_show_the_same_figures(world, month_of_cases, client):
    from docx import Document
    from pypdf import PdfReader

    figures = _expected(world)
    client.force_login(world.people.leader)

    dashboard = client.get("/dashboard/", {"period": "month"}).content.decode()
    evaluation = client.get("/evaluation/", {"object": "subdistrict", "period": "month"}).content.decode()
    bulletin = client.get("/bulletin/", {"period": "month"}).content.decode()
    pdf = client.get("/bulletin/", {"period": "month", "format": "pdf"})
    word = client.get("/bulletin/", {"period": "month", "format": "docx"})

    # the dashboard: every headline figure, under its name
    tiles = _dashboard_tiles(dashboard)
    assert tiles == {key: text for key, (_label, text) in figures.items()}
    for _label, text in figures.values():
        assert text in tiles.values()
    # the evaluation page's row of the sub-district: the figures it shows are the same
    cells = _evaluation_cells(evaluation, world.subdistrict.pk)
    for key in ("closed", "on_time_closure_rate", "overdue_pending"):
        assert cells[key] == figures[key][1], key
    # the 通报 page, its PDF and its Word file: the period's figures and the register's, by the same names
    in_bulletin = ("reported", "filed", "closed", "on_time_closure_rate", "overdue_pending", "findings_to_decide")
    expected = {figures[key][0]: figures[key][1] for key in in_bulletin}
    assert _bulletin_boxes(bulletin) == expected
    pdf_text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    boxes = pdf_text[:pdf_text.index("各社区综合指标值")]  # the figures come before the chart
    for label, value in expected.items():
        assert re.search(rf"{label}\s*{re.escape(value)}(?![\d.])", boxes), (label, value, boxes)
    document = Document(io.BytesIO(word.content))
    assert {cell.text.split("\n")[0]: cell.text.split("\n")[1] for cell in document.tables[0].rows[0].cells} == expected


def test_each_figure_has_its_definition_one_click_away(world, month_of_cases, client):
    from docx import Document

    client.force_login(world.people.leader)
    dashboard = client.get("/dashboard/", {"period": "month"}).content.decode()
    definitions = client.get("/evaluation/definitions/")
    word = Document(io.BytesIO(client.get("/bulletin/", {"period": "month", "format": "docx"}).content))

    assert definitions.status_code == 200
    page = html.unescape(definitions.content.decode())
    word_text = "\n".join(paragraph.text for paragraph in word.paragraphs)
    for figure in headline_figures().values():
        definition = str(figure.definition)
        assert f'title="{html.escape(definition)}"' in dashboard  # the tooltip
        assert f'href="/evaluation/definitions/#figure-{figure.key}"' in dashboard  # the visible 口径 link
        assert f'id="figure-{figure.key}"' in page and definition in page
    assert "口径说明" in word_text and str(headline_figures()["closed"].definition) in word_text
    evaluation = client.get("/evaluation/", {"object": "community", "period": "month"}).content.decode()
    assert "/evaluation/definitions/" in evaluation and 'title="按期结案数 ÷ 应结案数 × 100%"' in evaluation


def test_the_definitions_page_is_the_leaders(world, client):
    client.force_login(world.people.handler)

    assert client.get("/evaluation/definitions/").status_code == 403
