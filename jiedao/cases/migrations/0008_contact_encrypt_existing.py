"""Encrypt the residents' contact data already stored: the reporter's name and phone on each case
(plain text until 0007), the name and contact a resident left with an update, moved out of the
event's `data` (shown to every viewer) into the encrypted `personal`, and the emails an Open311
client sent, moved from its records onto the case and the event, encrypted."""

import json

from django.db import migrations

from jiedao.privacy.crypto import InvalidToken, contact_decrypt, contact_encrypt

PUBLIC_ACTIONS = ["public_update", "public_complaint", "public_not_fixed"]
RESIDENT = "群众"


def _is_token(value: str) -> bool:
    try:
        contact_decrypt(value)
    except (InvalidToken, ValueError):
        return False
    return True


def _cases(schema_editor, change):
    connection = schema_editor.connection
    table = connection.ops.quote_name("cases_case")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, reporter_name, reporter_phone FROM {table} "
                       "WHERE reporter_name <> '' OR reporter_phone <> ''")
        rows = cursor.fetchall()
        for pk, name, phone in rows:
            new_name, new_phone = change(name or ""), change(phone or "")
            if (new_name, new_phone) != (name, phone):
                cursor.execute(f"UPDATE {table} SET reporter_name = %s, reporter_phone = %s WHERE id = %s",
                               [new_name, new_phone, pk])


def encrypt(apps, schema_editor):
    _cases(schema_editor, lambda value: value if not value or _is_token(value) else contact_encrypt(value))
    CaseEvent = apps.get_model("cases", "CaseEvent")
    for event in CaseEvent.objects.filter(action__in=PUBLIC_ACTIONS).only("id", "data", "actor_name").iterator():
        data = dict(event.data or {})
        if "name" not in data and "contact" not in data:
            continue  # moved already
        name, contact = str(data.pop("name", "") or ""), str(data.pop("contact", "") or "")
        personal = json.dumps({"name": name, "contact": contact}, ensure_ascii=False) if name or contact else ""
        CaseEvent.objects.filter(pk=event.pk).update(data=data, personal=personal, actor_name=RESIDENT)
    _open311_emails(apps)


def _open311_emails(apps):
    Case = apps.get_model("cases", "Case")
    Open311Report = apps.get_model("open311", "Open311Report")
    Open311Update = apps.get_model("open311", "Open311Update")
    for report in Open311Report.objects.exclude(email="").only("id", "case_id", "email").iterator():
        Case.objects.filter(pk=report.case_id).update(reporter_email=report.email)
        Open311Report.objects.filter(pk=report.pk).update(email="")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    for update in Open311Update.objects.exclude(email="").only("id", "event_id", "email").iterator():
        event = CaseEvent.objects.only("id", "personal").get(pk=update.event_id)
        personal = json.loads(event.personal) if event.personal else {"name": "", "contact": ""}
        if update.email != personal.get("contact"):
            personal["email"] = update.email
        CaseEvent.objects.filter(pk=event.pk).update(personal=json.dumps(personal, ensure_ascii=False))
        Open311Update.objects.filter(pk=update.pk).update(email="")


def decrypt(apps, schema_editor):
    _cases(schema_editor, lambda value: contact_decrypt(value) if value and _is_token(value) else value)
    CaseEvent = apps.get_model("cases", "CaseEvent")
    for event in CaseEvent.objects.exclude(personal="").only("id", "data", "personal").iterator():
        personal = json.loads(event.personal)
        CaseEvent.objects.filter(pk=event.pk).update(
            data=dict(event.data or {}) | personal, personal="", actor_name=personal.get("name") or RESIDENT)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0007_contact_encrypted"),
        ("open311", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(encrypt, decrypt, elidable=False),
    ]
