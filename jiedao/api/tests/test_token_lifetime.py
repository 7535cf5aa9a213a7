"""API tokens expire (the lifetime is the administrator's ApiTokenPolicy), say so when they have,
note their last use at most once a minute, and are issued and revoked in the admin with a record
in the security log that names the token and never holds its key."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jiedao.api.models import ApiToken, ApiTokenPolicy
from jiedao.api.services import api_token_hash, api_token_issue
from jiedao.audit.models import EventKind, SecurityEvent
from jiedao.conftest import TUESDAY_0900

pytestmark = pytest.mark.django_db


def _get(key, language="zh-hans"):
    return Client(HTTP_ACCEPT_LANGUAGE=language).get("/api/v1/inbox", HTTP_AUTHORIZATION=f"Bearer {key}")


def test_a_token_lives_for_the_policys_ninety_days_by_default(world, clock):
    token, _key = api_token_issue(user=world.people.intake_clerk, name="script")

    assert ApiTokenPolicy.current().lifetime_days == 90
    assert token.expires_at == TUESDAY_0900 + timedelta(days=90)


def test_a_changed_policy_applies_to_tokens_issued_afterwards(world, clock):
    earlier, _key = api_token_issue(user=world.people.intake_clerk, name="earlier")
    ApiTokenPolicy.objects.filter(pk=1).update(lifetime_days=7)

    later, _key = api_token_issue(user=world.people.intake_clerk, name="later")

    assert later.expires_at == TUESDAY_0900 + timedelta(days=7)
    assert ApiToken.objects.get(pk=earlier.pk).expires_at == TUESDAY_0900 + timedelta(days=90)


def test_a_token_works_until_it_expires_and_then_gets_401_saying_so(world, clock):
    _token, key = api_token_issue(user=world.people.intake_clerk, name="script", lifetime_days=1)

    clock.move_to(TUESDAY_0900 + timedelta(days=1, seconds=-1))
    before = _get(key)
    clock.move_to(TUESDAY_0900 + timedelta(days=1))
    after = _get(key)
    in_english = _get(key, language="en")

    assert before.status_code == 200
    assert after.status_code == 401
    assert after.json() == {"detail": "该 API 令牌已于 2026-11-18 09:00 过期，请申请新的令牌", "field": None}
    assert after["WWW-Authenticate"] == 'Bearer realm="api", error="invalid_token"'
    assert in_english.json()["detail"] == "This API token expired at 2026-11-18 09:00; ask for a new one"


def test_an_expired_token_does_not_fall_back_to_the_session(world, clock, client):
    _token, key = api_token_issue(user=world.people.intake_clerk, name="script", lifetime_days=1)
    client.force_login(world.people.intake_clerk)
    clock.move_to(TUESDAY_0900 + timedelta(days=2))

    response = client.get("/api/v1/inbox", HTTP_AUTHORIZATION=f"Bearer {key}")

    assert response.status_code == 401


def test_the_last_use_is_written_at_most_once_a_minute(world, clock):
    token, key = api_token_issue(user=world.people.intake_clerk, name="script")

    _get(key)
    with CaptureQueriesContext(connection) as again:
        _get(key)
    clock.move_to(TUESDAY_0900 + timedelta(seconds=61))
    _get(key)

    token.refresh_from_db()
    assert token.last_used_at == TUESDAY_0900 + timedelta(seconds=61)
    assert not [q for q in again.captured_queries if q["sql"].startswith("UPDATE") and "api_apitoken" in q["sql"]]


def test_the_command_takes_a_lifetime(world, clock):
    call_command("issue_api_token", "intake_clerk", "bridge", "--days", "30", stdout=io.StringIO(), stderr=io.StringIO())

    assert ApiToken.objects.get().expires_at == TUESDAY_0900 + timedelta(days=30)


def _log_text() -> str:
    return json.dumps([[e.kind, e.target, e.target_label, e.detail] for e in SecurityEvent.objects.all()],
                      ensure_ascii=False)


def test_the_admin_issues_a_token_shows_the_key_once_and_logs_the_issue_without_it(world, clock, admin_client):
    response = admin_client.post("/admin/api/apitoken/add/", {
        "user": world.people.dispatcher.pk, "name": "12345 对接脚本", "lifetime_days": "30"}, follow=True)

    token = ApiToken.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    key = next(m.rsplit("：", 1)[1] for m in shown if "只显示这一次" in m)
    assert (token.user, token.name, token.key_hash) == (world.people.dispatcher, "12345 对接脚本", api_token_hash(key))
    assert token.expires_at == TUESDAY_0900 + timedelta(days=30)
    event = SecurityEvent.objects.get(kind=EventKind.TOKEN_ISSUED)
    assert (event.actor_name, event.target, event.detail) == ("admin", f"api.apitoken:{token.pk}", {
        "user": world.people.dispatcher.username, "name": "12345 对接脚本", "prefix": key[:8],
        "expires_at": token.expires_at.isoformat()})
    assert SecurityEvent.objects.filter(kind=EventKind.ADMIN_ADDED).count() == 0
    assert key not in _log_text() and token.key_hash not in _log_text()
    assert _get(key).status_code == 200
    assert key not in admin_client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()


def test_a_revocation_in_the_admin_is_one_record_per_token_without_the_key(world, clock, admin_client):
    token, key = api_token_issue(user=world.people.intake_clerk, name="script")

    admin_client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})

    event = SecurityEvent.objects.get(kind=EventKind.TOKEN_REVOKED)
    assert (event.actor_name, event.target, event.detail["prefix"]) == ("admin", f"api.apitoken:{token.pk}", key[:8])
    assert SecurityEvent.objects.filter(kind=EventKind.ADMIN_CHANGED).count() == 0
    assert key not in _log_text() and token.key_hash not in _log_text()
