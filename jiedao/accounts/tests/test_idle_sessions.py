"""身份鉴别 · 登录连接超时自动退出: a session idle longer than the office's time is ended on the server."""

from datetime import timedelta

import pytest
from django.conf import settings

from jiedao.accounts.models import SignInPolicy
from jiedao.audit.models import EventKind, SecurityEvent

pytestmark = pytest.mark.django_db


def _sign_in(client, username):
    answer = client.post("/login/", {"username": username, "password": "pass-1234"}, REMOTE_ADDR="10.4.4.4")
    assert answer.status_code == 302


def test_a_staff_session_idle_for_more_than_30_minutes_is_ended(client, world, clock):
    _sign_in(client, "dispatcher")
    clock.shift(timedelta(minutes=31))

    page = client.get("/?box=all", REMOTE_ADDR="10.4.4.4")

    assert (page.status_code, page.url) == (302, "/login/?next=/%3Fbox%3Dall")
    assert "_auth_user_id" not in client.session
    expired = SecurityEvent.objects.get(kind=EventKind.SESSION_EXPIRED)
    assert (expired.actor_name, expired.address, expired.detail) == (
        "dispatcher", "10.4.4.4", {"idle_minutes": 31, "limit_minutes": 30})
    assert "您已超过 30 分钟未操作，已自动退出，请重新登录。" in client.get(page.url).content.decode()


def test_activity_keeps_the_session_alive(client, world, clock):
    _sign_in(client, "dispatcher")
    for _step in range(4):
        clock.shift(timedelta(minutes=20))
        assert client.get("/").status_code == 200


def test_the_idle_time_is_the_offices_and_field_workers_have_their_own(client, world, clock):
    policy = SignInPolicy.current()
    policy.idle_minutes, policy.field_idle_minutes = 10, 120
    policy.save()
    _sign_in(client, "grid_worker")
    clock.shift(timedelta(minutes=100))
    assert client.get("/field/").status_code == 200

    clock.shift(timedelta(minutes=121))
    assert client.get("/field/").status_code == 302
    assert SecurityEvent.objects.get(kind=EventKind.SESSION_EXPIRED).detail == {"idle_minutes": 121,
                                                                               "limit_minutes": 120}


def test_json_endpoints_answer_401_when_the_session_has_expired(client, world, clock):
    _sign_in(client, "grid_worker")
    clock.shift(timedelta(hours=5))

    answer = client.post("/field/api/reports/", {}, HTTP_ACCEPT="application/json")

    assert answer.status_code == 401
    assert answer.json() == {"detail": "您已超过 240 分钟未操作，已自动退出，请重新登录。", "code": "session_expired"}


def test_the_session_cookie_lasts_a_working_day_at_most():
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
