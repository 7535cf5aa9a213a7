"""The leader's tables fit the screen (issue 10, point 7) and the dashboard's map zooms to the unit
drilled into (point 8), in Chromium: the key columns (名次, 单位, 综合指标值, 等级) are in view
without scrolling at 1366 and 1920 px, the name stays in view while a wide table scrolls inside its
box, and no header breaks inside a word."""

import pytest

from jiedao.conftest import report, walk_to

pytestmark = pytest.mark.browser

KEY_HEADERS = ("名次", "单位", "综合指标值", "等级")


@pytest.fixture
def evaluated(live_world):
    from jiedao.evaluation.services import evaluation_seed_defaults

    evaluation_seed_defaults()
    walk_to(live_world, report(live_world), "closed")
    walk_to(live_world, report(live_world, column=2, by=live_world.people.other_grid_worker), "handling")
    return live_world


def header_boxes(page, table: str) -> dict[str, dict]:
    """Each header's box in the viewport and how many lines its text takes."""
    return page.evaluate(
        """(table) => Object.fromEntries([...document.querySelectorAll(table + " thead th")].map((th) => {
            const range = document.createRange();
            range.selectNodeContents(th);
            const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
            const box = th.getBoundingClientRect();
            return [th.textContent.trim(), {left: box.left, right: box.right, lines: lines.size}];
        }))""",
        table,
    )


@pytest.mark.parametrize("width", [1366, 1920])
def test_the_key_columns_are_in_view_without_scrolling(width, evaluated, live_server, chromium, sign_in,
                                                         screenshot):
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="zh-CN",
                                   timezone_id="Asia/Shanghai")
    page = sign_in(context, evaluated.people.leader)
    page.goto(f"{live_server.url}/evaluation/?object=community&period=month")

    boxes = header_boxes(page, "table.evaluation")
    for header in KEY_HEADERS:
        assert boxes[header]["left"] >= 0 and boxes[header]["right"] <= width, (header, boxes[header])
    assert list(boxes)[:4] == list(KEY_HEADERS)
    # no header breaks inside a word: each takes one line
    assert {name: box["lines"] for name, box in boxes.items() if box["lines"] != 1} == {}
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"evaluation-{width}")
    context.close()


def test_on_a_phone_the_name_stays_in_view_while_the_table_scrolls(evaluated, live_server, phone, sign_in,
                                                                     screenshot):
    page = sign_in(phone, evaluated.people.leader)
    page.goto(f"{live_server.url}/evaluation/?object=community&period=month")

    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the table scrolls in its own box
    before = page.evaluate("""() => {
        const cell = document.querySelector("table.evaluation tbody td.sticky-col--name");
        const box = cell.closest(".table-scroll");
        const wide = box.scrollWidth > box.clientWidth;
        box.scrollLeft = box.scrollWidth;
        return {wide: wide, left: cell.getBoundingClientRect().left, scrolled: box.scrollLeft};
    }""")
    after = page.evaluate("document.querySelector('table.evaluation tbody td.sticky-col--name')"
                          ".getBoundingClientRect().left")
    header = page.evaluate("document.querySelector('table.evaluation thead th.sticky-col--name')"
                           ".getBoundingClientRect().left")
    assert before["wide"] and before["scrolled"] > 0
    assert abs(after - before["left"]) < 1  # sticky: it did not move with the table
    assert abs(header - after) < 1  # and its header stays above it
    screenshot(page, "evaluation-phone")


def test_the_bulletin_headers_do_not_break_inside_a_word(evaluated, live_server, chromium, sign_in):
    for width in (1366, 390):
        context = chromium.new_context(viewport={"width": width, "height": 900}, locale="zh-CN",
                                       timezone_id="Asia/Shanghai")
        page = sign_in(context, evaluated.people.leader)
        page.goto(f"{live_server.url}/bulletin/?period=month")
        broken = page.evaluate("""() => [...document.querySelectorAll(".bulletin-paper th")].filter((th) => {
            const range = document.createRange();
            range.selectNodeContents(th);
            return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1;
        }).map((th) => th.textContent)""")
        assert broken == [], (width, broken)
        context.close()


def test_the_dashboard_map_zooms_to_the_unit_drilled_into(evaluated, live_server, desktop, sign_in, screenshot):
    page = sign_in(desktop, evaluated.people.leader)

    def map_view(query: str) -> dict:
        page.goto(f"{live_server.url}/dashboard/{query}")
        page.wait_for_function("document.getElementById('dashboard-map').dataset.focused !== undefined")
        return page.evaluate("""() => {
            const map = window.JiedaoMap.dashboard, bounds = map.getBounds();
            return {zoom: map.getZoom(), focused: document.getElementById('dashboard-map').dataset.focused,
                    west: bounds.getWest(), east: bounds.getEast(), south: bounds.getSouth(), north: bounds.getNorth()};
        }""")

    top = map_view("")
    grid_unit = evaluated.grids[0]
    grid = map_view(f"?unit={grid_unit.pk}")

    assert (top["focused"], grid["focused"]) == ("no", "yes")
    assert grid["zoom"] >= top["zoom"]

    def extent(unit):
        ring = unit.boundary["coordinates"][0]
        return (min(p[0] for p in ring), max(p[0] for p in ring), min(p[1] for p in ring), max(p[1] for p in ring))

    def holds(view, box):
        west, east, south, north = box
        return view["west"] <= west and east <= view["east"] and view["south"] <= south and north <= view["north"]

    # the sub-district's view holds every grid; the grid's view is centred on it and leaves the far grid out
    assert all(holds(top, extent(unit)) for unit in evaluated.grids)
    west, east, south, north = extent(grid_unit)
    assert holds(grid, (west, east, south, north))
    assert west < (grid["west"] + grid["east"]) / 2 < east and south < (grid["south"] + grid["north"]) / 2 < north
    assert not holds(grid, extent(evaluated.grids[-1]))
    screenshot(page, "dashboard-grid")
