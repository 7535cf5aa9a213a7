"""The evaluation table: numbers open to their cases, empty rates are "—", Excel export; leaders only."""

import io
from datetime import timedelta

import pytest

from jiedao.conftest import report, walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluated(world, clock):
    from jiedao.evaluation.services import evaluation_seed_defaults

    evaluation_seed_defaults()
    closed = walk_to(world, report(world), "closed")
    clock.shift(timedelta(hours=1))
    return closed


def test_communities_with_counts_rates_and_dashes(world, evaluated, client):
    client.force_login(world.people.leader)

    response = client.get("/evaluation/", {"object": "community", "period": "month"})

    assert response.status_code == 200
    rows = {row.name: row for row in response.context["rows"]}
    assert rows["桃源社区"].counts.due_handling == 1
    assert rows["桃源社区"].rates["on_time_closure_rate"] == 1
    assert rows["柳岸社区"].rates["closure_rate"] is None
    page = response.content.decode()
    assert "100.0%" in page and "—" in page


def test_a_count_opens_to_exactly_its_cases(world, evaluated, client):
    client.force_login(world.people.leader)

    response = client.get("/evaluation/cases/", {"object": "community", "period": "month",
                                                 "indicator": "closed", "key": world.taoyuan.pk})

    assert response.status_code == 200
    assert [case.number for case in response.context["cases"]] == [evaluated.number]


def test_the_table_exports_to_excel(world, evaluated, client):
    from openpyxl import load_workbook

    client.force_login(world.people.leader)

    response = client.get("/evaluation/", {"object": "department", "period": "month", "format": "xlsx"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A4"].value == "名次"
    names = [row[1] for row in sheet.iter_rows(min_row=5, values_only=True)]
    assert "环卫所" in names


@pytest.mark.parametrize("persona", ["handler", "dispatcher", "grid_worker"])
def test_others_may_not_open_it(world, client, persona):
    client.force_login(getattr(world.people, persona))

    assert client.get("/evaluation/").status_code == 403
    assert client.get("/evaluation/cases/", {"indicator": "closed", "key": "1"}).status_code == 403


def test_an_unknown_indicator_is_not_found(world, evaluated, client):
    client.force_login(world.people.leader)

    assert client.get("/evaluation/cases/", {"indicator": "bogus", "key": "1"}).status_code == 404


def test_grid_workers_and_inspectors_are_measured_on_their_field_work(world, evaluated, client):
    client.force_login(world.people.leader)

    response = client.get("/evaluation/", {"object": "person", "period": "month"})

    assert response.status_code == 200
    rows = {row.name: row for row in response.context["rows"]}
    assert rows["王网格"].counts.reported == 1 and rows["王网格"].counts.valid_reported == 1
    assert rows["李监督"].counts.check_due == 1
    assert [code for code, _label, _definition in response.context["rate_columns"]] == [
        "valid_report_rate", "missed_report_rate", "on_time_verify_rate", "on_time_check_rate"]


def test_a_persons_count_opens_to_their_cases(world, evaluated, client):
    client.force_login(world.people.leader)

    response = client.get("/evaluation/cases/", {"object": "person", "period": "month", "indicator": "reported",
                                                 "key": world.people.grid_worker.pk})

    assert [case.number for case in response.context["cases"]] == [evaluated.number]
    assert response.context["subject"] == "王网格"


def test_a_custom_period_carries_into_the_links_and_the_export(world, evaluated, client):
    client.force_login(world.people.leader)

    response = client.get("/evaluation/", {"object": "community", "period": "custom", "from": "2026-11-18",
                                           "to": "2026-11-20"})

    assert {row.name: row.counts.due_handling for row in response.context["rows"]}["桃源社区"] == 0
    assert "period=custom&amp;from=2026-11-18&amp;to=2026-11-20&amp;format=xlsx" in response.content.decode()
