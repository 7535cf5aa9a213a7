"""身份鉴别 · 登录失败处理: the issue's probe (30 wrong passwords, then the right one) on both
sign-in doors, the office's numbers, the address limit, the end of a lockout, and unlocking."""

from datetime import timedelta

import pytest

from jiedao.accounts.models import SignInPolicy
from jiedao.audit.models import EventKind, Outcome, SecurityEvent

pytestmark = pytest.mark.django_db

RIGHT = "pass-1234"


def _sign_in(client, username, password, path="/login/", address="10.0.0.7"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address,
                       HTTP_USER_AGENT="probe/1.0")


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_then_the_right_one_on_the_sign_in_page_do_not_sign_in(client, world, clock):
    answers = [_sign_in(client, "grid_worker", f"guess-{n}").status_code for n in range(30)]
    right = _sign_in(client, "grid_worker", RIGHT)

    # The fifth failure locks the account (the default policy: 5 per account, 30 minutes).
    assert answers == [200] * 4 + [429] * 26
    assert right.status_code == 429
    assert not _signed_in(client)
    assert ("账号 grid_worker 因连续登录失败次数过多已被锁定，将于 2026-11-17 09:30 自动解锁"
            in right.content.decode())
    locked = SecurityEvent.objects.get(kind=EventKind.LOCKED_OUT)
    assert (locked.actor_name, locked.address, locked.target) == (
        "grid_worker", "10.0.0.7", f"accounts.user:{world.people.grid_worker.pk}")
    assert SecurityEvent.objects.filter(kind=EventKind.SIGN_IN_FAILED).count() == 31
    assert not SecurityEvent.objects.filter(kind=EventKind.SIGN_IN).exists()


def test_thirty_wrong_passwords_then_the_right_one_on_the_admin_sign_in_do_not_sign_in(client, django_user_model,
                                                                                      clock):
    django_user_model.objects.create_superuser(username="root", password=RIGHT)

    answers = [_sign_in(client, "root", f"guess-{n}", path="/admin/login/").status_code for n in range(30)]
    right = _sign_in(client, "root", RIGHT, path="/admin/login/")

    assert answers == [200] * 4 + [429] * 26
    assert right.status_code == 429
    assert not _signed_in(client)
    assert "账号 root 因连续登录失败次数过多已被锁定" in right.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_failed_sign_in_is_logged_with_the_username_tried_the_address_and_the_browser(client, world):
    _sign_in(client, "grid_worker", "guess")

    failed = SecurityEvent.objects.get()
    assert (failed.kind, failed.outcome, failed.actor_id, failed.actor_name) == (
        EventKind.SIGN_IN_FAILED, Outcome.FAILURE, None, "grid_worker")
    assert (failed.address, failed.user_agent, failed.detail) == (
        "10.0.0.7", "probe/1.0", {"reason": "credentials", "path": "/login/"})


def test_the_limit_and_the_duration_are_the_offices(client, world, clock):
    policy = SignInPolicy.current()
    policy.failures_per_account, policy.lockout_minutes = 3, 10
    policy.save()

    answers = [_sign_in(client, "grid_worker", f"guess-{n}").status_code for n in range(3)]
    assert answers == [200, 200, 429]
    clock.shift(timedelta(minutes=9))
    assert _sign_in(client, "grid_worker", RIGHT).status_code == 429
    clock.shift(timedelta(minutes=2))
    assert _sign_in(client, "grid_worker", RIGHT).status_code == 302
    assert _signed_in(client)


def test_a_right_password_starts_the_count_again(client, world):
    for n in range(4):
        _sign_in(client, "grid_worker", f"guess-{n}")
    assert _sign_in(client, "grid_worker", RIGHT).status_code == 302
    client.post("/logout/")

    assert [_sign_in(client, "grid_worker", f"again-{n}").status_code for n in range(4)] == [200] * 4


def test_an_address_is_stopped_after_its_own_limit_whichever_accounts_it_tries(client, world, clock):
    policy = SignInPolicy.current()
    policy.failures_per_address = 6
    policy.save()
    for n, username in enumerate(["a1", "a2", "a3", "inspector", "leader", "intake_clerk"]):
        _sign_in(client, username, f"guess-{n}")

    refused = _sign_in(client, "grid_worker", RIGHT)
    assert refused.status_code == 429
    assert "您所在的网络地址登录失败次数过多，已暂停登录，将于 2026-11-17 09:30 恢复" in refused.content.decode()
    # The same account from another address is not locked.
    assert _sign_in(client, "grid_worker", RIGHT, address="10.0.0.8").status_code == 302


def test_an_administrator_unlocks_an_account_in_the_admin_and_it_is_logged(client, admin_client, world):
    for n in range(5):
        _sign_in(client, "grid_worker", f"guess-{n}")
    worker = world.people.grid_worker

    answer = admin_client.post("/admin/accounts/user/", {"action": "unlock", "_selected_action": [worker.pk]},
                               REMOTE_ADDR="10.9.9.9")

    assert answer.status_code == 302
    unlocked = SecurityEvent.objects.get(kind=EventKind.UNLOCKED)
    assert (unlocked.actor_name, unlocked.address, unlocked.target) == ("admin", "10.9.9.9", "grid_worker")
    assert unlocked.detail == {"username": "grid_worker", "address": "", "attempts_cleared": 1}
    assert _sign_in(client, "grid_worker", RIGHT).status_code == 302


def test_a_person_without_admin_rights_cannot_unlock(client, world):
    for n in range(5):
        _sign_in(client, "grid_worker", f"guess-{n}", address="10.0.0.9")
    client.force_login(world.people.leader)

    answer = client.post("/admin/accounts/user/", {"action": "unlock",
                                                   "_selected_action": [world.people.grid_worker.pk]})

    assert answer.status_code == 302 and answer.url.startswith("/admin/login/")
    assert not SecurityEvent.objects.filter(kind=EventKind.UNLOCKED).exists()
    client.logout()
    assert _sign_in(client, "grid_worker", RIGHT, address="10.0.0.9").status_code == 429


def test_a_sign_in_and_a_sign_out_are_logged_with_the_address_and_the_browser(client, world):
    _sign_in(client, "grid_worker", RIGHT)
    client.post("/logout/", REMOTE_ADDR="10.0.0.7", HTTP_USER_AGENT="probe/1.0")

    events = list(SecurityEvent.objects.order_by("pk").values_list("kind", "actor_id", "address", "user_agent"))
    worker = world.people.grid_worker.pk
    assert events == [(EventKind.SIGN_IN, worker, "10.0.0.7", "probe/1.0"),
                      (EventKind.SIGN_OUT, worker, "10.0.0.7", "probe/1.0")]
