"""安全审计 · 日志保存: at least 180 days; `audit_prune` deletes only what is older than the period
the office set, and the period cannot be set below 180 days."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from jiedao import clock
from jiedao.audit.models import AuditPolicy, EventKind, SecurityEvent
from jiedao.audit.services import security_event_record

pytestmark = pytest.mark.django_db


def _event_aged(days: int) -> SecurityEvent:
    with clock.frozen(clock.now() - timedelta(days=days)):
        return security_event_record(kind=EventKind.SIGN_OUT, actor_name=f"aged-{days}")


def test_the_retention_period_cannot_be_set_below_180_days():
    policy = AuditPolicy.current()
    policy.retention_days = 179

    with pytest.raises(ValidationError) as refused:
        policy.full_clean()
    assert refused.value.message_dict == {"retention_days": ["安全审计日志至少保存 180 天"]}


def test_the_retention_period_is_editable_in_the_admin_and_refuses_less_than_180(admin_client):
    policy = AuditPolicy.current()

    answer = admin_client.post(f"/admin/audit/auditpolicy/{policy.pk}/change/", {"retention_days": "90"})

    assert answer.status_code == 200
    assert AuditPolicy.current().retention_days == 180


def test_audit_prune_deletes_only_rows_older_than_the_retention_period(capsys):
    policy = AuditPolicy.current()
    policy.retention_days = 365
    policy.save()
    kept = [_event_aged(days) for days in (0, 179, 200, 364)]
    _event_aged(366)
    _event_aged(800)

    call_command("audit_prune")

    assert sorted(SecurityEvent.objects.values_list("pk", flat=True)) == sorted(event.pk for event in kept)
    assert capsys.readouterr().out == "audit_prune: 2 rows older than 365 days deleted\n"


def test_audit_prune_with_the_default_keeps_180_days():
    kept = _event_aged(179)
    _event_aged(181)

    call_command("audit_prune")

    assert list(SecurityEvent.objects.values_list("pk", flat=True)) == [kept.pk]
