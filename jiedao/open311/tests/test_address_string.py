"""An Open311 report with an address and no coordinates is placed by the standard address address_register
(一标三实); an address the address_register does not hold is the spec's 400 with a message that says so."""

import pytest

from jiedao.cases.models import Case

from .conftest import report_form
from .test_requests_post import body, errors_of, written


def address_only(key, address, **overrides):
    form = report_form(key, address_string=address, **overrides)
    del form["lat"], form["long"]
    return form


def test_an_address_alone_becomes_a_case_at_the_house_number_in_its_grid(world, clock, caller, api_client,
                                                                             address_register):
    response = caller.post("requests.json", address_only(api_client.key, "桃源路 88 号"))
    assert response.status_code == 201
    case = Case.objects.get()
    assert body(response)[0]["token"] == case.tracking_code
    assert (case.longitude, case.latitude) == (address_register.h88.longitude, address_register.h88.latitude)
    assert (case.grid, case.address) == (world.grids[0], "桃源路 88 号")


def test_an_address_code_alone_is_placed_too(world, clock, caller, api_client, address_register):
    address_register.h8.code = "DZ-0008"
    address_register.h8.save()
    form = address_only(api_client.key, "", address_id="DZ-0008")
    del form["address_string"]
    response = caller.post("requests.json", form)
    assert response.status_code == 201
    case = Case.objects.get()
    assert (case.grid, case.address) == (world.grids[1], "桃源路8号")


def test_coordinates_still_win_over_the_address(world, clock, caller, api_client, address_register):
    response = caller.post("requests.json", report_form(api_client.key, address_string="柳岸街12号"))
    assert response.status_code == 201
    assert Case.objects.get().grid == world.grids[0]  # where lat/long say, not 柳岸街 in grid 2


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_address_not_in_the_register_is_400_and_nothing_written(world, clock, caller, api_client, address_register,
                                                                   fmt):
    before = written()
    response = caller.post(f"requests.{fmt}", address_only(api_client.key, "桃源路 999 号"))
    assert response.status_code == 400
    assert errors_of(response) == [(400, "地址“桃源路 999 号”不在标准地址库中：请提供 lat 和 long，或标准地址中的门牌（如 桃源路88号）")]
    assert written() == before


def test_a_huge_or_strange_address_is_a_400_never_a_500(world, clock, caller, api_client, address_register):
    for address in ("桃源路" + "9" * 40 + "号", "号号号", "路", "\u200b桃源路88号"):
        response = caller.post("requests.json", address_only(api_client.key, address))
        assert response.status_code in (201, 400), address
    assert Case.objects.count() <= 1  # only the zero-width space may be read as 桃源路88号
