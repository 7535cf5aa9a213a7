"""Who may call the API: a key in `Authorization: Bearer`, or the browser session with CSRF."""

import io

import pytest
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from jiedao.api.admin import ApiTokenAdmin
from jiedao.api.models import ApiToken
from jiedao.api.services import api_token_hash, api_token_issue, api_token_revoke
from jiedao.cases.models import Case

from .conftest import report, report_fields

pytestmark = pytest.mark.django_db


def test_a_key_signs_the_caller_in(world, clock):
    _token, key = api_token_issue(user=world.people.intake_clerk, name="script")

    response = Client().get("/api/v1/inbox", HTTP_AUTHORIZATION=f"Bearer {key}")

    assert response.status_code == 200
    assert "to_accept" in [box["code"] for box in response.json()]


def test_only_the_hash_and_prefix_of_a_key_are_stored(world):
    token, key = api_token_issue(user=world.people.intake_clerk, name="script")

    stored = ApiToken.objects.get()
    assert stored.key_hash == api_token_hash(key) != key
    assert stored.prefix == key[:8]
    assert token.pk == stored.pk


def test_using_a_key_records_when(world, clock):
    token, key = api_token_issue(user=world.people.intake_clerk, name="script")

    Client().get("/api/v1/inbox", HTTP_AUTHORIZATION=f"Bearer {key}")

    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_key_gets_401(world):
    token, key = api_token_issue(user=world.people.intake_clerk, name="script")
    assert api_token_revoke(token=token) is True

    response = Client().get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {key}")

    assert response.status_code == 401
    assert response.json() == {"detail": f"该 API 令牌已于 {timezone.localtime(token.revoked_at):%Y-%m-%d %H:%M} 吊销，"
                                         "请申请新的令牌", "field": None}
    assert response["WWW-Authenticate"] == 'Bearer realm="api", error="invalid_token"'


def test_a_key_of_a_deactivated_user_gets_401(world):
    _token, key = api_token_issue(user=world.people.intake_clerk, name="script")
    world.people.intake_clerk.is_active = False
    world.people.intake_clerk.save()

    response = Client().get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {key}")

    assert response.status_code == 401


@pytest.mark.parametrize("header", [None, "Bearer ", "Bearer jd_not-a-key", "Basic dXNlcjpwYXNz", "jd_x"])
def test_no_or_a_wrong_key_gets_401_in_json(world, header):
    headers = {"HTTP_AUTHORIZATION": header} if header is not None else {}

    response = Client().get("/api/v1/cases", **headers)

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")


def test_an_unauthenticated_report_gets_401_not_a_csrf_error_and_makes_nothing(world):
    response = Client(enforce_csrf_checks=True).post("/api/v1/cases", report_fields())

    assert response.status_code == 401
    assert Case.objects.count() == 0


def test_the_401_speaks_english_when_asked(world):
    response = Client().get("/api/v1/cases", HTTP_ACCEPT_LANGUAGE="en")

    assert response.json()["detail"] == "Sign in, or send a valid API token in the Authorization header"


def test_the_session_signs_the_browser_in(world, clock):
    report(world)
    client = Client()
    client.force_login(world.people.intake_clerk)

    response = client.get("/api/v1/cases")

    assert [case["number"] for case in response.json()["items"]] == ["2026-000001"]


def test_a_session_post_without_the_csrf_token_is_refused_and_changes_nothing(world, clock):
    case = report(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.people.intake_clerk)

    response = client.post(f"/api/v1/cases/{case.number}/actions/accept", {})

    assert response.status_code == 403
    assert response.json()["detail"] == "CSRF 校验失败，请刷新页面后重试"
    assert Case.objects.get().state == "reported"


def test_a_session_post_with_the_csrf_token_goes_through(world, clock):
    case = report(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.people.intake_clerk)
    client.get("/api/v1/docs")  # sets the CSRF cookie, as any page of the site does
    token = client.cookies["csrftoken"].value

    response = client.post(f"/api/v1/cases/{case.number}/actions/accept", {}, HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 200
    assert response.json()["state"] == "accepted"


def test_the_command_prints_a_working_key_once(world, clock):
    out, err = io.StringIO(), io.StringIO()

    call_command("issue_api_token", "intake_clerk", "field app", stdout=out, stderr=err)

    key = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.prefix) == (world.people.intake_clerk, "field app", key[:8])
    assert key not in err.getvalue()
    assert Client().get("/api/v1/inbox", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_the_command_refuses_an_unknown_user(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("issue_api_token", "nobody", "field app", stdout=io.StringIO(), stderr=io.StringIO())
    assert ApiToken.objects.count() == 0


def test_the_admin_lists_tokens_and_revokes_them(world, admin_client):
    token, key = api_token_issue(user=world.people.intake_clerk, name="script")
    other, other_key = api_token_issue(user=world.people.dispatcher, name="bridge")

    listing = admin_client.get("/admin/api/apitoken/")
    response = admin_client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})

    assert listing.status_code == 200
    assert token.prefix in listing.content.decode()
    assert key not in listing.content.decode()
    assert response.status_code == 302
    token.refresh_from_db()
    other.refresh_from_db()
    assert token.revoked_at is not None
    assert other.revoked_at is None
    assert Client().get("/api/v1/inbox", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    assert Client().get("/api/v1/inbox", HTTP_AUTHORIZATION=f"Bearer {other_key}").status_code == 200


def test_tokens_are_issued_but_never_edited_or_deleted_in_the_admin(rf, admin_user):
    request = rf.get("/")
    request.user = admin_user
    model_admin = ApiTokenAdmin(ApiToken, site)

    assert model_admin.has_add_permission(request)  # issuing: the key is shown once (test_token_lifetime.py)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.has_view_permission(request)
