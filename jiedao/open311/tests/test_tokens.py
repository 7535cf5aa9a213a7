"""GET tokens/{token}: the id of a posted report, once the office has accepted it."""

import pytest

from jiedao.cases import services as case_services
from jiedao.cases.models import Case

from .conftest import body, errors_of, report_form

pytestmark = pytest.mark.django_db


def _posted(caller, key) -> tuple[Case, str]:
    token = body(caller.post("requests.json", report_form(key)))[0]["token"]
    return Case.objects.get(tracking_code=token), token


def test_a_report_waiting_for_intake_has_no_id_yet(world, clock, caller, api_client):
    case, token = _posted(caller, api_client.key)
    response = caller.get(f"tokens/{token}.json")
    assert response.status_code == 200
    assert body(response) == [{"service_request_id": None, "token": token}]
    root = body(caller.get(f"tokens/{token}.xml"))
    assert [child.tag for child in root.find("request")] == ["service_request_id", "token"]
    assert (root.findtext("request/service_request_id"), root.findtext("request/token")) == ("", token)
    assert caller.get(f"requests/{case.number}.json").status_code == 404


def test_once_accepted_the_token_gives_the_id_and_the_request_is_public(world, clock, caller, api_client):
    case, token = _posted(caller, api_client.key)
    case_services.case_accept(case=case, by=world.people.intake_clerk)
    assert body(caller.get(f"tokens/{token}.json")) == [{"service_request_id": case.number, "token": token}]
    assert body(caller.get(f"tokens/{token.lower()}.xml")).findtext("request/service_request_id") == case.number
    [record] = body(caller.get(f"requests/{case.number}.json"))
    assert (record["service_code"], record["status"]) == ("06010", "open")
    assert "张三" not in caller.get(f"requests/{case.number}.json").content.decode()


def test_a_voided_report_gives_its_id_as_closed(world, clock, caller, api_client):
    case, token = _posted(caller, api_client.key)
    case_services.case_void(case=case, by=world.people.shift_lead, reason="不属于本街道")
    assert body(caller.get(f"tokens/{token}.json"))[0]["service_request_id"] == case.number
    assert body(caller.get(f"requests/{case.number}.json"))[0]["status"] == "closed"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_token_is_404(world, clock, caller, fmt):
    response = caller.get(f"tokens/ABCDEFGHJK.{fmt}")
    assert response.status_code == 404
    assert errors_of(response) == [(404, "未找到该 token：ABCDEFGHJK")]


def test_a_token_of_an_unpublished_source_is_404(world, clock, caller):
    from .conftest import report

    case = report(world, by=world.people.shift_lead, source="leader")
    assert caller.get(f"tokens/{case.tracking_code}.json").status_code == 404
