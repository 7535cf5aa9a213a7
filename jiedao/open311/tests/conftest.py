import json
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest
from django.test import Client

from jiedao.conftest import SHANGHAI, TUESDAY_0900, clock, grid_centre, make_upload, report, walk_to  # noqa: F401
from jiedao.open311.services import open311_client_issue

BASE = "/open311/v2"


class Open311Caller:
    """A plain HTTP caller of /open311/v2, as an outside system is: no session, no CSRF token."""

    def __init__(self, language="zh-hans"):
        self.client = Client(HTTP_ACCEPT_LANGUAGE=language, enforce_csrf_checks=True)

    def get(self, path, **params):
        return self.client.get(f"{BASE}/{path}", params)

    def post(self, path, data=None, **extra):
        # Form-encoded, as the spec says (multipart when a photo is sent).
        if any(hasattr(value, "read") or isinstance(value, list) for value in (data or {}).values()):
            return self.client.post(f"{BASE}/{path}", data or {}, **extra)
        return self.client.post(f"{BASE}/{path}", _urlencode(data or {}),
                                content_type="application/x-www-form-urlencoded", **extra)


def _urlencode(data: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(data, doseq=True)


@pytest.fixture
def caller():
    return Open311Caller()


@pytest.fixture
def api_client(db):
    """A registered Open311 client and its key."""
    client, key = open311_client_issue(name="区 12345 平台")
    return SimpleNamespace(client=client, key=key)


def report_form(key, column=0, **overrides):
    lon, lat = grid_centre(column)
    form = {"api_key": key, "service_code": "06010", "lat": f"{lat:.6f}", "long": f"{lon:.6f}",
            "description": "路口成堆垃圾", "address_string": "桃源路 12 号", "first_name": "三", "last_name": "张",
            "phone": "13800001111", "email": "zhang@example.com"}
    form.update(overrides)
    return form


def published_case(world, column=0, state="accepted", **kwargs):
    """A resident's report the office has taken in (and walked further when asked)."""
    kwargs.setdefault("photos", [])
    case = report(world, by=None, source="resident", column=column, reporter_name="李四",
                  reporter_phone="13912345678", **kwargs)
    return walk_to(world, case, state)


def body(response):
    """The document of a response in either format: JSON as is; XML as the element tree."""
    if response["Content-Type"].startswith("application/json"):
        return json.loads(response.content)
    return ElementTree.fromstring(response.content)


def errors_of(response) -> list[tuple[int, str]]:
    document = body(response)
    if isinstance(document, list):
        return [(error["code"], error["description"]) for error in document]
    assert document.tag == "errors"
    return [(int(error.findtext("code")), error.findtext("description")) for error in document.findall("error")]
