"""The pages a field worker uses, on a 390-px phone: no sideways scrolling, Chinese drawn with a CJK
font (not boxes), and maps that draw the grids on a plain background (no tile server here)."""

import pytest
from playwright.sync_api import expect

from jiedao.conftest import report

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390


def fonts_drawing(page, selector: str) -> list[dict]:
    """The fonts Chromium actually used for the text of one element (DevTools' "Rendered Fonts")."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    assert node, f"no {selector} on {page.url}"
    return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]


def map_drawing(page, selector: str) -> dict:
    return page.evaluate(
        """(selector) => {
            const map = document.querySelector(selector);
            const box = map.getBoundingClientRect();
            const paths = [...map.querySelectorAll(".leaflet-overlay-pane svg path")].map((path) => {
                const r = path.getBoundingClientRect();
                return {d: path.getAttribute("d") || "", width: r.width, height: r.height};
            });
            return {width: box.width, height: box.height, paths: paths,
                    tiles: map.querySelectorAll(".leaflet-tile").length,
                    noTiles: map.classList.contains("map--no-tiles"),
                    markers: map.querySelectorAll(".leaflet-marker-icon").length};
        }""",
        selector,
    )


# page, a heading of Chinese text only, the map on it and the number of grids it draws
PAGES = {
    "inbox": ("/?box=reported_by_me", ".page-title", None, 0),
    "case": ("/cases/{number}/", ".case-layout__facts .card__title", "#case-map", 1),
    "report": ("/cases/new/", ".page-title", "#report-map", 4),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_field_pages_fit_a_phone_and_draw_chinese_and_grids(name, live_world, live_server, phone, sign_in,
                                                            screenshot):
    path, heading, map_selector, grid_count = PAGES[name]
    case = report(live_world)
    page = sign_in(phone, live_world.people.grid_worker)
    page.goto(live_server.url + path.format(number=case.number))
    if name == "inbox":
        expect(page.get_by_role("link", name=case.number)).to_be_visible()
    page.evaluate("document.fonts.ready")
    screenshot(page, "phone")

    # No sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH

    # Every glyph of the heading comes from a CJK font, none from a fallback that draws boxes.
    text = page.locator(heading).inner_text().strip()
    fonts = fonts_drawing(page, heading)
    assert [f["familyName"] for f in fonts if "CJK" not in f["familyName"]] == [], fonts
    assert sum(f["glyphCount"] for f in fonts) == len(text.replace(" ", "")), (text, fonts)

    # The map has a size and draws its grid polygons with no tile layer at all.
    if map_selector:
        drawing = map_drawing(page, map_selector)
        assert drawing["width"] > 300 and drawing["height"] > 150, drawing
        assert (drawing["tiles"], drawing["noTiles"]) == (0, True)
        assert len(drawing["paths"]) == grid_count, drawing
        for grid in drawing["paths"]:
            assert grid["d"].startswith("M") and grid["width"] > 20 and grid["height"] > 20, grid
        assert drawing["markers"] == (1 if name == "case" else 0)


def test_the_dashboard_draws_its_charts_and_map_on_a_phone(live_world, live_server, phone, sign_in, screenshot):
    from jiedao.conftest import walk_to

    walk_to(live_world, report(live_world), "handling")
    page = sign_in(phone, live_world.people.leader)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(live_server.url + "/dashboard/")
    expect(page.locator("#chart-trend canvas").first).to_be_visible()
    expect(page.locator("#chart-categories canvas").first).to_be_visible()
    screenshot(page, "dashboard-phone")

    assert errors == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    drawing = map_drawing(page, "#dashboard-map")
    assert drawing["noTiles"] and drawing["tiles"] == 0
    # four grids and one case being handled (a circle marker is a path too)
    assert len(drawing["paths"]) == 5
