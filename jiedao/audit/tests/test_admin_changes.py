"""安全审计 · 后台操作: every change made in the admin is in the security log with its address:
additions, changes, deletions one by one and in bulk, other bulk actions, and changes of duties and
permissions with what changed."""

import pytest
from django.contrib.auth.models import Group

from jiedao.audit.models import EventKind, SecurityEvent
from jiedao.territory.models import Duty, Organisation, Role

pytestmark = pytest.mark.django_db
ADDRESS = "10.20.0.1"


def _user_form(user, **changes) -> dict:
    """The user change form as the admin would post it, with `changes`."""
    data = {"username": user.username, "full_name": user.full_name, "phone": user.phone, "email": user.email,
            "first_name": "", "last_name": "", "is_active": "on", "date_joined_0": "2026-11-01",
            "date_joined_1": "09:00:00", "initial-date_joined_0": "2026-11-01", "initial-date_joined_1": "09:00:00"}
    duties = list(Duty.objects.filter(user=user))
    data.update({"duties-TOTAL_FORMS": str(len(duties)), "duties-INITIAL_FORMS": str(len(duties)),
                 "duties-MIN_NUM_FORMS": "0", "duties-MAX_NUM_FORMS": "1000"})
    for index, duty in enumerate(duties):
        data.update({f"duties-{index}-id": str(duty.pk), f"duties-{index}-user": str(user.pk),
                     f"duties-{index}-role": duty.role, f"duties-{index}-unit": str(duty.unit_id or ""),
                     f"duties-{index}-organisation": str(duty.organisation_id or "")})
    data.update(changes)
    return data


def test_a_change_in_the_admin_is_logged_with_the_address_and_the_fields(admin_client):
    department = Organisation.objects.create(kind="department", code="D09", name="交警中队")

    answer = admin_client.post(f"/admin/territory/organisation/{department.pk}/change/", {
        "kind": "department", "code": "D09", "name": "交警大队", "credit_code": "", "is_active": "on"},
        REMOTE_ADDR=ADDRESS)

    assert answer.status_code == 302
    changed = SecurityEvent.objects.get(kind=EventKind.ADMIN_CHANGED)
    assert (changed.actor_name, changed.address, changed.target, changed.target_label) == (
        "admin", ADDRESS, f"territory.organisation:{department.pk}", "交警大队")
    assert changed.detail == {"admin": "admin_changed", "changes": [{"changed": {"fields": ["名称"]}}]}


def test_deleting_in_bulk_logs_each_object(admin_client):
    kept = Organisation.objects.create(kind="department", code="D10", name="园林所")
    doomed = [Organisation.objects.create(kind="department", code=f"X{n}", name=f"临时{n}") for n in range(2)]

    answer = admin_client.post("/admin/territory/organisation/", {
        "action": "delete_selected", "_selected_action": [o.pk for o in doomed], "post": "yes"}, REMOTE_ADDR=ADDRESS)

    assert answer.status_code == 302
    assert list(Organisation.objects.values_list("pk", flat=True)) == [kept.pk]
    assert sorted(SecurityEvent.objects.filter(kind=EventKind.ADMIN_DELETED).values_list("target_label", flat=True)) \
        == ["临时0", "临时1"]


def test_a_duty_given_in_the_user_admins_inline_is_logged_as_a_duty_change(admin_client, world):
    worker = world.people.grid_worker
    form = _user_form(worker, **{"duties-TOTAL_FORMS": "2", "duties-1-role": Role.INSPECTOR,
                                 "duties-1-unit": str(world.taoyuan.pk), "duties-1-organisation": "",
                                 "duties-1-user": str(worker.pk)})

    answer = admin_client.post(f"/admin/accounts/user/{worker.pk}/change/", form, REMOTE_ADDR=ADDRESS)

    assert answer.status_code == 302, answer.context["errors"] if answer.context else answer
    event = SecurityEvent.objects.get(kind=EventKind.DUTY_CHANGED)
    assert (event.actor_name, event.address, event.target) == ("admin", ADDRESS, f"accounts.user:{worker.pk}")
    assert event.detail == {"duties": {"added": ["王网格 · 监督员 · 桃源社区 [inspector]"], "removed": []}}
    assert not SecurityEvent.objects.filter(kind=EventKind.PERMISSION_CHANGED).exists()


def test_making_someone_a_superuser_and_adding_a_group_is_a_permission_change(admin_client, world):
    group = Group.objects.create(name="值班组")
    worker = world.people.grid_worker

    answer = admin_client.post(f"/admin/accounts/user/{worker.pk}/change/",
                               _user_form(worker, is_staff="on", is_superuser="on", groups=[group.pk]),
                               REMOTE_ADDR=ADDRESS)

    assert answer.status_code == 302
    event = SecurityEvent.objects.get(kind=EventKind.PERMISSION_CHANGED)
    assert (event.actor_name, event.address) == ("admin", ADDRESS)
    assert event.detail == {
        "flags": {"is_staff": {"before": False, "after": True}, "is_superuser": {"before": False, "after": True}},
        "groups": {"added": ["值班组"], "removed": []}, "permissions": {"added": [], "removed": []}}


def test_a_duty_changed_in_the_duty_admin_is_logged_as_a_duty_change(admin_client, world):
    duty = Duty.objects.get(user=world.people.grid_worker)

    answer = admin_client.post(f"/admin/territory/duty/{duty.pk}/delete/", {"post": "yes"}, REMOTE_ADDR=ADDRESS)

    assert answer.status_code == 302
    event = SecurityEvent.objects.get(kind=EventKind.DUTY_CHANGED)
    assert (event.target, event.detail) == (f"territory.duty:{duty.pk}", {"admin": "admin_deleted"})


def test_a_bulk_action_other_than_delete_is_logged_with_the_objects_it_touched(admin_client, world):
    people = [world.people.grid_worker, world.people.inspector]

    admin_client.post("/admin/accounts/user/", {"action": "unlock", "_selected_action": [p.pk for p in people]},
                      REMOTE_ADDR=ADDRESS)

    event = SecurityEvent.objects.get(kind=EventKind.ADMIN_CHANGED)
    assert (event.target, event.address) == ("accounts.user", ADDRESS)
    assert event.detail == {"admin": "action", "action": "unlock", "all": False,
                            "objects": [str(p.pk) for p in people], "count": 2}
    assert SecurityEvent.objects.filter(kind=EventKind.UNLOCKED).count() == 2


def test_every_registered_admin_is_audited():
    from django.contrib import admin

    from jiedao.audit.admin_changes import AuditedAdmin

    assert [type(model_admin).__name__ for model_admin in admin.site._registry.values()
            if not isinstance(model_admin, AuditedAdmin)] == []


def test_an_administrator_removing_someones_authenticator_is_logged_as_such(admin_client, world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=world.people.leader, name="authenticator", confirmed=True)

    answer = admin_client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"},
                               REMOTE_ADDR=ADDRESS)

    assert answer.status_code == 302
    event = SecurityEvent.objects.get(kind=EventKind.SECOND_FACTOR_REMOVED)
    assert (event.actor_name, event.address, event.target) == ("admin", ADDRESS, f"otp_totp.totpdevice:{device.pk}")
