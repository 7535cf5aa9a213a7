"""The address search as JSON: staff signed in (whoever picks a location), residents limited per
address; bad input is a 400 that says why."""

import pytest
from django.test import Client

from jiedao.addresses.models import AddressPolicy
from jiedao.territory.models import Duty, Role

pytestmark = pytest.mark.django_db

STAFF_URL = "/addresses/search.json"
PUBLIC_URL = "/p/addresses/search.json"


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_hotline_clerk_gets_the_house_number_with_its_point_and_grid(address_register, world):
    response = signed_in(world.people.intake_clerk).get(STAFF_URL, {"q": "桃源路 88 号"})
    assert response.status_code == 200
    assert response.json()["results"][0] == {
        "kind": "house", "id": address_register.h88.pk, "label": "桃源路88号（桃源新村）",
        "point": [address_register.h88.longitude, address_register.h88.latitude], "grid": world.grids[0].name,
        "grid_code": world.grids[0].code}


@pytest.mark.parametrize("person", ["grid_worker", "leader", "dispatcher", "inspector"])
def test_people_who_pick_locations_may_search(address_register, world, person):
    assert signed_in(getattr(world.people, person)).get(STAFF_URL, {"q": "桃源路"}).status_code == 200


def test_an_anonymous_visitor_is_401_on_the_staff_endpoint(address_register):
    response = Client().get(STAFF_URL, {"q": "桃源路"})
    assert response.status_code == 401
    assert "results" not in response.json()


def test_a_department_handler_and_an_auditor_are_403(address_register, world, django_user_model):
    auditor = django_user_model.objects.create_user(username="auditor", password="pass-1234")
    Duty.objects.create(user=auditor, role=Role.AUDITOR, unit=world.subdistrict)
    for person in (world.people.handler, auditor):
        response = signed_in(person).get(STAFF_URL, {"q": "桃源路"})
        assert response.status_code == 403
        assert "results" not in response.json()


@pytest.mark.parametrize("url", [STAFF_URL, PUBLIC_URL])
def test_bad_input_is_400_with_a_message(address_register, world, url):
    client = signed_in(world.people.intake_clerk)
    missing = client.get(url)
    assert (missing.status_code, missing.json()) == (400, {"error": "缺少参数 q（要查找的地址）"})
    long = client.get(url, {"q": "桃" * 61})
    assert (long.status_code, long.json()) == (400, {"error": "地址太长：最多 60 个字"})
    assert client.get(url, {"q": "桃源路\x00"}).status_code == 400


def test_an_empty_query_has_no_results(address_register, world):
    response = signed_in(world.people.intake_clerk).get(STAFF_URL, {"q": "  "})
    assert (response.status_code, response.json()["results"]) == (200, [])


def test_residents_search_without_signing_in(address_register, world):
    response = Client().get(PUBLIC_URL, {"q": "桃源路88号"})
    assert response.status_code == 200
    assert [r["label"] for r in response.json()["results"]] == ["桃源路88号（桃源新村）", "桃源路88-1号"]


def test_residents_are_limited_per_address(address_register):
    AddressPolicy.objects.update_or_create(pk=1, defaults={"public_searches_per_ip_per_hour": 2})
    client = Client(REMOTE_ADDR="203.0.113.7")
    assert [client.get(PUBLIC_URL, {"q": "桃源路"}).status_code for _ in range(2)] == [200, 200]
    refused = client.get(PUBLIC_URL, {"q": "桃源路"})
    assert (refused.status_code, refused["Retry-After"]) == (429, "3600")
    assert refused.json() == {"error": "查找太频繁，请稍后再试"}
    # Another address has its own allowance.
    assert Client(REMOTE_ADDR="203.0.113.8").get(PUBLIC_URL, {"q": "桃源路"}).status_code == 200
