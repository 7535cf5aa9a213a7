"""The published description of the API, and the docs page that works on a closed network."""

import re

import pytest
from django.test import Client
from openapi_spec_validator import validate

from jiedao.cases.workflow import ACTIONS

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_describes_every_endpoint(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Jiedao API"
    assert schema["info"]["version"] == "1"
    assert {"/api/v1/cases", "/api/v1/cases/{number}", "/api/v1/catalogue", "/api/v1/inbox"} <= set(schema["paths"])
    assert set(schema["paths"]["/api/v1/cases"]) == {"get", "post"}
    for code in ACTIONS:
        assert "post" in schema["paths"][f"/api/v1/cases/{{number}}/actions/{code}"]


def test_every_reference_in_the_schema_resolves(schema):
    text = str(schema)
    for name in set(re.findall(r"#/components/schemas/([A-Za-z0-9_]+)", text)):
        assert name in schema["components"]["schemas"]


def test_both_ways_to_sign_in_are_declared(schema):
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"} in [
        {key: value for key, value in scheme.items() if key in {"type", "scheme"}} for scheme in schemes.values()]
    assert any(scheme.get("in") == "cookie" for scheme in schemes.values())


def test_times_are_documented_as_date_times(schema):
    reported_at = schema["components"]["schemas"]["CaseSummaryOut"]["properties"]["reported_at"]
    assert reported_at["format"] == "date-time"


def test_photo_actions_take_multipart_files(schema):
    body = schema["paths"]["/api/v1/cases/{number}/actions/report_fix"]["post"]["requestBody"]
    assert "multipart/form-data" in body["content"]


def test_the_schema_validates_as_openapi(schema):
    validate(schema)


def test_the_docs_page_loads_nothing_from_outside(world):
    page = Client().get("/api/v1/docs")

    html = page.content.decode()
    assert page.status_code == 200
    assert not re.search(r"""(src|href)=["']https?://""", html)
    assert Client().get("/api/v1/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert Client().get("/api/v1/docs/assets/settings.py").status_code == 404
