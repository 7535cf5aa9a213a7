"""Open311 keys issued, replaced and switched off in the admin are in the security log under their
own kinds, naming the client and the key's prefix, never the key."""

import json

import pytest

from jiedao.audit.models import EventKind, SecurityEvent
from jiedao.open311.models import Open311Client
from jiedao.open311.services import open311_client_issue

pytestmark = pytest.mark.django_db


def _shown_key(response) -> str:
    return next(str(m).rsplit("：", 1)[1] for m in response.context["messages"] if "只显示这一次" in str(m))


def _log_text() -> str:
    return json.dumps([[e.kind, e.target, e.target_label, e.detail] for e in SecurityEvent.objects.all()],
                      ensure_ascii=False)


def test_a_client_added_in_the_admin_logs_its_key_issued_without_the_key(admin_client):
    response = admin_client.post("/admin/open311/open311client/add/", {
        "name": "区 12345 平台", "contact": "", "is_active": "on", "rate_limit_per_minute": ""}, follow=True)

    key = _shown_key(response)
    client = Open311Client.objects.get()
    event = SecurityEvent.objects.get(kind=EventKind.OPEN311_KEY_ISSUED)
    assert (event.actor_name, event.target, event.detail) == (
        "admin", f"open311.open311client:{client.pk}", {"client": "区 12345 平台", "prefix": key[:10]})
    assert SecurityEvent.objects.filter(kind=EventKind.ADMIN_ADDED).count() == 0
    assert key not in _log_text() and client.key_hash not in _log_text()


def test_a_new_key_for_a_client_is_logged_with_the_prefix_it_replaces(admin_client):
    client, old_key = open311_client_issue(name="区 12345 平台")

    response = admin_client.post("/admin/open311/open311client/", {
        "action": "issue_new_key", "_selected_action": [client.pk]}, follow=True)

    new_key = _shown_key(response)
    event = SecurityEvent.objects.filter(kind=EventKind.OPEN311_KEY_ISSUED).latest("pk")
    assert event.detail == {"client": "区 12345 平台", "prefix": new_key[:10], "replaces": old_key[:10]}
    assert event.actor_name == "admin"
    assert SecurityEvent.objects.filter(kind=EventKind.ADMIN_CHANGED).count() == 0
    assert new_key not in _log_text() and old_key not in _log_text()


def test_switching_a_client_off_is_logged_as_its_key_revoked(admin_client):
    client, key = open311_client_issue(name="区 12345 平台")

    admin_client.post(f"/admin/open311/open311client/{client.pk}/change/", {
        "name": "区 12345 平台", "contact": "", "rate_limit_per_minute": ""})

    event = SecurityEvent.objects.get(kind=EventKind.OPEN311_KEY_REVOKED)
    assert (event.actor_name, event.detail) == ("admin", {"client": "区 12345 平台", "prefix": key[:10],
                                                          "is_active": False})
    assert Open311Client.objects.get().is_active is False
