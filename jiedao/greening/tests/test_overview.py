"""绿化专题: the figures on a hand-computed fixture, the drill-down's scope, the pages, the map cut
by access, the list behind each figure.

The fixture (today 2026-11-17; policy 30/90 days, each October, threshold 85 %):
  A 桃源 (grid 0) 见缝插绿 100 m² planted 2026-03-01, checked 2026-10-05: 80 → 80.0 %, replanting due
  C 桃源 (grid 1) 补植 50 m² planted 2026-06-01, checked 2026-07-01: 45 → 90.0 %, check due 2026-08-30
  B 柳岸 (grid 2) 破硬植绿 40 trees planted 2026-11-02, never checked (first due 2026-12-02)
  D 柳岸 (grid 3) 见缝插绿 30 m² planted 2025-12-20, checked 2026-10-02: 27 → 90.0 %
"""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from jiedao.conftest import grid_centre
from jiedao.greening.models import GreeningPolicy, PlantingKind
from jiedao.greening.selectors import area_by_month, greening_figures, planting_statuses
from jiedao.greening.services import planting_record, survival_check_record
from jiedao.greening.survival import mean_rate
from jiedao.territory.models import Organisation, OrganisationKind

TODAY = date(2026, 11, 17)


@pytest.fixture
def gardens(world):
    return Organisation.objects.create(kind=OrganisationKind.DEPARTMENT, code="D10", name="园林绿化所")


def plant(world, maintainer, *, column, kind, planted_on, area="", count=""):
    lon, lat = grid_centre(column)
    return planting_record(by=world.people.leader, kind=kind, area_m2=area, count=count, species="香樟",
                           geometry=json.dumps({"type": "Point", "coordinates": [lon, lat]}),
                           planted_on=planted_on, today=TODAY, responsible_unit="居委会",
                           maintainer_id=str(maintainer.pk), case_number="")


def checked(world, planting, on, surviving):
    survival_check_record(by=world.people.leader, planting_id=str(planting.pk), checked_on=on, today=TODAY,
                          surviving=surviving, note="")


@pytest.fixture
def plantings(world, gardens):
    a = plant(world, gardens, column=0, kind=PlantingKind.INFILL, planted_on=date(2026, 3, 1), area="100")
    checked(world, a, date(2026, 10, 5), "80")
    c = plant(world, gardens, column=1, kind=PlantingKind.REPLANTING, planted_on=date(2026, 6, 1), area="50")
    checked(world, c, date(2026, 7, 1), "45")
    b = plant(world, gardens, column=2, kind=PlantingKind.DEPAVING, planted_on=date(2026, 11, 2), count="40")
    d = plant(world, gardens, column=3, kind=PlantingKind.INFILL, planted_on=date(2025, 12, 20), area="30")
    checked(world, d, date(2026, 10, 2), "27")
    return {"a": a, "b": b, "c": c, "d": d}


def statuses(world, within=""):
    return planting_statuses(user=world.people.leader, within=within, policy=GreeningPolicy(), today=TODAY)


def test_mean_rate_is_no_data_without_any_rate_never_zero():
    assert mean_rate([]) is None
    assert mean_rate([None, None]) is None
    assert mean_rate([Decimal("80.0"), Decimal("90.5")]) == Decimal("85.3")  # 85.25 rounded half up


def test_the_period_and_the_current_figures(world, plantings):
    figures = greening_figures(statuses=statuses(world), first_day=date(2026, 1, 1), last_day=date(2026, 11, 30))
    assert (figures.area_m2, figures.trees, figures.plantings) == (Decimal("150.0"), 40, 3)  # A, C, B
    kinds = {kind.kind: (kind.area_m2, kind.trees, kind.plantings) for kind in figures.by_kind}
    assert kinds == {"infill": (Decimal("100.0"), 0, 1), "demolition": (Decimal(0), 0, 0),
                     "depaving": (Decimal(0), 40, 1), "replanting": (Decimal("50.0"), 0, 1)}
    # "now": every planting, whenever planted — (80 + 90 + 90) / 3
    assert (figures.mean_rate, figures.rated) == (Decimal("86.7"), 3)
    assert (figures.replanting_due, figures.checks_due) == (1, 1)  # A below 85 %; C due since 08-30


def test_a_month_with_only_an_unchecked_planting_has_no_rate(world, plantings):
    only_b = [row for row in statuses(world) if row.planting.pk == plantings["b"].pk]
    figures = greening_figures(statuses=only_b, first_day=date(2026, 11, 1), last_day=date(2026, 11, 30))
    assert (figures.area_m2, figures.trees, figures.plantings) == (Decimal(0), 40, 1)
    assert figures.mean_rate is None and figures.rated == 0


