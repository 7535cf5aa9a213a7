"""The office issues client keys in the admin (shown once), edits attributes and the settings."""

import re

import pytest
from django.contrib.messages import get_messages

from jiedao.open311.models import Open311Client, Open311Policy, ServiceAttribute
from jiedao.open311.services import open311_client_authenticate, open311_client_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser(username="root", password="pass-1234", full_name="管理员")
    client.force_login(admin)
    return client


def _key_in(response) -> str:
    [key] = [match.group(1) for m in get_messages(response.wsgi_request)
             if (match := re.search(r"(o311_\S+)$", str(m)))]
    return key


def test_adding_a_client_shows_its_key_once_and_keeps_only_the_hash(admin_client):
    response = admin_client.post("/admin/open311/open311client/add/", {
        "name": "区 12345 平台", "contact": "王工 0571-8888", "is_active": "on", "rate_limit_per_minute": "120"})
    assert response.status_code == 302
    key = _key_in(response)
    client = Open311Client.objects.get()
    assert (client.name, client.rate_limit_per_minute) == ("区 12345 平台", 120)
    assert key.startswith(client.prefix) and key != client.key_hash
    assert open311_client_authenticate(key=key) == client
    shown = admin_client.get("/admin/open311/open311client/").content.decode()  # the page after saving
    assert key in shown
    again = admin_client.get(f"/admin/open311/open311client/{client.pk}/change/").content.decode()
    assert key not in again and client.key_hash not in again


def test_a_new_key_replaces_the_old_one(admin_client):
    client, old_key = open311_client_issue(name="城市 App")
    response = admin_client.post("/admin/open311/open311client/", {
        "action": "issue_new_key", "_selected_action": [client.pk]})
    new_key = _key_in(response)
    assert open311_client_authenticate(key=old_key) is None
    assert open311_client_authenticate(key=new_key) == client


def test_clients_are_switched_off_not_deleted(admin_client):
    client, key = open311_client_issue(name="城市 App")
    assert admin_client.get(f"/admin/open311/open311client/{client.pk}/delete/").status_code == 403
    Open311Client.objects.filter(pk=client.pk).update(is_active=False)
    assert open311_client_authenticate(key=key) is None


def test_attribute_options_are_checked(admin_client, world):
    form = {"item": world.item.pk, "order": "1", "code": "amount", "variable": "on", "datatype": "singlevaluelist",
            "required": "on", "description": "垃圾数量", "datatype_description": "", "is_active": "on"}
    refused = admin_client.post("/admin/open311/serviceattribute/add/", {**form, "values": '[{"key": "pile"}]'})
    assert refused.status_code == 200
    assert ServiceAttribute.objects.count() == 0
    accepted = admin_client.post("/admin/open311/serviceattribute/add/", {
        **form, "values": '[{"key": "pile", "name": "成堆"}, {"key": "large", "name": "大量"}]'})
    assert accepted.status_code == 302
    assert ServiceAttribute.objects.get().option_keys() == ["pile", "large"]
    bad_code = admin_client.post("/admin/open311/serviceattribute/add/", {**form, "code": "数 量", "order": "2",
                                                                          "values": '[{"key": "a", "name": "b"}]'})
    assert bad_code.status_code == 200
    assert ServiceAttribute.objects.count() == 1


def test_the_settings_choose_the_published_sources(admin_client):
    Open311Policy.current()
    response = admin_client.post("/admin/open311/open311policy/1/change/", {
        "jurisdiction_id": "qingxi.example.gov.cn", "contact": "城管办", "key_service": "电话申请",
        "public_sources": ["resident", "open311"]})
    assert response.status_code == 302
    policy = Open311Policy.current()
    assert (policy.jurisdiction_id, policy.public_sources) == ("qingxi.example.gov.cn", ["resident", "open311"])
    assert admin_client.get("/admin/open311/open311policy/add/").status_code == 403
