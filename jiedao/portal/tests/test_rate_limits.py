"""A flood from one address or one phone is slowed with a friendly page; the office is not."""

from datetime import timedelta

import pytest
from django.test import Client

from jiedao.cases.models import Case
from jiedao.portal.models import PortalPolicy

from .conftest import report, report_form

pytestmark = pytest.mark.django_db


def set_policy(**limits) -> None:
    policy = PortalPolicy.current()
    for name, value in limits.items():
        setattr(policy, name, value)
    policy.save()


def post_reports(client, world, count, prefix="form-key") -> list[int]:
    return [client.post("/p/report/", report_form(world, client_key=f"{prefix}-{n:04d}")).status_code
            for n in range(count)]


def test_reports_from_one_address_beyond_the_hourly_limit_get_a_friendly_429(world, clock, resident):
    set_policy(reports_per_ip_per_hour=3, reports_per_phone_per_day=100)

    statuses = post_reports(resident, world, 4)
    refused = resident.post("/p/report/", report_form(world, client_key="form-key-9999"))

    assert statuses == [302, 302, 302, 429]
    assert Case.objects.count() == 3
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    assert "操作太频繁了，请稍后再试" in refused.content.decode()
    assert next(t.name for t in refused.templates) == "portal/429.html"


def test_the_limit_is_per_address_and_the_window_passes(world, clock, resident):
    set_policy(reports_per_ip_per_hour=2, reports_per_phone_per_day=100)
    post_reports(resident, world, 3)

    other = post_reports(Client(REMOTE_ADDR="10.1.2.3"), world, 1, prefix="other-key")
    clock.shift(timedelta(hours=1))
    later = resident.post("/p/report/", report_form(world, client_key="later-key-01")).status_code

    assert (other, later) == ([302], 302)


def test_one_phone_is_limited_per_day_whatever_the_address(world, clock):
    set_policy(reports_per_ip_per_hour=100, reports_per_phone_per_day=2)

    statuses = [Client(REMOTE_ADDR=f"10.0.0.{n}").post("/p/report/", report_form(
        world, phone="139-0000-1234", client_key=f"phone-key-{n:03d}")).status_code for n in range(3)]
    no_phone = Client(REMOTE_ADDR="10.0.0.9").post("/p/report/", report_form(world, phone="", client_key="nophone-001"))

    assert statuses == [302, 302, 429]
    assert no_phone.status_code == 302
    # encrypted at rest: compared after decryption
    assert [case.reporter_phone for case in Case.objects.all()].count("13900001234") == 2


def test_the_office_is_not_slowed_by_a_flood_from_the_same_address(world, clock, resident, django_user_model):
    set_policy(reports_per_ip_per_hour=1)
    post_reports(resident, world, 3)
    resident.force_login(world.people.grid_worker)

    page = resident.get("/cases/new/")
    inbox = resident.get("/")

    assert (page.status_code, inbox.status_code) == (200, 200)


def test_updates_ratings_and_follows_are_limited_too(world, clock, resident):
    set_policy(updates_per_ip_per_hour=2, follows_per_ip_per_hour=1)
    case = report(world)

    updates = [resident.post(f"/p/t/{case.tracking_code}/update/", {"text": f"补充{n}"}).status_code
               for n in range(3)]
    follows = [resident.post("/p/follow/", {"kind": "case", "target": case.number,
                                            "email": f"a{n}@example.com"}).status_code for n in range(2)]

    assert updates == [302, 302, 429]
    assert follows == [302, 429]


def test_a_limit_of_zero_means_no_limit(world, clock, resident):
    set_policy(reports_per_ip_per_hour=0, reports_per_phone_per_day=0)

    assert post_reports(resident, world, 4) == [302, 302, 302, 302]
