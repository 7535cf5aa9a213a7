"""What a person does on the pages, in the browser: shared by the browser tests."""

from playwright.sync_api import Page, expect

from jiedao.conftest import CELL, ORIGIN_LAT, ORIGIN_LON


def wait_until(page: Page, expression: str, timeout_ms: int = 10_000) -> None:
    """Poll a JavaScript expression until it is true. Playwright's wait_for_function evaluates its
    predicate with eval() inside the page, which the Content-Security-Policy refuses; evaluate()
    goes through the DevTools protocol, outside the page's policy."""
    for _attempt in range(timeout_ms // 100):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"not true after {timeout_ms} ms: {expression}")


def open_case(page: Page, base_url: str, number: str) -> None:
    page.goto(f"{base_url}/cases/{number}/")
    expect(page.locator(".case-head__number")).to_have_text(number)


def submit_action(page: Page, code: str, *, fill=None) -> None:
    """Open the action's card on the case page, fill it in and submit it (the page reloads)."""
    card = page.locator(f"#action-{code}")
    if card.get_attribute("open") is None:
        card.locator("summary").click()
    if fill:
        fill(card)
    with page.expect_navigation():
        card.locator("button[type=submit]").click()


def expect_done(page: Page, label: str) -> None:
    expect(page.locator(".message--success")).to_have_text(f"已完成：{label}")


def grid_pixel(page: Page, *, map_selector: str, lon: float, lat: float, columns: int = 4) -> tuple[float, float]:
    """The page pixel of (lon, lat) on a map that shows the test world's row of square grids.

    The map object is private to map.js, so the drawn grid polygons are the reference: together
    they span ORIGIN_LON…ORIGIN_LON + columns·CELL and ORIGIN_LAT…ORIGIN_LAT + CELL (a 0.01° band is
    flat enough for a linear interpolation of the Mercator projection)."""
    box = page.evaluate(
        """(selector) => {
            const paths = [...document.querySelectorAll(selector + " .leaflet-overlay-pane path")];
            const rects = paths.map((p) => p.getBoundingClientRect());
            return {left: Math.min(...rects.map((r) => r.left)), right: Math.max(...rects.map((r) => r.right)),
                    top: Math.min(...rects.map((r) => r.top)), bottom: Math.max(...rects.map((r) => r.bottom)),
                    count: paths.length};
        }""",
        map_selector,
    )
    assert box["count"] == columns, f"expected {columns} grid polygons on {map_selector}, got {box['count']}"
    x = box["left"] + (lon - ORIGIN_LON) / (columns * CELL) * (box["right"] - box["left"])
    y = box["bottom"] - (lat - ORIGIN_LAT) / CELL * (box["bottom"] - box["top"])
    return x, y
