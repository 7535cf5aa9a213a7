"""The address search ranks the house number typed exactly first, then roads it begins, then
buildings; geocoding names one address or none; the nearest address to a point."""

import pytest

from jiedao.addresses.models import AddressStatus
from jiedao.addresses.selectors import address_geocode, address_search, nearest_address

pytestmark = pytest.mark.django_db


def labels(query, limit=10):
    return [match.label for match in address_search(query=query, limit=limit)]


def test_the_exact_house_number_comes_first_then_numbers_beginning_with_it(address_register):
    assert labels("桃源路 88 号") == ["桃源路88号（桃源新村）", "桃源路88-1号"]
    assert labels("桃源路8") == ["桃源路8号", "桃源路80号", "桃源路86号", "桃源路88号（桃源新村）",
                                 "桃源路88-1号"]


def test_a_match_carries_its_point_and_grid(address_register, world):
    match = address_search(query="桃源路88号")[0]
    assert match.as_json() == {"kind": "house", "id": address_register.h88.pk, "label": "桃源路88号（桃源新村）",
                               "point": [address_register.h88.longitude, address_register.h88.latitude],
                               "grid": world.grids[0].name, "grid_code": world.grids[0].code}


def test_full_width_digits_chinese_numerals_and_aliases_find_the_same_house(address_register):
    for typed in ("桃源路８８号", "桃源路八十八号", "桃园路88号"):
        assert address_search(query=typed)[0].id == address_register.h88.pk, typed


def test_a_building_typed_after_the_number_comes_before_the_number(address_register):
    assert labels("桃源路88号3栋")[:2] == ["桃源路88号3栋", "桃源路88号（桃源新村）"]


def test_a_road_prefix_offers_the_roads_then_buildings(address_register):
    assert sorted(labels("桃")[:2]) == ["桃源路", "桃花弄"]
    assert labels("桃源")[0] == "桃源路"
    assert "桃源新村（桃源路88号）" in labels("桃源")


def test_pinyin_initials_find_a_road_and_a_building(address_register):
    assert labels("tyl")[0] == "桃源路"
    assert labels("qxxx") == ["青溪小学"]


def test_buildings_by_name_and_alias(address_register):
    assert labels("青溪一小") == ["青溪小学"]
    assert labels("新村") == ["桃源新村（桃源路88号）"]


def test_retired_addresses_are_not_offered(address_register):
    address_register.h88_1.status = AddressStatus.RETIRED
    address_register.h88_1.save()
    assert labels("桃源路88") == ["桃源路88号（桃源新村）"]


def test_geocoding_names_one_address_or_none(address_register):
    assert address_geocode(text="桃源路 88 号").id == address_register.h88.pk
    assert address_geocode(text="桃源路88-1号").id == address_register.h88_1.pk
    assert address_geocode(text="桃源路88号3栋").id == address_register.block.pk
    assert address_geocode(text="青溪一小").id == address_register.school.pk
    assert address_geocode(text="桃源路89号") is None
    assert address_geocode(text="桃源路") is None
    assert address_geocode(text="") is None


def test_geocoding_by_address_code(address_register):
    address_register.h86.code = "DZ-0086"
    address_register.h86.save()
    assert address_geocode(code="DZ-0086").id == address_register.h86.pk
    assert address_geocode(code="DZ-9999") is None


def test_the_nearest_address_within_reach(address_register):
    lon, lat = address_register.h86.longitude + 0.0003, address_register.h86.latitude  # about 29 m east
    nearest = nearest_address((lon, lat), 150)
    assert nearest.label == "桃源路86号"
    assert 28 < nearest.distance_m < 30
    assert nearest_address((lon, lat), 20) is None
