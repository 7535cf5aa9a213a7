"""The security log can be written and read, never rewritten: not by the model, not by a bulk
query, not by raw SQL (the database's triggers), and not through the admin."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from jiedao import clock
from jiedao.audit.models import AppendOnlyError, EventKind, Outcome, SecurityEvent
from jiedao.audit.services import security_event_record

pytestmark = pytest.mark.django_db


def _event(**kwargs) -> SecurityEvent:
    return security_event_record(kind=EventKind.SIGN_IN_FAILED, actor_name="intruder", outcome=Outcome.FAILURE,
                                 **kwargs)


def test_a_record_names_the_address_and_browser_of_the_request(world):
    request = RequestFactory().post("/login/", REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="Mozilla/5.0 测试")
    request.user = world.people.leader

    event = security_event_record(kind=EventKind.EXPORT, request=request, target="cases.case:export",
                                  detail={"rows": 12})

    stored = SecurityEvent.objects.get()
    assert (stored.pk, stored.actor_id, stored.actor_name) == (event.pk, world.people.leader.pk, "leader")
    assert (stored.address, stored.user_agent, stored.detail) == ("10.1.2.3", "Mozilla/5.0 测试", {"rows": 12})


def test_the_forwarded_address_counts_only_behind_a_trusted_proxy(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.9")
    settings.JIEDAO_TRUSTED_PROXY_COUNT = 0
    assert _event(request=request).address == "127.0.0.1"
    settings.JIEDAO_TRUSTED_PROXY_COUNT = 1
    assert _event(request=request).address == "10.0.0.9"


def test_the_model_refuses_to_save_an_existing_row_or_delete_one():
    event = _event()
    event.actor_name = "someone else"

    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert SecurityEvent.objects.get().actor_name == "intruder"


def test_bulk_updates_and_deletes_are_refused():
    _event()

    with pytest.raises(AppendOnlyError):
        SecurityEvent.objects.all().update(actor_name="x")
    with pytest.raises(AppendOnlyError):
        SecurityEvent.objects.filter(kind=EventKind.SIGN_IN_FAILED).delete()
    assert SecurityEvent.objects.get().actor_name == "intruder"


def test_the_database_refuses_a_raw_update():
    event = _event()

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_securityevent SET actor_name = 'x' WHERE id = %s", [event.pk])
    assert SecurityEvent.objects.get().actor_name == "intruder"


def test_the_database_refuses_to_delete_a_row_younger_than_180_days():
    recent = _event()
    with clock.frozen(clock.now() - timedelta(days=179)):
        almost_old = _event()

    for event in (recent, almost_old):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_securityevent WHERE id = %s", [event.pk])
    assert SecurityEvent.objects.count() == 2


def test_the_database_lets_a_row_older_than_180_days_be_pruned():
    with clock.frozen(clock.now() - timedelta(days=181)):
        old = _event()
    kept = _event()

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_securityevent WHERE id = %s", [old.pk])

    assert list(SecurityEvent.objects.values_list("pk", flat=True)) == [kept.pk]


def test_the_admin_shows_the_log_but_offers_no_change_or_delete(admin_client):
    event = _event()

    assert admin_client.get("/admin/audit/securityevent/").status_code == 200
    page = admin_client.get(f"/admin/audit/securityevent/{event.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert admin_client.post(f"/admin/audit/securityevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.post("/admin/audit/securityevent/",
                             {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
                             ).status_code in {200, 302}
    assert SecurityEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_that_writes_the_log_is_flushed_afterwards():
    # The suite's flush lifts the triggers for itself (jiedao/conftest.py); the next test starts empty.
    _event()
    assert SecurityEvent.objects.count() == 1
