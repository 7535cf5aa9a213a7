import pytest
from django.test import Client

from jiedao.api.services import api_token_issue
from jiedao.conftest import SHANGHAI, TUESDAY_0900, clock, grid_centre, make_upload, report  # noqa: F401


class ApiClient:
    """A test client signed in with an API key, speaking the API's language."""

    def __init__(self, user, language="zh-hans"):
        _token, key = api_token_issue(user=user, name="tests")
        self.key = key
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_ACCEPT_LANGUAGE=language)

    def get(self, path, **params):
        return self.client.get(f"/api/v1{path}", params)

    def post(self, path, data=None):
        # Multipart, as a phone app sends reports and actions with photos.
        return self.client.post(f"/api/v1{path}", data or {})

    def act(self, case_number, action, **fields):
        return self.post(f"/cases/{case_number}/actions/{action}", fields)


@pytest.fixture
def as_person(world):
    clients = {}

    def client_for(name, language="zh-hans"):
        if (name, language) not in clients:
            clients[name, language] = ApiClient(getattr(world.people, name), language)
        return clients[name, language]
    return client_for


def report_fields(column=0, **overrides):
    lon, lat = grid_centre(column)
    fields = {"item_code": "06010", "longitude": str(lon), "latitude": str(lat), "description": "路口成堆垃圾",
              "address": "桃源路 12 号", "photos": make_upload()}
    fields.update(overrides)
    return fields
