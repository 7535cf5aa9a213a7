"""Every answer against the spec's field rules and our own OpenAPI description: the documented
shape for every status, ids as strings, times with their offset, booleans as booleans, and the
XML as the same document as the JSON (the spec's mechanical mapping), with the spec's names."""

import re
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.test import Client
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from openapi_spec_validator import validate as validate_openapi

from jiedao.cases import services as case_services
from jiedao.catalogue.models import CatalogueItem, CatalogueKind
from jiedao.open311.openapi import openapi_document
from jiedao.open311.render import MEMBER_TAGS
from jiedao.open311.services import open311_attributes_seed_default

from .conftest import make_upload, published_case, report, report_form

pytestmark = pytest.mark.django_db

OFFSET_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\+08:00|Z|[+-]\d\d:\d\d)$")
TIME_FIELDS = {"requested_datetime", "updated_datetime", "expected_datetime", "changeset"}
ID_FIELDS = {"service_request_id", "service_code", "update_id", "token", "code"}


@pytest.fixture
def document():
    return openapi_document()


def test_the_description_is_valid_openapi_and_served(document):
    validate_openapi(document)
    response = Client().get("/open311/v2/openapi.json")
    assert response.status_code == 200
    assert response.json() == document


def test_list_members_take_the_spec_singular_names():
    # GeoReport v2 (and mySociety's Spark.pm for the updates)
    assert MEMBER_TAGS == {"services": "service", "service_requests": "request", "errors": "error",
                           "attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format",
                           "service_request_updates": "request_update"}


def test_every_endpoint_is_described_in_both_formats(document):
    expected = {"/discovery", "/services", "/services/{service_code}", "/requests",
                "/requests/{service_request_id}", "/tokens/{token}", "/servicerequestupdates"}
    assert set(document["paths"]) == {f"{path}.{fmt}" for path in expected for fmt in ("json", "xml")}
    assert set(document["paths"]["/requests.xml"]) == {"get", "post"}
    assert set(document["paths"]["/servicerequestupdates.json"]) == {"get", "post"}


@pytest.fixture
def varied(world, clock, api_client):
    """Published cases in many states, a duplicate, a sensitive category, a public photo, a posted
    report and a resident's update; attributes seeded."""
    stalls = CatalogueItem.objects.create(kind=CatalogueKind.MATTER, major_code="09", major_name="街面秩序类",
                                          code="09006", name="占道经营", standard_ref="GB/T 47678.5-2026",
                                          is_sensitive=True)
    open311_attributes_seed_default()
    cases = [published_case(world, state=state) for state in ("accepted", "filed", "handling", "fixed", "closed")]
    case_services.case_photo_publish(photo=cases[3].photos.get(stage="after"), by=world.people.intake_clerk,
                                     public=True)
    case_services.case_merge(case=published_case(world), into=cases[0], by=world.people.intake_clerk, reason="重复")
    case_services.case_void(case=published_case(world), by=world.people.shift_lead, reason="不属实")
    published_case(world, item=stalls, description="早市")
    report(world, by=None, source="resident", photos=[])  # waiting for intake
    caller = Client()
    token = caller.post("/open311/v2/requests.json", report_form(api_client.key)).json()[0]["token"]
    caller.post("/open311/v2/servicerequestupdates.json", {
        "api_key": api_client.key, "service_request_id": cases[4].number, "update_id": "u1", "status": "OPEN",
        "updated_datetime": "2026-11-17T09:00:00Z", "description": "没修好"})
    clock.shift(timedelta(minutes=5))
    return {"cases": cases, "token": token, "key": api_client.key}


def calls(varied) -> list[tuple[str, str, dict]]:
    number = varied["cases"][2].number
    gets = [
        ("discovery", {}), ("services", {}), ("services/09006", {}), ("services/06010", {}), ("services/00000", {}),
        ("requests", {}), ("requests", {"extensions": "true", "status": "closed"}),
        ("requests", {"page_size": "2", "page": "2"}), ("requests", {"start_date": "2020-01-01T00:00:00Z"}),
        ("requests", {"start_date": "x"}), ("requests", {"service_code": "nope"}), (f"requests/{number}", {}),
        ("requests/2026-999999", {}), (f"tokens/{varied['token']}", {}), ("tokens/NOPE", {}),
        ("servicerequestupdates", {}), ("servicerequestupdates", {"page_size": "0"}),
    ]
    return [("GET", path, params) for path, params in gets] + [
        ("POST", "requests", report_form(varied["key"], client_key="again")),
        ("POST", "requests", report_form(varied["key"], service_code="09006")),
        ("POST", "requests", report_form("wrong")),
        ("POST", "servicerequestupdates", {"api_key": varied["key"], "service_request_id": number,
                                           "update_id": "u2", "status": "CLOSED",
                                           "updated_datetime": "2026-11-17T09:00:00Z", "description": "谢谢"}),
        ("POST", "servicerequestupdates", {"api_key": varied["key"]}),
    ]


