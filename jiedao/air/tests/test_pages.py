"""The pages through the test client, by persona; the leaders' figures and the measures."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.test import Client

from jiedao.air.models import Reading, SourceCheck
from jiedao.air.services import check_record, readings_ingest
from jiedao.cases.models import Case
from jiedao.checklists.models import ChecklistItem
from jiedao.conftest import SHANGHAI
from jiedao.evaluation.measures import measure_for

from .conftest import reading

pytestmark = pytest.mark.usefixtures("clock")


def _as(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def month(air):
    """In November: the site 3 readings (1 over), the restaurant 2 (both over); one failed check."""
    readings_ingest(by=air.people.leader, rows=[
        reading(key="a", value="160"), reading(key="b", value="60"), reading(key="c", value="70"),
        reading(key="d", source="CY-01", parameter="fume", value="2.5", unit="mg/m³"),
        reading(key="e", source="CY-01", parameter="fume", value="3.1", unit="mg/m³")])
    items = {i.name: i.pk for i in ChecklistItem.objects.filter(section__version__checklist__code="catering-fumes")}
    check_record(by=air.people.leader, source=air.restaurant, checked_on=date(2026, 11, 10), today=date(2026, 11, 17),
                 answers={items["净化设施已安装"]: (1, False)})
    check_record(by=air.people.leader, source=air.site, checked_on=date(2026, 11, 12), today=date(2026, 11, 17),
                 answers={})
    return air


@pytest.mark.parametrize("url", ["/air/", "/air/overview/", "/air/overview/records/?figure=checks"])
@pytest.mark.parametrize(("person", "status"), [("leader", 200), ("secretary", 200), ("inspector", 200),
                                                ("handler", 404), ("grid_worker", 404)])
def test_who_reads_the_pages(month, url, person, status):
    assert _as(getattr(month.people, person)).get(url).status_code == status


def test_a_source_out_of_reach_is_a_404(month):
    assert _as(month.people.other_secretary).get(f"/air/sources/{month.site.pk}/").status_code == 404
    assert _as(month.people.secretary).get(f"/air/sources/{month.site.pk}/").status_code == 200


def test_the_source_page_shows_facts_chart_exceedances_and_its_case(month):
    page = _as(month.people.leader).get(f"/air/sources/{month.restaurant.pk}/").content.decode()

    case = Case.objects.get(item__code="06027")
    assert "柳岸小馆" in page and "生态环境科" in page and case.number in page
    assert 'class="air-chart__limit"' in page and page.count('class="air-chart__over"') == 2


def test_the_case_on_the_source_page_is_only_counted_for_one_who_may_not_open_it(month):
    page = _as(month.people.other_secretary).get(f"/air/sources/{month.restaurant.pk}/").content.decode()
    case = Case.objects.get(item__code="06027")
    visible = case.number in page
    assert visible or 'data-out-of-reach="1"' in page


def test_the_leaders_figures(month):
    page = _as(month.people.leader).get("/air/overview/?start=2026-11-01&end=2026-11-30")
    figures = page.context["figures"]

    assert (figures.sources, figures.readings, figures.exceedances, figures.checks, figures.checks_failed,
            figures.open_cases) == (2, 5, 3, 2, 1, 2)
    assert page.context["exceedance_rate"] == Decimal("60.0")
    assert page.context["pass_rate"] == Decimal("50.0")
    rows = {row["unit"].name: row["figures"].exceedances for row in page.context["rows"]}
    assert rows == {"桃源社区": 1, "柳岸社区": 2}


def test_drilling_down_to_a_community_lists_its_sources(month):
    page = _as(month.people.leader).get(f"/air/overview/?unit={month.liuan.pk}&start=2026-11-01&end=2026-11-30")

    assert [row["source"].code for row in page.context["source_rows"]] == ["CY-01"]
    assert page.context["source_rows"][0]["rate"] == Decimal("100.0")


def test_a_unit_out_of_reach_on_the_leaders_page_is_a_404(month):
    assert _as(month.people.secretary).get(f"/air/overview/?unit={month.liuan.pk}").status_code == 404


@pytest.mark.parametrize(("figure", "count"), [("exceedances", 3), ("checks", 2), ("checks_failed", 1),
                                               ("sources", 2), ("cases", 2)])
def test_each_figure_opens_its_records(month, figure, count):
    page = _as(month.people.leader).get(f"/air/overview/records/?figure={figure}&start=2026-11-01&end=2026-11-30")
    key = {"exceedances": "readings", "checks_failed": "checks"}.get(figure, figure)

    assert len(page.context[key]) == count


def test_the_measures_read_the_same_figures(month):
    start, end = datetime(2026, 11, 1, tzinfo=SHANGHAI), datetime(2026, 12, 1, tzinfo=SHANGHAI)
    assert measure_for("air:exceedance_rate").values([month.taoyuan, month.liuan], start, end) == {
        month.taoyuan.pk: Decimal("33.3"), month.liuan.pk: Decimal("100.0")}
    assert measure_for("air:check_pass_rate").values([month.subdistrict], start, end) == {
        month.subdistrict.pk: Decimal("50.0")}
    # nothing measured in October: "—", never 0
    october = datetime(2026, 10, 1, tzinfo=SHANGHAI)
    assert measure_for("air:exceedance_rate").values([month.subdistrict], october, start) == {
        month.subdistrict.pk: None}


def test_the_reading_form_converts_and_a_resent_form_counts_once(air):
    client = _as(air.people.inspector)
    form = client.get("/air/readings/new/?source=GD-01").context["form"]
    data = {"source": "GD-01", "parameter": "pm10", "value": "200", "unit": "μg/m³",
            "measured_at": "2026-11-17T08:30", "key": form["key"]}

    first = client.post("/air/readings/new/", data)
    second = client.post("/air/readings/new/", data)

    assert first.status_code == second.status_code == 302
    stored = Reading.objects.get()
    assert (stored.value_mg_m3, stored.is_exceedance) == (Decimal("0.2"), True)


def test_the_reading_form_refuses_an_unknown_unit_and_writes_nothing(air):
    answer = _as(air.people.inspector).post("/air/readings/new/", {
        "source": "GD-01", "parameter": "pm10", "value": "200", "unit": "ppm", "measured_at": "2026-11-17T08:30",
        "key": "x"})

    assert answer.status_code == 400
    assert "未知的单位“ppm”" in answer.content.decode()
    assert Reading.objects.count() == 0


def test_the_check_form_scores_on_the_sheet(air):
    items = {i.name: i.pk for i in ChecklistItem.objects.filter(section__version__checklist__code="dust-six")}
    client = _as(air.people.inspector)
    assert client.get(f"/air/sources/{air.site.pk}/checks/new/").status_code == 200

    answer = client.post(f"/air/sources/{air.site.pk}/checks/new/", {
        "checked_on": "2026-11-17", f"item_{items['工地周边围挡']}": "4", "note": "东侧围挡缺口"})

    assert answer.status_code == 302
    check = SourceCheck.objects.get()
    assert (check.total, check.passed) == (Decimal("88.00"), False)  # 100 − 4 × 3 < 90


def test_the_check_form_refuses_a_word_for_a_count(air):
    items = {i.name: i.pk for i in ChecklistItem.objects.filter(section__version__checklist__code="dust-six")}
    answer = _as(air.people.inspector).post(f"/air/sources/{air.site.pk}/checks/new/", {
        "checked_on": "2026-11-17", f"item_{items['工地周边围挡']}": "four"})
    assert answer.status_code == 400
    assert SourceCheck.objects.count() == 0


def test_hostile_parameters_are_a_400_not_a_500(air):
    client = _as(air.people.leader)
    for url in ["/air/?type=nope", "/air/?community=abc", "/air/overview/?start=2026-13-01",
                "/air/overview/?start=2026-11-10&end=2026-11-01", "/air/overview/records/?figure=nope",
                "/air/overview/?unit=99999999"]:
        assert client.get(url).status_code in (400, 404), url


def test_the_theme_is_offered_to_leaders(air):
    from jiedao.web.themes import themes_for
    assert "air" in [theme.key for theme in themes_for(user=air.people.leader)]
    assert "air" not in [theme.key for theme in themes_for(user=air.people.handler)]
