"""A CSRF refusal answers in the caller's terms: JSON (translated, with `code: csrf_failed`, which
the field app's outbox reads as "sign in again") for the JSON endpoints and callers that ask for
JSON; the site's translated page for a browser's form."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _signed_in(user, language="zh-hans") -> Client:
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_the_field_apps_outbox_without_a_token_gets_json(world):
    response = _signed_in(world.people.grid_worker).post("/field/api/reports/", {"key": "k" * 16},
                                                         HTTP_ACCEPT="application/json")

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "CSRF 校验失败，请刷新页面后重试", "field": None, "code": "csrf_failed"}


def test_a_json_body_gets_json_in_the_callers_language(world):
    response = _signed_in(world.people.grid_worker, language="en").post(
        "/field/api/patrols/", '{"client_id": "x"}', content_type="application/json")

    assert response.status_code == 403
    assert response.json()["detail"] == "CSRF check failed; reload the page and try again"


def test_the_rest_api_with_a_session_and_no_token_gets_json(world, clock):
    from jiedao.conftest import report

    case = report(world, by=world.people.grid_worker)

    response = _signed_in(world.people.intake_clerk).post(f"/api/v1/cases/{case.number}/actions/accept", {})

    assert response.status_code == 403
    assert response.json()["detail"] == "CSRF 校验失败，请刷新页面后重试"


def test_a_fetch_asking_for_json_from_a_page_url_gets_json(world):
    response = _signed_in(world.people.intake_clerk).post("/account/password/", {}, HTTP_ACCEPT="application/json")

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


def test_a_browser_form_gets_the_translated_page(world):
    response = _signed_in(world.people.intake_clerk).post(
        "/account/password/", {}, HTTP_ACCEPT="text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")

    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "CSRF 校验失败，请刷新页面后重试" in page
    assert "返回工作台" in page
