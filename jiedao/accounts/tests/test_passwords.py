"""身份鉴别 · 口令复杂度: the rules, on every path that sets a password; one's own password page;
an administrator's password must be changed at first sign-in."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from jiedao.accounts.models import SignInPolicy
from jiedao.audit.models import EventKind, SecurityEvent
from jiedao.demo.territory import DEMO_PASSWORD

pytestmark = pytest.mark.django_db
GOOD = "Qingxi#Street9"


@pytest.mark.parametrize("password, reason", [
    ("Ab1!xyz", "太短"),                       # 7 characters
    ("lowercase-only", "至少 3 类"),           # two classes: lower case and symbols
    ("ALLUPPER12345", "至少 3 类"),            # two classes
    ("Grid_Worker2026", "不能包含账号名"),      # contains the account's name, whatever the case
    ("Password123!", None),                    # three classes, long enough, not in the common list as typed
])
def test_the_password_rules(world, password, reason):
    user = world.people.grid_worker
    if reason is None:
        validate_password(password, user=user)
        return
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=user)
    assert any(reason in message for message in refused.value.messages)


def test_common_passwords_are_refused_in_any_case(world):
    with pytest.raises(ValidationError) as refused:
        validate_password("P@ssw0rd", user=world.people.grid_worker)
    assert refused.value.messages == ["这个密码太常见了。"]


def test_the_minimum_length_is_the_offices(world):
    policy = SignInPolicy.current()
    policy.password_min_length = 14
    policy.save()

    validate_password("Qingxi#Street9", user=world.people.grid_worker)  # 14 characters
    with pytest.raises(ValidationError) as refused:
        validate_password("Qingxi#Str9", user=world.people.grid_worker)
    assert refused.value.messages == ["密码太短，至少需要 14 个字符。"]


def test_the_demo_password_follows_the_rules(world):
    validate_password(DEMO_PASSWORD, user=world.people.leader)


# ---------------------------------------------------------------- one's own password

def test_every_signed_in_person_has_the_password_page_in_the_header(client, world):
    client.force_login(world.people.handler)

    page = client.get("/")

    assert b'href="/account/password/"' in page.content
    assert client.get("/account/password/").status_code == 200


def test_a_weak_new_password_is_refused_and_nothing_changes(client, world):
    client.force_login(world.people.handler)

    answer = client.post("/account/password/", {"old_password": "pass-1234", "new_password1": "handler123",
                                                "new_password2": "handler123"})

    assert answer.status_code == 400
    assert "密码须包含大写字母、小写字母、数字、符号中的至少 3 类" in answer.content.decode()
    world.people.handler.refresh_from_db()
    assert world.people.handler.check_password("pass-1234")
    assert not SecurityEvent.objects.filter(kind=EventKind.PASSWORD_CHANGED).exists()


def test_changing_ones_password_keeps_one_signed_in_and_is_logged(client, world):
    client.force_login(world.people.handler)

    answer = client.post("/account/password/", {"old_password": "pass-1234", "new_password1": GOOD,
                                                "new_password2": GOOD}, REMOTE_ADDR="10.1.1.1")

    assert (answer.status_code, answer.url) == (302, "/")
    world.people.handler.refresh_from_db()
    assert world.people.handler.check_password(GOOD)
    assert client.get("/").status_code == 200
    changed = SecurityEvent.objects.get(kind=EventKind.PASSWORD_CHANGED)
    assert (changed.actor_name, changed.address, changed.detail) == ("handler", "10.1.1.1", {"was_required": False})


def test_the_admins_own_password_link_leads_to_the_same_page(admin_client):
    assert admin_client.get("/admin/password_change/").url == "/account/password/"


# ---------------------------------------------------------------- set by an administrator

def test_the_admin_refuses_a_weak_password_for_a_new_account(admin_client, django_user_model):
    answer = admin_client.post("/admin/accounts/user/add/", {
        "username": "newcomer", "usable_password": "true", "password1": "newcomer1", "password2": "newcomer1",
        "must_change_password": "on", "duties-TOTAL_FORMS": "0", "duties-INITIAL_FORMS": "0"})

    assert answer.status_code == 200
    assert not django_user_model.objects.filter(username="newcomer").exists()
    assert "密码须包含大写字母、小写字母、数字、符号中的至少 3 类" in answer.content.decode()


def test_a_new_account_from_the_admin_must_change_its_password_and_is_logged(admin_client, django_user_model):
    answer = admin_client.post("/admin/accounts/user/add/", {
        "username": "newcomer", "usable_password": "true", "password1": GOOD, "password2": GOOD,
        "must_change_password": "on", "duties-TOTAL_FORMS": "0", "duties-INITIAL_FORMS": "0"},
        REMOTE_ADDR="10.2.2.2")

    assert answer.status_code == 302
    newcomer = django_user_model.objects.get(username="newcomer")
    assert newcomer.must_change_password is True
    added = SecurityEvent.objects.get(kind=EventKind.ADMIN_ADDED)
    assert (added.actor_name, added.address, added.target) == ("admin", "10.2.2.2", f"accounts.user:{newcomer.pk}")


def test_a_reset_by_an_administrator_is_logged_and_must_be_changed_at_the_next_sign_in(admin_client, client, world):
    worker = world.people.grid_worker

    reset = admin_client.post(f"/admin/accounts/user/{worker.pk}/password/", {
        "usable_password": "true", "password1": GOOD, "password2": GOOD, "must_change_password": "on",
        "set-password": "1"}, REMOTE_ADDR="10.3.3.3")

    assert reset.status_code == 302
    event = SecurityEvent.objects.get(kind=EventKind.PASSWORD_RESET)
    assert (event.actor_name, event.address, event.target, event.detail) == (
        "admin", "10.3.3.3", f"accounts.user:{worker.pk}", {"must_change_password": True, "via": "admin"})
    assert not SecurityEvent.objects.filter(kind=EventKind.ADMIN_CHANGED).exists()

    signed_in = client.post("/login/", {"username": "grid_worker", "password": GOOD})
    assert signed_in.status_code == 302
    inbox = client.get("/")
    assert (inbox.status_code, inbox.url) == (302, "/account/password/?next=%2F")
    assert "管理员为您设置的初始密码须先修改" in client.get("/account/password/").content.decode()
    api = client.get("/api/v1/cases", HTTP_ACCEPT="application/json")
    assert api.status_code == 403
    assert api.json()["code"] == "password_change_required"

    changed = client.post("/account/password/", {"old_password": GOOD, "new_password1": "Another#Pass7",
                                                 "new_password2": "Another#Pass7", "next": "/"})
    assert (changed.status_code, changed.url) == (302, "/")
    assert client.get("/").status_code == 200
    assert SecurityEvent.objects.get(kind=EventKind.PASSWORD_CHANGED).detail == {"was_required": True}


def test_a_person_who_must_change_may_still_sign_out(client, world):
    worker = world.people.grid_worker
    worker.must_change_password = True
    worker.save()
    client.force_login(worker)

    assert client.post("/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_createsuperuser_refuses_a_weak_password(monkeypatch, django_user_model):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "root1234")

    with pytest.raises(CommandError, match="至少 3 类"):
        call_command("createsuperuser", "--noinput", "--username", "root", "--email", "")
    assert not django_user_model.objects.filter(username="root").exists()


def test_createsuperuser_accepts_a_password_that_follows_the_rules(monkeypatch, django_user_model):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", GOOD)

    call_command("createsuperuser", "--noinput", "--username", "root", "--email", "")

    assert django_user_model.objects.get(username="root").check_password(GOOD)


def test_changepassword_is_an_administrators_reset_the_person_must_replace_and_it_is_logged(
        monkeypatch, django_user_model):
    person = django_user_model.objects.create_user("wang", password="Old-Pass-2026")
    from django.contrib.auth.management.commands import changepassword
    monkeypatch.setattr(changepassword.Command, "_get_pass", lambda self, prompt="": GOOD)

    call_command("changepassword", "wang")

    person.refresh_from_db()
    assert person.check_password(GOOD)
    assert person.must_change_password
    event = SecurityEvent.objects.get(kind=EventKind.PASSWORD_RESET)
    assert (event.actor_name, event.target_label) == ("manage.py changepassword", "wang")
    assert event.detail == {"must_change_password": True, "via": "changepassword"}


def test_changepassword_refuses_a_weak_password_and_changes_and_logs_nothing(monkeypatch, django_user_model):
    person = django_user_model.objects.create_user("wang", password="Old-Pass-2026")
    from django.contrib.auth.management.commands import changepassword
    monkeypatch.setattr(changepassword.Command, "_get_pass", lambda self, prompt="": "12345678")

    with pytest.raises(CommandError):
        call_command("changepassword", "wang")

    person.refresh_from_db()
    assert person.check_password("Old-Pass-2026")
    assert not person.must_change_password
    assert not SecurityEvent.objects.filter(kind=EventKind.PASSWORD_RESET).exists()
