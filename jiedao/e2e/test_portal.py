"""A resident on a phone, without signing in: reports a problem with a photo, follows the tracking
link, and — after the office has fixed and closed it — sees it closed with the after-photo and rates it."""

import re

import pytest
from playwright.sync_api import expect

from jiedao.cases import services
from jiedao.cases.models import Case, CasePhoto, CaseRating, CaseSource, CaseState
from jiedao.conftest import CELL, ORIGIN_LAT, ORIGIN_LON, grid_centre, make_upload

from .steps import grid_pixel

pytestmark = pytest.mark.browser


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_resident_reports_follows_the_link_and_rates_the_closed_case(live_world, live_server, phone, screenshot,
                                                                       jpeg_file):
    world, people, url = live_world, live_world.people, live_server.url
    page = phone.new_page()
    page.set_default_timeout(10_000)

    # Report: a photo, the category by pinyin initials, a tap on the map, a few words and a phone number.
    page.goto(f"{url}/p/report/")
    page.set_input_files("input[name=photos]", str(jpeg_file("before.jpg", (170, 60, 40))))
    page.locator("#item-query").press_sequentially("bllj")
    page.locator("#item-suggestions [data-item-name='暴露垃圾']").click()
    expect(page.locator("#item-chosen")).to_have_text("✓ 06010 暴露垃圾")
    lon, lat = grid_centre(0)
    page.locator("#report-map").scroll_into_view_if_needed()
    x, y = grid_pixel(page, map_selector="#report-map", lon=lon, lat=lat)
    page.touchscreen.tap(x, y)
    expect(page.locator("#longitude")).not_to_have_value("")
    assert ORIGIN_LON < float(page.locator("#longitude").input_value()) < ORIGIN_LON + CELL
    assert ORIGIN_LAT < float(page.locator("#latitude").input_value()) < ORIGIN_LAT + CELL
    page.fill("textarea[name=description]", "小区门口垃圾三天没人清")
    page.fill("input[name=phone]", "13800138000")
    no_sideways_scroll(page)
    screenshot(page, "1-report-form")
    with page.expect_navigation():
        page.get_by_role("button", name="提交反映").click()

    # The receipt: the tracking code and its link.
    case = Case.objects.get()
    assert (case.source, case.reporter, case.state, case.reporter_phone) == (
        CaseSource.RESIDENT, None, CaseState.REPORTED, "13800138000")
    expect(page.locator("#tracking-code")).to_have_text(case.tracking_code)
    screenshot(page, "2-receipt")
    with page.expect_navigation():
        page.locator("#tracking-link").click()
    assert page.url == f"{url}/p/t/{case.tracking_code}/"
    expect(page.locator("#public-status")).to_have_text("已收到")

    # The office does its work (through the services) and publishes the after-photo.
    services.case_accept(case=case, by=people.intake_clerk)
    services.case_file(case=case, by=people.shift_lead)
    services.case_dispatch(case=case, by=people.dispatcher, department=world.cleaning)
    services.case_report_fix(case=case, by=people.handler, opinion="已清运",
                             photos=[make_upload("after.jpg")])
    services.case_check(case=case, by=people.inspector, passed=True)
    services.case_close(case=case, by=people.shift_lead, public_note="垃圾已清运，并增设了一个收集桶。")
    after = CasePhoto.objects.get(case=case, stage="after")
    services.case_photo_publish(photo=after, by=people.dispatcher, public=True)

    # The resident comes back: closed, the closing note, the after-photo (and only it).
    page.reload()
    expect(page.locator("#public-status")).to_have_text("已办结")
    expect(page.locator("#closing-note")).to_have_text("垃圾已清运，并增设了一个收集桶。")
    expect(page.locator(".ptimeline__text").last).to_have_text("已办结")
    photos = page.locator("img.public-photo")
    expect(photos).to_have_count(1)
    photos.first.scroll_into_view_if_needed()
    expect(photos.first).to_have_js_property("complete", True)
    assert photos.first.evaluate("img => img.naturalWidth") > 0
    assert re.search(rf"/p/photos/{after.pk}/thumbnail/$", photos.first.get_attribute("src"))
    assert "13800138000" not in page.content()
    no_sideways_scroll(page)
    screenshot(page, "3-closed")

    # …and rates it.
    page.locator("#rate label.stars__option", has_text="非常满意").click()
    page.fill("#rate textarea[name=comment]", "很快，谢谢")
    with page.expect_navigation():
        page.get_by_role("button", name="提交评价").click()
    expect(page.locator(".message--success")).to_have_text("感谢您的评价！")
    expect(page.locator("#rating .stars-shown .is-on")).to_have_count(5)
    rating = CaseRating.objects.get(case=case)
    assert (rating.score, rating.comment, rating.source) == (5, "很快，谢谢", "portal")
    screenshot(page, "4-rated")
