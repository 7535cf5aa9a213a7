"""Plantings and checks through the services and HTTP: bad input, access per object, the area."""

import json
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jiedao.conftest import grid_centre, report, square
from jiedao.evaluation.measures import measure_for
from jiedao.greening.models import GreeningPolicy, Planting, PlantingKind, SurvivalCheck
from jiedao.greening.selectors import area_added_by_unit
from jiedao.greening.services import planting_record, survival_check_record
from jiedao.territory.models import Organisation, OrganisationKind

TODAY = date(2026, 11, 17)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def gardens(world):
    return Organisation.objects.create(kind=OrganisationKind.DEPARTMENT, code="D10", name="园林绿化所")


def plant(world, gardens, *, column=0, by=None, **overrides):
    lon, lat = grid_centre(column)
    params = dict(by=by or world.people.leader, kind=PlantingKind.INFILL, area_m2="120", count="",
                  species="香樟", geometry=json.dumps({"type": "Point", "coordinates": [lon, lat]}),
                  planted_on=date(2026, 3, 1), today=TODAY, responsible_unit="桃源社区居委会",
                  maintainer_id=str(gardens.pk), case_number="")
    params.update(overrides)
    return planting_record(**params)


def test_planting_is_placed_in_the_community_of_its_point(world, gardens):
    planting = plant(world, gardens, column=2)
    assert planting.community == world.liuan
    assert planting.territory_path == world.grids[2].path


def test_a_polygon_planting_is_placed_by_a_point_inside_it(world, gardens):
    lon, lat = grid_centre(1)
    planting = plant(world, gardens, geometry=json.dumps(square(lon - 0.001, lat - 0.001, 0.002)))
    assert planting.community == world.taoyuan


@pytest.mark.parametrize(("overrides", "field"), [
    ({"area_m2": "-5"}, "area_m2"),
    ({"area_m2": "", "count": ""}, "area_m2"),
    ({"count": "2.5"}, "count"),
    ({"geometry": "{not json"}, "geometry"),
    ({"geometry": json.dumps({"type": "Point", "coordinates": [116.0, 39.0]})}, "geometry"),
    ({"planted_on": date(2026, 12, 1)}, "planted_on"),
    ({"case_number": "2026-999999", "kind": PlantingKind.DEMOLITION}, "case"),
])
def test_bad_planting_is_refused_and_nothing_written(world, gardens, overrides, field):
    with pytest.raises(ValidationError) as refused:
        plant(world, gardens, **overrides)
    assert field in refused.value.message_dict
    assert Planting.objects.count() == 0


def test_demolition_planting_links_a_case_the_reader_may_see(world, gardens, clock):
    case = report(world)
    planting = plant(world, gardens, kind=PlantingKind.DEMOLITION, case_number=case.number)
    assert planting.case == case


def test_a_case_the_recorder_may_not_see_is_refused(world, gardens, clock):
    case = report(world)
    with pytest.raises(ValidationError) as refused:
        plant(world, gardens, by=world.people.department_admin, maintainer_id=str(gardens.pk),
              kind=PlantingKind.DEMOLITION, case_number=case.number)
    assert "case" in refused.value.message_dict


def test_a_department_admin_enters_only_his_own_organisations_plantings(world, gardens):
    with pytest.raises(ValidationError) as refused:
        plant(world, gardens, by=world.people.department_admin)
    assert "form" in refused.value.message_dict
    planting = plant(world, gardens, by=world.people.department_admin, maintainer_id=str(world.cleaning.pk))
    assert planting.maintainer == world.cleaning


def check(world, planting, **overrides):
    params = dict(by=world.people.leader, planting_id=str(planting.pk), checked_on=date(2026, 4, 1), today=TODAY,
                  surviving="100", note="")
    params.update(overrides)
    return survival_check_record(**params)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"planting_id": "999999"}, "planting"),
    ({"checked_on": date(2026, 2, 28)}, "checked_on"),
    ({"surviving": "120.5"}, "surviving"),
    ({"surviving": "-1"}, "surviving"),
])
def test_bad_survival_check_is_refused_and_nothing_written(world, gardens, overrides, field):
    planting = plant(world, gardens)
    with pytest.raises(ValidationError) as refused:
        check(world, planting, **overrides)
    assert field in refused.value.message_dict
    assert SurvivalCheck.objects.count() == 0


def test_area_added_per_community_and_period(world, gardens):
    plant(world, gardens, column=0, area_m2="120", planted_on=date(2026, 3, 1))
    plant(world, gardens, column=1, area_m2="30.5", planted_on=date(2026, 3, 31))
    plant(world, gardens, column=1, area_m2="", count="12", planted_on=date(2026, 3, 15))
    plant(world, gardens, column=2, area_m2="200", planted_on=date(2026, 4, 1))
    march = dict(start=date(2026, 3, 1), end=date(2026, 4, 1))
    assert area_added_by_unit(units=[world.taoyuan, world.liuan, world.area], **march) == {
        world.taoyuan.pk: Decimal("150.5"), world.liuan.pk: Decimal(0), world.area.pk: Decimal("150.5")}
    measure = measure_for("greening:area_added")
    assert measure.values([world.liuan], datetime(2026, 4, 1, tzinfo=SHANGHAI),
                          datetime(2026, 5, 1, tzinfo=SHANGHAI)) == {world.liuan.pk: Decimal("200.0")}


# ---------------------------------------------------------------- pages