def _operation(document, path: str, method: str, fmt: str) -> dict:
    templates = {re.sub(r"\{[^}]+\}", "[^/]+", template).replace(".", r"\."): template
                 for template in document["paths"]}
    for pattern, template in templates.items():
        if re.fullmatch(pattern, f"/{path}.{fmt}"):
            return document["paths"][template][method.lower()]
    raise AssertionError(f"{path}.{fmt} is not described")


def _check_fields(value, name=None):
    """Our own rules on top of the schema: ids are strings, times carry an offset."""
    if isinstance(value, list):
        for item in value:
            _check_fields(item, name)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_fields(item, key)
    elif name in TIME_FIELDS and value is not None:
        assert OFFSET_TIME.match(value), (name, value)
    elif name in ID_FIELDS - {"code"} and value is not None:
        assert isinstance(value, str), (name, value)


def test_every_json_answer_has_the_documented_shape(varied, document):
    caller, seen = Client(), set()
    for method, path, params in calls(varied):
        response = caller.get(f"/open311/v2/{path}.json", params) if method == "GET" else \
            caller.post(f"/open311/v2/{path}.json", params)
        answers = _operation(document, path, method, "json")["responses"]
        assert str(response.status_code) in answers, (path, params, response.status_code)
        assert response["Content-Type"] == "application/json; charset=utf-8"
        schema = answers[str(response.status_code)]["content"]["application/json"]["schema"]
        validator = OAS30Validator({**schema, "components": document["components"]},
                                   format_checker=oas30_format_checker)
        validator.validate(response.json())
        _check_fields(response.json())
        seen.add(response.status_code)
    assert seen == {200, 201, 400, 403, 404}


def _as_json(element: ElementTree.Element, container: str | None = None):
    """The JSON the spec's mechanical mapping gives for an XML element (values stay text)."""
    children = list(element)
    if element.tag in MEMBER_TAGS and (container is None or container == element.tag):
        assert {child.tag for child in children} <= {MEMBER_TAGS[element.tag]}, element.tag
        return [_as_json(child) for child in children]
    if not children:
        return element.text
    return {child.tag: _as_json(child, child.tag) for child in children}


def _text(value):
    """JSON values as XML writes them."""
    if isinstance(value, list):
        return [_text(item) for item in value]
    if isinstance(value, dict):
        return {key: _text(item) for key, item in value.items()}
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def test_every_xml_answer_is_the_json_document_with_the_spec_names(varied):
    caller = Client()
    roots = {"discovery": "discovery", "services": "services", "services/": "service_definition",
             "requests": "service_requests", "requests/": "service_requests", "tokens/": "service_requests",
             "servicerequestupdates": "service_request_updates"}
    for method, path, params in calls(varied):
        if method == "POST":
            continue  # a second POST would be a replay; the POST answers are checked in their own tests
        json_answer = caller.get(f"/open311/v2/{path}.json", params)
        xml_answer = caller.get(f"/open311/v2/{path}.xml", params)
        assert xml_answer.status_code == json_answer.status_code
        assert xml_answer["Content-Type"] == "text/xml; charset=utf-8"
        assert xml_answer.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n')
        root = ElementTree.fromstring(xml_answer.content)  # well-formed
        if json_answer.status_code >= 400:
            assert root.tag == "errors"
            assert [e.tag for e in root] == ["error"]
        else:
            expected = next(tag for prefix, tag in roots.items()
                            if path == prefix or (prefix.endswith("/") and path.startswith(prefix)))
            assert root.tag == expected
        mapped = _as_json(root)
        expected_json = _text(json_answer.json())
        assert _empty_as_none(mapped) == _empty_as_none(expected_json), path


def _empty_as_none(value):
    """An empty optional field is null in JSON and an empty element in XML; an empty list is an
    empty container element either way."""
    if isinstance(value, list):
        return [_empty_as_none(item) for item in value] or None
    if isinstance(value, dict):
        return {key: _empty_as_none(item) for key, item in value.items()}
    return value if value not in ("",) else None


def test_posted_answers_in_xml_use_the_spec_names(world, clock, api_client):
    caller = Client()
    created = ElementTree.fromstring(caller.post("/open311/v2/requests.xml", report_form(api_client.key)).content)
    assert created.tag == "service_requests"
    assert [child.tag for child in created.find("request")] == ["token", "service_notice", "account_id"]
    photo = report_form(api_client.key, media=make_upload(), client_key="p")
    assert caller.post("/open311/v2/requests.xml", photo).status_code == 201
