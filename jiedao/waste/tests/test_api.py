"""The scales' API: a batch with idempotency keys, units declared and converted, all-or-nothing."""

import json

import time_machine
from django.test import Client

from jiedao.api.services import api_token_issue
from jiedao.conftest import TUESDAY_0900
from jiedao.waste.models import DailyTotal, WasteRecord

URL = "/api/v1/waste/readings"


def post(user, body):
    _token, key = api_token_issue(user=user, name="scale")
    with time_machine.travel(TUESDAY_0900, tick=False):
        return Client().post(URL, data=json.dumps(body), content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_ACCEPT_LANGUAGE="zh-hans")


def reading(key, weight="1.5", unit="t", **overrides):
    return {"key": key, "day": "2026-11-16", "stage": "collection", "waste_class": "residual", "weight": weight,
            "unit": unit, "point": "P001", **overrides}


def test_a_batch_is_written_in_kg_and_a_retry_counts_nothing_twice(world, waste):
    body = {"readings": [reading("s1:1"), reading("s1:2", weight="420", unit="kg", waste_class="kitchen")]}
    first = post(world.people.handler, body)
    assert (first.status_code, first.json()) == (200, {"created": 2, "duplicates": 0})
    again = post(world.people.handler, body)
    assert (again.status_code, again.json()) == (200, {"created": 0, "duplicates": 2})
    assert sorted(WasteRecord.objects.values_list("weight_kg", flat=True)) == [420, 1500]
    assert sum(DailyTotal.objects.values_list("weight_kg", flat=True)) == 1920


def test_an_unknown_unit_or_a_negative_weight_refuses_the_whole_batch(world, waste):
    response = post(world.people.handler, {"readings": [reading("a"), reading("b", unit="lb"),
                                                        reading("c", weight="-2")]})
    assert response.status_code == 400
    assert [(e["index"], e["field"]) for e in response.json()["errors"]] == [(1, "unit"), (2, "weight")]
    assert response.json()["errors"][0]["message"] == "未知的重量单位：lb（可用 kg、t）"
    assert WasteRecord.objects.count() == 0


def test_a_key_reused_for_another_reading_is_refused(world, waste):
    post(world.people.handler, {"readings": [reading("k")]})
    response = post(world.people.handler, {"readings": [reading("k", weight="9")]})
    assert response.status_code == 400
    assert response.json()["field"] == "key"
    assert WasteRecord.objects.get().weight_kg == 1500


def test_someone_without_entry_rights_gets_403_and_nothing_written(world, waste):
    response = post(world.people.grid_worker, {"readings": [reading("x")]})
    assert response.status_code == 403
    assert WasteRecord.objects.count() == 0


def test_a_missing_key_is_a_422(world, waste):
    body = {"readings": [{k: v for k, v in reading("x").items() if k != "key"}]}
    assert post(world.people.handler, body).status_code == 422
