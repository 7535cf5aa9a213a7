"""身份鉴别 · 双因素: administrators and leaders may enrol an authenticator app; once enrolled, a
code is asked after the password at both sign-in doors."""

from datetime import timedelta

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiedao.accounts.models import SignInPolicy
from jiedao.audit.models import EventKind, SecurityEvent
from jiedao.territory.models import Duty, Role

pytestmark = pytest.mark.django_db


def _code(device) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _enrol(client, user, clock) -> TOTPDevice:
    client.force_login(user)
    client.post("/account/second-factor/", {"step": "start"})
    device = TOTPDevice.objects.get(user=user)
    answer = client.post("/account/second-factor/", {"step": "confirm", "code": _code(device)})
    assert answer.status_code == 302
    client.logout()
    clock.shift(timedelta(seconds=31))  # a code is accepted once: sign-in needs the next one
    return device


def test_a_leader_enrols_with_a_qr_code_drawn_on_the_server(client, world, clock):
    client.force_login(world.people.leader)

    started = client.post("/account/second-factor/", {"step": "start"})
    page = client.get(started.url)

    body = page.content.decode()
    assert page.status_code == 200
    assert '<figure class="qr" id="second-factor-qr"><svg' in body
    assert "otpauth://totp/Jiedao%3Aleader?secret=" in body
    assert "<script" not in body.split("<main", 1)[1].split("</main>", 1)[0]
    device = TOTPDevice.objects.get(user=world.people.leader)
    assert device.confirmed is False

    wrong = client.post("/account/second-factor/", {"step": "confirm", "code": "000000"})
    assert wrong.status_code == 400
    assert TOTPDevice.objects.get().confirmed is False

    clock.shift(timedelta(seconds=2))  # django-otp slows down the next try after a failure
    right = client.post("/account/second-factor/", {"step": "confirm", "code": _code(device)})
    assert right.status_code == 302
    assert TOTPDevice.objects.get().confirmed is True
    assert list(SecurityEvent.objects.filter(kind__startswith="second_factor")
                .values_list("kind", flat=True).order_by("pk")) == [
        EventKind.SECOND_FACTOR_FAILED, EventKind.SECOND_FACTOR_ADDED]


def test_people_other_than_administrators_and_leaders_are_not_offered_it(client, world):
    client.force_login(world.people.dispatcher)

    assert client.get("/account/second-factor/").status_code == 302
    assert b"/account/second-factor/" not in client.get("/").content
    assert not TOTPDevice.objects.exists()


def test_once_enrolled_the_password_alone_does_not_sign_in(client, world, clock):
    device = _enrol(client, world.people.leader, clock)

    password = client.post("/login/", {"username": "leader", "password": "pass-1234"})
    assert (password.status_code, password.url) == (302, "/account/sign-in/code/")
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302

    wrong = client.post("/account/sign-in/code/", {"code": "123456"})
    assert wrong.status_code == 400
    assert "_auth_user_id" not in client.session

    clock.shift(timedelta(seconds=31))  # django-otp slows down the next try after a failure
    right = client.post("/account/sign-in/code/", {"code": _code(device)})
    assert (right.status_code, right.url) == (302, "/")
    assert client.get("/").status_code == 200
    kinds = list(SecurityEvent.objects.filter(kind__in=[EventKind.SECOND_FACTOR_FAILED, EventKind.SIGN_IN])
                 .values_list("kind", "detail").order_by("pk"))
    assert kinds[-2:] == [(EventKind.SECOND_FACTOR_FAILED, {"step": "sign_in", "throttled": False}),
                          (EventKind.SIGN_IN, {"path": "/account/sign-in/code/", "second_factor": True})]


def test_the_admin_sign_in_asks_for_the_code_too(client, django_user_model, world, clock):
    root = django_user_model.objects.create_superuser(username="root", password="pass-1234")
    device = _enrol(client, root, clock)

    password = client.post("/admin/login/?next=/admin/", {"username": "root", "password": "pass-1234",
                                                          "next": "/admin/"})
    assert (password.status_code, password.url) == (302, "/account/sign-in/code/")
    assert client.get("/admin/").status_code == 302

    code = client.post("/account/sign-in/code/", {"code": _code(device)})
    assert (code.status_code, code.url) == (302, "/admin/")
    assert client.get("/admin/").status_code == 200


def test_the_office_may_require_it_of_administrators(client, world):
    policy = SignInPolicy.current()
    policy.second_factor_required_for_admins = True
    policy.save()
    admin = world.people.leader
    admin.is_staff = True
    admin.save()
    Duty.objects.create(user=admin, role=Role.SYSTEM_ADMIN, unit=world.subdistrict)
    client.force_login(admin)

    index = client.get("/admin/")
    assert index.status_code == 302
    assert client.get(index.url).url == "/account/second-factor/"


def test_removing_it_takes_a_current_code_and_is_logged(client, world, clock):
    device = _enrol(client, world.people.area_leader, clock)
    client.force_login(world.people.area_leader)

    refused = client.post("/account/second-factor/", {"step": "remove", "code": "000000"})
    assert refused.status_code == 400
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    clock.shift(timedelta(seconds=31))
    removed = client.post("/account/second-factor/", {"step": "remove", "code": _code(device)})
    assert removed.status_code == 302
    assert not TOTPDevice.objects.exists()
    assert SecurityEvent.objects.filter(kind=EventKind.SECOND_FACTOR_REMOVED).count() == 1
