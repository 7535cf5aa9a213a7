"""The entry forms say what they need next to the field."""

import json
from datetime import date

from django.urls import reverse

from jiedao.conftest import grid_centre
from jiedao.greening.models import Planting, PlantingKind
from jiedao.greening.services import planting_record
from jiedao.territory.models import Organisation, OrganisationKind


def test_a_planting_without_a_place_asks_for_one_on_the_map(client, world, clock):
    gardens = Organisation.objects.create(kind=OrganisationKind.DEPARTMENT, code="D10", name="园林绿化所")
    client.force_login(world.people.leader)
    response = client.post(reverse("greening:planting-create"), {
        "kind": PlantingKind.INFILL, "area_m2": "50", "species": "香樟", "geometry": "", "planted_on": "2026-11-01",
        "responsible_unit": "居委会", "maintainer": str(gardens.pk)})
    assert response.status_code == 400
    assert response.context["errors"] == {"geometry": "请在地图上点选种植地点，或填入 GeoJSON 点或面"}
    assert 'id="planting-map"' in response.content.decode()
    assert Planting.objects.count() == 0


def test_the_check_form_names_what_is_counted(client, world, clock):
    gardens = Organisation.objects.create(kind=OrganisationKind.DEPARTMENT, code="D10", name="园林绿化所")
    lon, lat = grid_centre(0)
    planting = planting_record(by=world.people.leader, kind=PlantingKind.INFILL, area_m2="", count="40",
                               species="香樟", geometry=json.dumps({"type": "Point", "coordinates": [lon, lat]}),
                               planted_on=date(2026, 10, 1), today=date(2026, 11, 17), responsible_unit="居委会",
                               maintainer_id=str(gardens.pk), case_number="")
    client.force_login(world.people.leader)
    page = client.get(reverse("greening:planting-detail", args=[planting.pk])).content.decode()
    assert "成活株数" in page and 'max="40"' in page and "种植 40 株" in page
    refused = client.post(reverse("greening:check-create"),
                          {"planting": planting.pk, "checked_on": "2026-11-01", "surviving": "41"})
    assert refused.status_code == 400
    assert "不能多于种植数量" in refused.context["check_errors"]["surviving"]
