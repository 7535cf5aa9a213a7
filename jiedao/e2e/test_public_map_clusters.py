"""Issue 10, point 11: the public map on a phone groups many reports into clusters that say how many they
hold and open as the map zooms in."""

import pytest
from playwright.sync_api import expect

from jiedao.cases import services
from jiedao.cases.models import CaseState
from jiedao.conftest import CELL, grid_centre, report

pytestmark = pytest.mark.browser

REPORTS = 120


def test_many_reports_on_a_phone_are_clustered_and_open_as_the_map_zooms(live_world, live_server, phone,
                                                                          screenshot):
    world = live_world
    for n in range(REPORTS):
        lon, lat = grid_centre(n % 4)
        case = report(world, column=n % 4, longitude=lon + (n % 7 - 3) * CELL / 20,
                      latitude=lat + (n % 5 - 2) * CELL / 20, photos=[])
        if case.state == CaseState.REPORTED:
            services.case_accept(case=case, by=world.people.intake_clerk)
    page = phone.new_page()
    page.set_default_timeout(10_000)

    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/p/map/")

    expect(page.locator("#public-map")).to_have_attribute("data-points", str(REPORTS))
    clusters = page.locator(".map-cluster")
    expect(clusters.first).to_be_visible()
    counts = [int(text) for text in clusters.all_inner_texts()]
    drawn = page.locator("#public-map path.leaflet-interactive").count()
    assert sum(counts) + drawn == REPORTS  # every report is in a cluster or drawn on its own
    assert len(counts) + drawn < REPORTS / 4  # the phone shows a few clusters, not 120 dots
    assert all("map-cluster--open" in (c.get_attribute("class") or "") for c in clusters.all())  # all still open
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []
    screenshot(page, "public-map-clusters")

    biggest = max(clusters.all(), key=lambda c: int(c.inner_text()))
    before = len(counts)
    biggest.click()  # a cluster zooms in to what it holds
    page.wait_for_timeout(800)
    after_counts = [int(text) for text in page.locator(".map-cluster").all_inner_texts()]
    after_drawn = page.locator("#public-map path.leaflet-interactive").count()
    assert after_drawn > drawn or len(after_counts) > before