def test_the_trend_by_month(world, plantings):
    months = area_by_month(statuses=statuses(world), last_day=date(2026, 11, 30))
    assert [month for month, _area, _trees in months][0::11] == ["2025-12", "2026-11"]
    found = {month: (area, trees) for month, area, trees in months if area or trees}
    assert found == {"2025-12": (30.0, 0), "2026-03": (100.0, 0), "2026-06": (50.0, 0), "2026-11": (0.0, 40)}


def page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("greening:overview"), params)


def test_the_leader_drills_from_the_subdistrict_to_the_communities(client, world, plantings, clock):
    response = page(client, world.people.leader, period="custom", **{"from": "2026-01-01", "to": "2026-11-30"})
    assert response.status_code == 200
    assert [row["unit"] for row in response.context["breakdown"]] == [world.area]
    response = page(client, world.people.leader, period="custom", unit=world.area.pk,
                    **{"from": "2026-01-01", "to": "2026-11-30"})
    rows = {row["unit"].name: row["figures"] for row in response.context["breakdown"]}
    assert set(rows) == {"桃源社区", "柳岸社区"}
    assert (rows["桃源社区"].area_m2, rows["桃源社区"].mean_rate, rows["桃源社区"].replanting_due) == (
        Decimal("150.0"), Decimal("85.0"), 1)
    assert (rows["柳岸社区"].trees, rows["柳岸社区"].mean_rate, rows["柳岸社区"].checks_due) == (40, Decimal("90.0"), 0)
    # the community is the drill-down's last step
    assert page(client, world.people.leader, unit=world.taoyuan.pk).context["breakdown"] == []


def test_a_secretary_sees_only_their_community(client, world, plantings, clock):
    response = page(client, world.people.secretary)
    assert response.status_code == 200
    assert response.context["unit"] == world.taoyuan
    assert response.context["figures"].mean_rate == Decimal("85.0")  # A and C only
    ids = {feature["properties"]["id"] for feature in response.context["map_data"]["plantings"]["features"]}
    assert ids == {plantings["a"].pk, plantings["c"].pk}
    assert page(client, world.people.secretary, unit=world.liuan.pk).status_code == 404
    assert page(client, world.people.secretary, unit=world.subdistrict.pk).status_code == 404


def test_the_maintainers_staff_see_their_own_organisations_plantings_only(client, world, gardens, plantings, clock):
    theirs = plant(world, world.cleaning, column=0, kind=PlantingKind.INFILL, planted_on=date(2026, 9, 1), area="10")
    response = page(client, world.people.handler)
    assert response.status_code == 200
    ids = [feature["properties"]["id"] for feature in response.context["map_data"]["plantings"]["features"]]
    assert ids == [theirs.pk]
    assert page(client, world.people.handler, unit=world.taoyuan.pk).status_code == 404


@pytest.mark.parametrize("person", ["grid_worker", "dispatcher", "supervisor"])
def test_someone_who_reads_no_planting_is_refused(client, world, plantings, clock, person):
    assert page(client, getattr(world.people, person)).status_code == 404


def test_hostile_parameters_are_a_400_not_a_500(client, world, plantings, clock):
    assert page(client, world.people.leader, unit="x").status_code == 400
    assert page(client, world.people.leader, unit="999999").status_code == 404
    assert page(client, world.people.leader, period="custom", **{"from": "nope", "to": "2026"}).status_code == 200
    client.force_login(world.people.leader)
    assert client.get(reverse("greening:planting-list"), {"status": "<script>"}).status_code == 400


def test_the_map_colours_by_survival_state(client, world, plantings, clock):
    features = page(client, world.people.leader).context["map_data"]["plantings"]["features"]
    states = {feature["properties"]["id"]: feature["properties"]["state"] for feature in features}
    assert states == {plantings["a"].pk: "replanting", plantings["c"].pk: "ok", plantings["b"].pk: "unchecked",
                      plantings["d"].pk: "ok"}


def test_each_figure_opens_the_plantings_behind_it(client, world, plantings, clock):
    tiles = {tile["key"]: tile for tile in page(client, world.people.leader, unit=world.taoyuan.pk).context["tiles"]}
    assert (tiles["replanting"]["text"], tiles["rate"]["text"], tiles["checks"]["text"]) == ("1", "85.0%", "1")
    behind = client.get(tiles["replanting"]["link"])
    assert [row.planting.pk for row in behind.context["rows"]] == [plantings["a"].pk]
    behind = client.get(tiles["checks"]["link"])
    assert [row.planting.pk for row in behind.context["rows"]] == [plantings["c"].pk]
    behind = client.get(tiles["rate"]["link"])
    assert {row.planting.pk for row in behind.context["rows"]} == {plantings["a"].pk, plantings["c"].pk}
    assert behind.context["totals"]["average_rate"] == Decimal("85.0")


def test_a_named_unit_does_not_widen_the_list(client, world, plantings, clock):
    client.force_login(world.people.secretary)
    response = client.get(reverse("greening:planting-list"), {"unit": world.liuan.pk, "status": "checked"})
    assert response.status_code == 200 and response.context["rows"] == []
