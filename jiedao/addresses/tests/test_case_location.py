"""事发位置 of a case reported with a point only (the field app): the nearest standard address and
the grid instead of "—"."""

import re

import pytest
from django.test import Client

from jiedao.addresses.models import AddressPolicy
from jiedao.conftest import report

pytestmark = pytest.mark.django_db


def location_on_page(user, case) -> str:
    client = Client()
    client.force_login(user)
    page = client.get(f"/cases/{case.number}/").content.decode()
    return re.search(r'<dd id="case-location">(.*?)</dd>', page, re.S).group(1).strip()


def test_a_point_only_case_shows_the_nearest_address_and_its_grid(world, clock, address_register):
    case = report(world, address="", longitude=address_register.h86.longitude + 0.0003, latitude=address_register.h86.latitude)
    assert location_on_page(world.people.intake_clerk, case) == f"桃源路86号附近 · {world.grids[0].name}"


def test_with_no_address_within_reach_the_grid_alone(world, clock, address_register):
    AddressPolicy.objects.update_or_create(pk=1, defaults={"nearest_within_m": 10})
    case = report(world, address="", longitude=address_register.h86.longitude + 0.0003, latitude=address_register.h86.latitude)
    assert location_on_page(world.people.intake_clerk, case) == world.grids[0].name


def test_an_address_typed_by_the_reporter_is_kept(world, clock, address_register):
    case = report(world, address="桃源路 12 号东侧")
    assert location_on_page(world.people.intake_clerk, case) == "桃源路 12 号东侧"
