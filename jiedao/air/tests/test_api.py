"""POST /api/v1/air/readings with an ApiToken."""

import json

import pytest
from django.test import Client

from jiedao.air.models import Reading
from jiedao.api.services import api_token_issue
from jiedao.cases.models import Case

from .conftest import reading

pytestmark = pytest.mark.usefixtures("clock")
URL = "/api/v1/air/readings"


def _client(user, language="zh-hans"):
    _token, key = api_token_issue(user=user, name="monitor")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_ACCEPT_LANGUAGE=language)


def _post(client, rows):
    return client.post(URL, json.dumps({"readings": rows}), content_type="application/json")


def test_a_batch_is_taken_and_a_retry_counts_once(air):
    client = _client(air.people.inspector)
    rows = [reading(key="a", value="180"), reading(key="b", value="0.05", unit="mg/m3")]

    first = _post(client, rows)
    again = _post(client, rows)

    assert first.status_code == 200
    number = Case.objects.get().number
    assert first.json() == {"accepted": 2, "duplicates": 0, "exceedances": 1, "cases": [number]}
    assert again.json() == {"accepted": 0, "duplicates": 2, "exceedances": 0, "cases": []}
    assert Reading.objects.count() == 2


def test_a_bad_batch_is_a_400_naming_every_bad_row_in_the_callers_language(air):
    client = _client(air.people.inspector, language="en")

    answer = _post(client, [reading(key="a"), reading(key="b", unit="ppm"), reading(key="c", value="x")])

    assert answer.status_code == 400
    body = answer.json()
    assert body["field"] == "row 2"
    assert set(body["rows"]) == {"row 2", "row 3"}
    assert body["rows"]["row 2"].startswith("Row 2: unknown unit")
    assert Reading.objects.count() == 0


def test_without_a_key_it_is_a_401_and_a_malformed_body_a_422(air):
    assert Client().post(URL, "{}", content_type="application/json").status_code == 401
    client = _client(air.people.inspector)
    assert client.post(URL, json.dumps({"readings": "x"}), content_type="application/json").status_code == 422
    assert client.post(URL, "not json", content_type="application/json").status_code == 400


def test_a_person_without_an_entering_duty_sees_every_source_as_unknown(air):
    answer = _post(_client(air.people.handler), [reading()])

    assert answer.status_code == 400
    assert answer.json()["rows"] == {"row 1": "第 1 条：未知的污染源“GD-01”"}
