"""Residents' contact data is encrypted at rest (数据保密性, 个人信息保护): what the database holds
is a Fernet token; keys rotate (the first encrypts, all decrypt, `contacts_rekey` moves every value
to the newest); production refuses to start without keys."""

import io
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection

from jiedao.cases import services
from jiedao.cases.models import Case, CaseEvent, CaseSource
from jiedao.conftest import report
from jiedao.open311.models import Open311Report
from jiedao.open311.services import open311_client_issue

pytestmark = pytest.mark.django_db

NAME, PHONE, EMAIL = "王秘密", "13911112222", "mimi@example.com"


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.fixture
def case(world, clock):
    reported = report(world, by=None, source=CaseSource.RESIDENT, reporter_name=NAME, reporter_phone=PHONE)
    services.case_resident_update(case=reported, text="补充", name=NAME, contact=EMAIL)
    return reported


def test_the_columns_hold_ciphertext_and_the_model_the_plain_values(case):
    event = CaseEvent.objects.get(case=case, action="public_update")
    stored = [raw("cases_case", "reporter_name", case.pk), raw("cases_case", "reporter_phone", case.pk),
              raw("cases_caseevent", "personal", event.pk), raw("cases_caseevent", "data", event.pk),
              raw("cases_caseevent", "actor_name", event.pk)]

    assert all(value.startswith("gAAAAA") for value in stored[:3])
    assert not any(secret in str(value) for value in stored for secret in (NAME, PHONE, EMAIL, "13911112222"[3:]))
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.reporter_name, fresh.reporter_phone) == (NAME, PHONE)
    assert CaseEvent.objects.get(pk=event.pk).personal_data == {"name": NAME, "contact": EMAIL}


def test_the_same_value_is_a_different_token_each_time(world, clock):
    first = report(world, by=None, source=CaseSource.RESIDENT, reporter_phone=PHONE)
    second = report(world, by=None, source=CaseSource.RESIDENT, reporter_phone=PHONE)

    assert raw("cases_case", "reporter_phone", first.pk) != raw("cases_case", "reporter_phone", second.pk)


def test_keys_rotate_the_first_encrypts_all_decrypt_and_rekey_moves_everything_to_the_newest(case, settings):
    old_key = settings.JIEDAO_CONTACT_KEYS[0]
    new_key = Fernet.generate_key().decode()
    event = CaseEvent.objects.get(case=case, action="public_update")
    before = raw("cases_case", "reporter_phone", case.pk)

    settings.JIEDAO_CONTACT_KEYS = [new_key, old_key]
    assert Case.objects.get(pk=case.pk).reporter_phone == PHONE  # an old token still opens
    printed = io.StringIO()
    call_command("contacts_rekey", stdout=printed)
    after = raw("cases_case", "reporter_phone", case.pk)

    assert after != before
    assert "cases.Case: 1" in printed.getvalue() and "cases.CaseEvent: " in printed.getvalue()
    assert Fernet(new_key.encode()).decrypt(after.encode()).decode() == PHONE
    settings.JIEDAO_CONTACT_KEYS = [new_key]  # the old key retired
    assert Case.objects.get(pk=case.pk).reporter_phone == PHONE
    assert CaseEvent.objects.get(pk=event.pk).personal_data == {"name": NAME, "contact": EMAIL}
    settings.JIEDAO_CONTACT_KEYS = [old_key]  # a database rekeyed is closed to the old key alone
    with pytest.raises(InvalidToken):
        Case.objects.get(pk=case.pk)


def _settings_import(**env) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "JIEDAO_CONTACT_KEYS"}
    environment |= {"DJANGO_SETTINGS_MODULE": "jiedao.settings", "REDIS_URL": "redis://127.0.0.1:6379/0", **env}
    return subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=environment,
                          capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_without_the_keys():
    refused = _settings_import(JIEDAO_PRODUCTION="1", DEBUG="0", SECRET_KEY="a-real-secret-" * 4)
    started = _settings_import(JIEDAO_PRODUCTION="1", DEBUG="0", SECRET_KEY="a-real-secret-" * 4,
                               JIEDAO_CONTACT_KEYS=Fernet.generate_key().decode())

    assert refused.returncode != 0
    assert "JIEDAO_CONTACT_KEYS" in refused.stderr
    assert "JIEDAO_CONTACT_KEYS" not in started.stderr


def test_the_data_migration_encrypts_rows_stored_in_plain_text_before_it(world, clock):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("jiedao.cases.migrations.0008_contact_encrypt_existing")
    case = report(world, by=None, source=CaseSource.RESIDENT)
    event = services.case_resident_update(case=case, text="补充")
    with connection.cursor() as cursor:  # as 0006 left them: plain text, the contact in the event's data
        cursor.execute("UPDATE cases_case SET reporter_name = %s, reporter_phone = %s WHERE id = %s",
                       [NAME, PHONE, case.pk])
    CaseEvent.objects.filter(pk=event.pk).update(data={"public": True, "name": NAME, "contact": EMAIL},
                                                 actor_name=NAME)
    client, _key = open311_client_issue(name="12345")
    sent = Open311Report.objects.create(case=case, client=client, email="sender@example.com", created_at=case.reported_at)

    editor = SimpleNamespace(connection=connection)  # all RunPython uses of its schema editor
    migration.encrypt(apps, editor)
    migration.encrypt(apps, editor)  # twice: nothing is encrypted twice

    assert raw("cases_case", "reporter_phone", case.pk).startswith("gAAAAA")
    fresh, moved = Case.objects.get(pk=case.pk), CaseEvent.objects.get(pk=event.pk)
    assert (fresh.reporter_name, fresh.reporter_phone) == (NAME, PHONE)
    assert (moved.data, moved.personal_data, moved.actor_name) == (
        {"public": True}, {"name": NAME, "contact": EMAIL}, "群众")
    assert (Open311Report.objects.get(pk=sent.pk).email, fresh.reporter_email) == ("", "sender@example.com")
    assert raw("cases_case", "reporter_email", case.pk).startswith("gAAAAA")
