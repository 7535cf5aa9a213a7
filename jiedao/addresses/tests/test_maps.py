"""Every map draws the register's roads and the grids' names without a tile server, and the
office's tile service (JIEDAO_TILE_URL) where one is configured; the CSP lets its tiles in."""

import html
import json
import re

import pytest
from django.test import Client

from jiedao.conftest import report
from jiedao.settings import tile_origin

pytestmark = pytest.mark.django_db

TIANDITU = ("https://t{s}.tianditu.gov.cn/vec_w/wmts?LAYER=vec&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=KEY "
            "https://t{s}.tianditu.gov.cn/cva_w/wmts?LAYER=cva&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=KEY")


def map_data(client, url, script_id):
    response = client.get(url)
    assert response.status_code == 200, url
    found = re.search(rf'<script id="{script_id}" type="application/json">(.*?)</script>', response.content.decode(),
                      re.S)
    return json.loads(html.unescape(found.group(1)))


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_every_map_carries_the_roads_the_grid_names_and_the_tiles(world, clock, address_register, settings):
    settings.JIEDAO_TILE_URL = TIANDITU
    settings.JIEDAO_TILE_SUBDOMAINS = "01234567"
    settings.JIEDAO_TILE_ATTRIBUTION = "天地图"
    case = report(world)
    pages = [
        (signed_in(world.people.intake_clerk), "/cases/new/", "report-map-data"),
        (signed_in(world.people.intake_clerk), f"/cases/{case.number}/", "case-map-data"),
        (signed_in(world.people.leader), "/dashboard/", "dashboard-map-data"),
        (signed_in(world.people.grid_worker), "/field/report/", "field-map-data"),
        (Client(), "/p/report/", "report-map-data"),
        (Client(), "/p/map/", "public-map-data"),
    ]
    for client, url, script_id in pages:
        data = map_data(client, url, script_id)
        assert (data["tileUrl"], data["tileSubdomains"], data["attribution"]) == (TIANDITU, "01234567", "天地图"), url
        assert sorted(feature["properties"]["name"] for feature in data["roads"]["features"]) == [
            "柳岸街", "桃源路", "桃花弄"], url
        assert sorted(label["name"] for label in data["gridLabels"]) == sorted(g.name for g in world.grids), url


def test_a_long_road_is_named_along_its_course(world, address_register):
    data = map_data(signed_in(world.people.intake_clerk), "/cases/new/", "report-map-data")
    by_name = {feature["properties"]["name"]: feature["properties"]["labels"] for feature in data["roads"]["features"]}
    assert len(by_name["桃源路"]) == 2  # about 1.7 km: named every 700 m
    assert len(by_name["桃花弄"]) == 1


def test_the_policy_lets_in_the_tiles_of_each_template():
    assert tile_origin(TIANDITU) == ["https://*.tianditu.gov.cn"]
    assert tile_origin("http://10.0.0.5:8080/tiles/{z}/{x}/{y}.png") == ["http://10.0.0.5:8080"]
