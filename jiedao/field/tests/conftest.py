"""The field app's tests: a signed-in client per person, and the device's requests."""

import json
import uuid

import pytest
from django.test import Client

from jiedao.conftest import grid_centre, make_upload


class Device:
    """A phone of one person: the requests its outbox sends (multipart or JSON, with a key)."""

    def __init__(self, user, *, item, language="zh-hans"):
        self.user = user
        self.item = item
        self.client = Client(HTTP_ACCEPT_LANGUAGE=language)
        self.client.force_login(user)

    def report(self, key=None, column=0, **overrides):
        lon, lat = grid_centre(column)
        fields = {"key": str(uuid.uuid4()) if key is None else key, "item": str(self.item.pk),
                  "longitude": str(lon), "latitude": str(lat), "crs": "wgs84", "description": "路口成堆垃圾",
                  "photos": make_upload()}
        fields.update(overrides)
        return self.client.post("/field/api/reports/", fields)

    def act(self, kind, case, key=None, **fields):
        from jiedao.field.selectors import case_stage

        fields.setdefault("seen_stage", case_stage(case))
        fields["key"] = str(uuid.uuid4()) if key is None else key
        return self.client.post(f"/field/api/cases/{case.number}/{kind}/", fields)

    def post_json(self, path, body):
        return self.client.post(path, json.dumps(body), content_type="application/json")

    def start_patrol(self, client_id=None, started_at=None):
        return self.post_json("/field/api/patrols/", {"client_id": str(client_id or uuid.uuid4()),
                                                      "started_at": started_at})

    def points(self, client_id, points, key=None, crs="wgs84"):
        return self.post_json(f"/field/api/patrols/{client_id}/points/",
                              {"key": str(uuid.uuid4()) if key is None else key, "crs": crs, "points": points})

    def stop_patrol(self, client_id, ended_at=None):
        return self.post_json(f"/field/api/patrols/{client_id}/stop/", {"ended_at": ended_at})


@pytest.fixture
def device(world):
    devices = {}

    def device_of(name, language="zh-hans") -> Device:
        if (name, language) not in devices:
            devices[name, language] = Device(getattr(world.people, name), item=world.item, language=language)
        return devices[name, language]
    return device_of
