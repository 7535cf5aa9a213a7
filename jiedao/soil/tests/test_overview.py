"""土壤监测专题: the figures on a hand-computed fixture (latest sample per point), the drill-down's
scope, the pages, the map cut by access, the points behind each figure, the unconfirmed warning.

The fixture (today 2026-11-17):
  TR-01 桃源 farmland: 2026-05-01 Cd 0.45 (above 0.3), then 2026-11-01 Cd 0.2 → latest below 筛选值
  TR-02 桃源 farmland: 2026-11-05 Cd 2.6 at pH 6.0 → above the 管制值 2.0; a project underway
  LA-01 柳岸 construction 1: 2026-10-10 As 35 → above the 筛选值 20; a project done
  LA-02 柳岸 construction 2: never sampled
"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from jiedao.conftest import grid_centre
from jiedao.soil import services
from jiedao.soil.models import ProjectStatus, RemediationProject, SoilLimit
from jiedao.soil.selectors import point_states, soil_figures

TODAY = date(2026, 11, 17)


def sample(world, code, on, parameter, value):
    services.sample_record(by=world.people.system_admin, point_code=code, sampled_on=on, sampled_by="区监测站",
                           ph="6.0", today=TODAY, report_cases=False,
                           values=[services.MeasuredValue(parameter, value, "mg/kg")])


@pytest.fixture
def points(soil):
    tr2 = services.point_save(code="TR-02", name="桃源菜地", longitude=grid_centre(1)[0], latitude=grid_centre(1)[1],
                              land_use_class=soil.classes["farmland"])
    la2 = services.point_save(code="LA-02", name="柳岸空地", longitude=grid_centre(3)[0], latitude=grid_centre(3)[1],
                              land_use_class=soil.classes["construction_2"])
    sample(soil, "TR-01", date(2026, 5, 1), "Cd", "0.45")
    sample(soil, "TR-01", date(2026, 11, 1), "Cd", "0.2")
    sample(soil, "TR-02", date(2026, 11, 5), "Cd", "2.6")
    sample(soil, "LA-01", date(2026, 10, 10), "As", "35")
    RemediationProject.objects.create(point=tr2, name="安全利用", started_on=date(2026, 11, 10),
                                      planned_end_on=date(2027, 6, 1), status=ProjectStatus.UNDERWAY)
    RemediationProject.objects.create(point=soil.site, name="风险评估", started_on=date(2026, 1, 10),
                                      planned_end_on=date(2026, 6, 1), status=ProjectStatus.DONE)
    return {"TR-01": soil.farm, "TR-02": tr2, "LA-01": soil.site, "LA-02": la2}


def figures_of(user, within=""):
    return soil_figures(point_states(user=user, within=within, first_day=date(2026, 11, 1), last_day=date(2026, 11, 30)))


def test_no_points_is_no_data_for_the_share_never_zero():
    figures = soil_figures([])
    assert (figures.points, figures.over_screening, figures.over_screening_share) == (0, 0, None)


def test_the_figures_read_the_latest_sample_of_each_point(soil, points):
    figures = figures_of(soil.people.leader)
    assert (figures.points, figures.over_screening, figures.over_control, figures.unsampled) == (4, 2, 1, 1)
    assert figures.over_screening_share == Decimal("66.7")  # 2 of the 3 sampled
    assert (figures.samples, figures.sampled_points, figures.open_projects) == (2, 2, 1)
    assert [(row.code, row.points, row.over_screening, row.over_control) for row in figures.by_class] == [
        ("farmland", 2, 1, 1), ("construction_1", 1, 1, 0), ("construction_2", 1, 0, 0)]


def test_only_unsampled_points_have_no_share(soil, points):
    figures = figures_of(soil.people.leader, within=soil.grids[3].path)
    assert (figures.points, figures.unsampled, figures.over_screening_share) == (1, 1, None)


def page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("soil:overview"), params)


def test_the_leader_drills_down_by_unit(client, soil, points, clock):
    response = page(client, soil.people.leader)
    assert response.status_code == 200
    assert [row["unit"] for row in response.context["breakdown"]] == [soil.area]
    rows = {row["unit"].name: row["figures"] for row in page(client, soil.people.leader, unit=soil.area.pk)
            .context["breakdown"]}
    assert {name: (f.points, f.over_screening, f.over_control, f.samples, f.open_projects)
            for name, f in rows.items()} == {"桃源社区": (2, 1, 1, 2, 1), "柳岸社区": (2, 1, 0, 0, 0)}
    grids = page(client, soil.people.leader, unit=soil.taoyuan.pk).context["breakdown"]
    assert [row["unit"] for row in grids] == soil.grids[:2]
    assert page(client, soil.people.leader, unit=soil.grids[0].pk).context["breakdown"] == []


def test_a_secretary_sees_only_their_community(client, soil, points, clock):
    response = page(client, soil.people.secretary)
    assert response.status_code == 200 and response.context["unit"] == soil.taoyuan
    figures = response.context["figures"]
    assert (figures.points, figures.over_screening, figures.over_control, figures.over_screening_share) == (
        2, 1, 1, Decimal("50.0"))
    assert sorted(row[4] for row in response.context["map_data"]["points"]) == ["TR-01", "TR-02"]
    assert page(client, soil.people.secretary, unit=soil.liuan.pk).status_code == 404


def test_the_map_colours_by_level(client, soil, points, clock):
    levels = {row[4]: row[3] for row in page(client, soil.people.leader).context["map_data"]["points"]}
    assert levels == {"TR-01": "below_screening", "TR-02": "above_control", "LA-01": "above_screening", "LA-02": ""}


@pytest.mark.parametrize(("person", "status"), [("grid_worker", 403), ("handler", 403), ("area_leader", 200)])
def test_who_opens_the_overview(client, soil, points, clock, person, status):
    assert page(client, getattr(soil.people, person)).status_code == status


def test_each_figure_opens_the_points_behind_it(client, soil, points, clock):
    tiles = {tile["key"]: tile for tile in page(client, soil.people.leader).context["tiles"]}
    assert (tiles["over_screening"]["text"], tiles["over_control"]["text"], tiles["share"]["text"]) == ("2", "1", "66.7%")

    def codes(link):
        return sorted(row.point.code for row in client.get(link).context["rows"])

    assert codes(tiles["over_screening"]["link"]) == ["LA-01", "TR-02"]
    assert codes(tiles["over_control"]["link"]) == ["TR-02"]
    assert codes(tiles["samples"]["link"]) == ["TR-01", "TR-02"]
    assert codes(tiles["projects"]["link"]) == ["TR-02"]
    assert codes(tiles["unsampled"]["link"]) == ["LA-02"]
    farmland = next(item for item in page(client, soil.people.leader).context["classes"] if item["row"].code == "farmland")
    assert codes(farmland["screening_link"]) == ["TR-02"]


def test_the_list_named_unit_does_not_widen_what_a_secretary_reads(client, soil, points, clock):
    client.force_login(soil.people.secretary)
    response = client.get(reverse("soil:point-list"), {"unit": soil.liuan.pk})
    assert response.status_code == 200 and response.context["rows"] == []


def test_hostile_parameters_are_a_400(client, soil, points, clock):
    client.force_login(soil.people.leader)
    for params in ({"level": "x"}, {"class": "<b>"}, {"unit": "-1"}, {"projects": "all"}):
        assert client.get(reverse("soil:point-list"), params).status_code == 400
    assert page(client, soil.people.leader, unit="abc").status_code == 400


def test_the_unconfirmed_limits_are_said_until_confirmed(client, soil, points, clock):
    assert "限值待确认" in page(client, soil.people.leader).content.decode()
    SoilLimit.objects.update(is_confirmed=True)
    assert "限值待确认" not in page(client, soil.people.leader).content.decode()
