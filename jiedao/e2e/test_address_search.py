"""Issue 10: a hotline clerk given "桃源路 88 号" places it by the address search on the staff report
form — typed, picked from the suggestions with the keyboard — and the case lands in the grid the
register puts that house number in; its page says where."""

import pytest
from playwright.sync_api import expect

from jiedao.cases.models import Case, CaseSource

pytestmark = pytest.mark.browser


def test_a_hotline_clerk_places_a_house_number_from_the_suggestions(live_world, live_server, new_context,
                                                                     sign_in, screenshot, address_register):
    world, url = live_world, live_server.url
    clerk = sign_in(new_context("desktop"), world.people.intake_clerk)
    clerk.goto(f"{url}/cases/new/")
    clerk.locator("#item-query").press_sequentially("bllj")
    clerk.locator("#item-suggestions [data-item-name='暴露垃圾']").click()

    search = clerk.locator("#address-query")
    search.press_sequentially("桃源路 88 号")
    options = clerk.locator("#address-results [role=option]")
    expect(options.first).to_contain_text("桃源路88号（桃源新村）")
    expect(options.first).to_contain_text(world.grids[0].name)
    expect(search).to_have_attribute("aria-expanded", "true")
    screenshot(clerk, "1-suggestions")
    search.press("ArrowDown")
    expect(search).to_have_attribute("aria-activedescendant", "address-results-0")
    search.press("Enter")  # picks; it does not submit the report

    expect(clerk.locator("#address-results")).to_be_hidden()
    expect(clerk.locator("#longitude")).to_have_value(f"{address_register.h88.longitude:.7f}")
    expect(clerk.locator("#latitude")).to_have_value(f"{address_register.h88.latitude:.7f}")
    expect(clerk.locator("input[name=address]")).to_have_value("桃源路88号（桃源新村）")
    expect(clerk.locator("#location-text")).to_have_text(f"桃源路88号（桃源新村） · {world.grids[0].name}")
    # The map moved to the house number and its marker stands there.
    expect(clerk.locator("#report-map .leaflet-marker-icon")).to_have_count(1)
    screenshot(clerk, "2-picked")

    clerk.fill("textarea[name=description]", "12345 来电：小区门口垃圾堆积")
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="提交上报").click()
    number = clerk.locator(".case-head__number").inner_text()
    case = Case.objects.get(number=number)
    assert (case.grid, case.source, case.address) == (world.grids[0], CaseSource.HOTLINE, "桃源路88号（桃源新村）")
    assert (case.longitude, case.latitude) == pytest.approx((address_register.h88.longitude,
                                                             address_register.h88.latitude), abs=1e-6)
    expect(clerk.locator("#case-location")).to_have_text("桃源路88号（桃源新村）")
    expect(clerk.locator(".facts")).to_contain_text(world.grids[0].name)
    screenshot(clerk, "3-case")


def test_a_configured_tile_service_draws_under_the_maps(live_world, live_server, new_context, sign_in, settings,
                                                        address_register):
    """JIEDAO_TILE_URL (here two templates on our own origin, a base and its labels) draws under the
    staff report map and the public map, with the roads and names over it."""
    icon = f"{live_server.url}/static/field/icons/icon-192.png"
    settings.JIEDAO_TILE_URL = f"{icon}?layer=base&z={{z}}&x={{x}}&y={{y}} {icon}?layer=labels&z={{z}}&x={{x}}&y={{y}}"
    clerk = sign_in(new_context("desktop"), live_world.people.intake_clerk)
    for page, url, selector in ((clerk, f"{live_server.url}/cases/new/", "#report-map"),
                                (clerk, f"{live_server.url}/p/map/", "#public-map")):
        page.goto(url)
        tiles = page.locator(f"{selector} img.leaflet-tile-loaded")
        expect(tiles.first).to_be_visible()
        sources = page.eval_on_selector_all(f"{selector} img.leaflet-tile", "(images) => images.map((i) => i.src)")
        assert any("layer=base" in src for src in sources) and any("layer=labels" in src for src in sources)
        assert page.locator(f"{selector}.map--no-tiles").count() == 0