def test_list_shows_totals_and_replanting_due(client, world, gardens, clock):
    below = plant(world, gardens, column=0, area_m2="", count="20")
    check(world, below, surviving="16")  # 80.0 % < 85 %
    fine = plant(world, gardens, column=1, area_m2="", count="10")
    check(world, fine, surviving="10")
    GreeningPolicy.objects.create(check_days="30,90", autumn_month=10, survival_threshold=Decimal(85))
    client.force_login(world.people.leader)
    response = client.get(reverse("greening:planting-list"), {"start": "2026-01-01", "end": "2026-11-17"})
    assert response.status_code == 200
    assert response.context["totals"]["plantings"] == 2
    assert response.context["totals"]["count"] == 30
    assert response.context["totals"]["average_rate"] == Decimal("90.0")
    assert response.context["totals"]["replanting_due"] == 1
    assert [row.rate for row in response.context["rows"]] == [Decimal("100.0"), Decimal("80.0")]


@pytest.mark.parametrize(("person", "sees"), [
    ("leader", {0, 2}), ("area_leader", {0, 2}), ("secretary", {0}), ("other_secretary", {2}),
    ("handler", {2}), ("department_admin", {2}), ("other_handler", set()), ("grid_worker", None),
    ("dispatcher", None),
])
def test_each_person_reads_the_plantings_in_reach(client, world, gardens, person, sees):
    plantings = {0: plant(world, gardens, column=0), 2: plant(world, gardens, column=2,
                                                              maintainer_id=str(world.cleaning.pk))}
    client.force_login(getattr(world.people, person))
    response = client.get(reverse("greening:planting-list"))
    if sees is None:
        assert response.status_code == 404
        return
    assert {row.planting.pk for row in response.context["rows"]} == {plantings[n].pk for n in sees}
    for number, planting in plantings.items():
        page = client.get(reverse("greening:planting-detail", args=[planting.pk]))
        assert page.status_code == (200 if number in sees else 404)


def test_anonymous_is_sent_to_sign_in(client, world):
    assert client.get(reverse("greening:planting-list")).status_code == 302


def test_planting_form_over_http_and_bad_input_kept(client, world, gardens, clock):
    client.force_login(world.people.leader)
    assert client.get(reverse("greening:planting-create")).status_code == 200
    lon, lat = grid_centre(0)
    data = {"kind": "infill", "area_m2": "-3", "count": "", "species": "桂花",
            "geometry": json.dumps({"type": "Point", "coordinates": [lon, lat]}), "planted_on": "2026-11-01",
            "responsible_unit": "桃源社区", "maintainer": str(gardens.pk), "case": ""}
    refused = client.post(reverse("greening:planting-create"), data)
    assert refused.status_code == 400
    assert "不能为负数" in refused.content.decode()
    assert 'value="桂花"' in refused.content.decode()
    assert Planting.objects.count() == 0
    created = client.post(reverse("greening:planting-create"), {**data, "area_m2": "45"})
    planting = Planting.objects.get()
    assert created.status_code == 302 and created.url == reverse("greening:planting-detail", args=[planting.pk])
    assert planting.area_m2 == Decimal("45.0")


def test_a_secretary_may_not_open_the_planting_form(client, world):
    client.force_login(world.people.secretary)
    assert client.get(reverse("greening:planting-create")).status_code == 404


def test_check_form_over_http(client, world, gardens, clock):
    planting = plant(world, gardens, area_m2="", count="20")
    client.force_login(world.people.leader)
    url = reverse("greening:check-create")
    too_many = client.post(url, {"planting": planting.pk, "checked_on": "2026-04-01", "surviving": "21"})
    assert too_many.status_code == 400
    assert 'value="21"' in too_many.content.decode()
    unknown = client.post(url, {"planting": 999999, "checked_on": "2026-04-01", "surviving": "1"})
    assert unknown.status_code == 400
    assert "没有这条种植记录" in unknown.content.decode()
    assert SurvivalCheck.objects.count() == 0
    done = client.post(url, {"planting": planting.pk, "checked_on": "2026-04-01", "surviving": "17"})
    assert done.status_code == 302
    assert SurvivalCheck.objects.get().surviving == Decimal("17.0")
    page = client.get(reverse("greening:planting-detail", args=[planting.pk]))
    assert page.context["status"].rate == Decimal("85.0")
    assert page.context["status"].replanting_due is False


def test_a_secretary_may_not_record_a_check(client, world, gardens):
    planting = plant(world, gardens)
    client.force_login(world.people.secretary)
    refused = client.post(reverse("greening:check-create"),
                          {"planting": planting.pk, "checked_on": "2026-04-01", "surviving": "100"})
    assert refused.status_code == 400
    assert SurvivalCheck.objects.count() == 0


def test_the_linked_case_is_named_only_to_who_may_open_it(world, gardens, clock, client, django_user_model):
    from jiedao.territory.models import Duty, Role

    case = report(world)
    planting = plant(world, gardens, kind=PlantingKind.DEMOLITION, case_number=case.number)
    gardener = django_user_model.objects.create_user(username="gardener", password="pass-1234")
    Duty.objects.create(user=gardener, role=Role.DEPARTMENT_HANDLER, organisation=gardens)

    client.force_login(world.people.leader)
    assert case.number in client.get(f"/greening/{planting.pk}/").content.decode()
    client.force_login(gardener)  # reads the plantings its department keeps, not the case of another
    page = client.get(f"/greening/{planting.pk}/")
    assert page.status_code == 200
    assert case.number not in page.content.decode() and "不在您的范围内" in page.content.decode()
