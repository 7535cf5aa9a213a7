"""The main path of the loop in the browser, each step by its own person in their own browser:
上报 → 受理 → 立案 → 派遣 → 处置反馈 → 核查 → 结案."""

import re

import pytest
from playwright.sync_api import expect

from jiedao.cases.models import Case, CaseState
from jiedao.conftest import CELL, ORIGIN_LAT, ORIGIN_LON, grid_centre

from .steps import expect_done, grid_pixel, open_case, submit_action

pytestmark = pytest.mark.browser

MAIN_PATH = ["上报", "受理", "立案", "派遣", "处置反馈", "核查", "结案"]


def report_on_phone(page, *, base_url, photo) -> str:
    """The grid worker reports litter in grid 0 from the report page and gets the case number."""
    page.goto(f"{base_url}/cases/new/")
    page.locator("#item-query").press_sequentially("bllj")
    page.locator("#item-suggestions [data-item-name='暴露垃圾']").click()
    expect(page.locator("#item-chosen")).to_have_text("✓ 06010 暴露垃圾")

    lon, lat = grid_centre(0)
    page.locator("#report-map").scroll_into_view_if_needed()
    x, y = grid_pixel(page, map_selector="#report-map", lon=lon, lat=lat)
    page.touchscreen.tap(x, y)
    expect(page.locator("#longitude")).not_to_have_value("")
    picked_lon = float(page.locator("#longitude").input_value())
    picked_lat = float(page.locator("#latitude").input_value())
    assert ORIGIN_LON < picked_lon < ORIGIN_LON + CELL
    assert ORIGIN_LAT < picked_lat < ORIGIN_LAT + CELL

    page.fill("input[name=address]", "桃源路 12 号东侧")
    page.fill("textarea[name=description]", "路口成堆垃圾未入桶")
    page.set_input_files("input[name=photos]", str(photo))
    with page.expect_navigation():
        page.get_by_role("button", name="提交上报").click()
    number = page.locator(".case-head__number").inner_text()
    expect(page.locator(".message--success")).to_have_text(f"案件 {number} 已上报")
    return number


def test_a_case_goes_round_the_main_path_in_the_browser(live_world, live_server, new_context, sign_in,
                                                         screenshot, jpeg_file):
    world, people, url = live_world, live_world.people, live_server.url

    # 上报: the grid worker, on a phone.
    worker = sign_in(new_context("phone"), people.grid_worker)
    number = report_on_phone(worker, base_url=url, photo=jpeg_file("before.jpg", (170, 60, 40)))
    screenshot(worker, "1-reported")
    assert re.fullmatch(r"\d{4}-\d{6}", number), number
    case = Case.objects.get(number=number)
    assert (case.state, case.grid, case.item, case.reporter) == (
        CaseState.REPORTED, world.grids[0], world.item, people.grid_worker)

    # 受理: the intake clerk finds it in the inbox (待受理) on the desktop.
    clerk = sign_in(new_context("desktop"), people.intake_clerk)
    expect(clerk.locator(".tab.is-active")).to_contain_text("待受理")
    with clerk.expect_navigation():
        clerk.get_by_role("link", name=number).click()
    screenshot(clerk, "2-before-accept")
    submit_action(clerk, "accept")
    expect_done(clerk, "受理")

    # 立案: the shift lead files it under the category's rule (pre-selected).
    shift_lead = sign_in(new_context("desktop"), people.shift_lead)
    open_case(shift_lead, url, number)
    expect(shift_lead.locator("#action-file input[name=rule]")).to_be_checked()
    submit_action(shift_lead, "file")
    expect_done(shift_lead, "立案")

    # 派遣: the dispatcher sends it to the department the rule suggests.
    dispatcher = sign_in(new_context("desktop"), people.dispatcher)
    open_case(dispatcher, url, number)
    department = dispatcher.locator("#action-dispatch select[name=department]")
    expect(department).to_have_value(str(world.cleaning.pk))
    expect(department.locator("option:checked")).to_have_text("环卫所（建议）")
    screenshot(dispatcher, "3-dispatch")
    submit_action(dispatcher, "dispatch")
    expect_done(dispatcher, "派遣")

    # 处置反馈: the handler of 环卫所, on a phone, with an after photo.
    handler = sign_in(new_context("phone"), people.handler)
    open_case(handler, url, number)

    def fix(card):
        card.locator("textarea[name=opinion]").fill("已清运，地面冲洗干净")
        card.locator("input[name=photos]").set_input_files(str(jpeg_file("after.jpg", (40, 150, 70))))
    submit_action(handler, "report_fix", fill=fix)
    expect_done(handler, "处置反馈")

    # 核查: the community's inspector, on a phone, finds it fixed (通过 is the default).
    inspector = sign_in(new_context("phone"), people.inspector)
    open_case(inspector, url, number)
    expect(inspector.locator("#action-check input[name=passed][value=yes]")).to_be_checked()
    submit_action(inspector, "check")
    expect_done(inspector, "核查")

    # 结案: the shift lead closes it.
    open_case(shift_lead, url, number)
    submit_action(shift_lead, "close")
    expect_done(shift_lead, "结案")
    screenshot(shift_lead, "4-closed")

    # The case page: closed, and the seven steps in order with who took them.
    expect(shift_lead.locator(".case-head__meta .badge")).to_have_text("已结案")
    steps = shift_lead.locator(".timeline__step")
    expect(steps.locator(".timeline__action")).to_have_text(MAIN_PATH)
    actors = [people.grid_worker, people.intake_clerk, people.shift_lead, people.dispatcher, people.handler,
              people.inspector, people.shift_lead]
    expect(steps.locator(".timeline__who")).to_have_text(
        [re.compile(rf" · {re.escape(person.full_name)}（") for person in actors])
    # Both photos are on the page and load (before and after).
    photos = shift_lead.locator(".case-layout__photos img")
    expect(photos).to_have_count(2)
    for image in photos.all():
        image.scroll_into_view_if_needed()
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("img => img.naturalWidth") > 0

    # And the database agrees.
    case = Case.objects.get(number=number)
    assert case.state == CaseState.CLOSED
    assert case.department == world.cleaning
    assert case.deadline_at is not None
    assert list(case.events.order_by("at", "id").values_list("action", "actor__username")) == [
        ("report", "grid_worker"), ("accept", "intake_clerk"), ("file", "shift_lead"), ("dispatch", "dispatcher"),
        ("report_fix", "handler"), ("check", "inspector"), ("close", "shift_lead"),
    ]
