"""The field app on a 390-px phone: a grid worker reports without signal, the report waits on the
device, goes out when the signal returns, and makes exactly one case — also when sent again.
Then the queue (核查 made on the phone) and a recorded patrol."""

import re

import pytest
from playwright.sync_api import expect

from jiedao.cases import services
from jiedao.cases.models import Case, CaseState
from jiedao.conftest import CELL, ORIGIN_LAT, ORIGIN_LON, grid_centre, report, walk_to
from jiedao.field.models import Patrol
from jiedao.field.tracks import haversine_m

from .steps import wait_until

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390


def _outbox(page) -> list[dict]:
    return page.evaluate("""async () => (await window.JiedaoField.outbox.all()).map((item) => ({
        key: item.key, kind: item.kind, status: item.status, message: item.message,
        number: item.receipt ? item.receipt.number : null}))""")


def _field_page(context, sign_in, live_server, user, path="/field/"):
    page = sign_in(context, user)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + path)
    # The service worker takes over the field pages (clients.claim on activation).
    wait_until(page, "navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    return page, errors


def test_a_report_made_offline_is_sent_once_when_the_signal_returns(live_world, live_server, phone, sign_in,
                                                                    screenshot, jpeg_file):
    world, worker = live_world, live_world.people.grid_worker
    lon, lat = grid_centre(0)
    phone.grant_permissions(["geolocation"], origin=live_server.url)
    phone.set_geolocation({"longitude": lon, "latitude": lat, "accuracy": 8})
    page, errors = _field_page(phone, sign_in, live_server, worker)
    expect(page.locator("h1.page-title")).to_have_text("外业巡查")
    screenshot(page, "home")

    page.get_by_role("link", name="拍照上报").first.click()
    expect(page.locator("#location-text")).to_have_text("已定位，精度约 8 米")
    # Recent categories are offered, none is chosen for the worker.
    expect(page.locator("#item-chips input")).not_to_have_count(0)
    expect(page.locator("#item-chips input:checked")).to_have_count(0)
    page.locator("#item-chips label.chip", has_text="暴露垃圾").click()
    # The map-pick fallback: the grids are drawn and a tap sets the place.
    page.get_by_role("button", name="在地图上选点").click()
    # It opens on the GPS fix (zoom 17: 1.03 m a pixel at 30.2° N); a tap 40 px east is ~41 m east.
    marker = page.locator("#field-report-map .leaflet-marker-icon").bounding_box()
    page.touchscreen.tap(marker["x"] + marker["width"] / 2 + 40, marker["y"] + marker["height"])
    expect(page.locator("#location-text")).to_have_text("已在地图上选点")
    picked_lon = float(page.locator("#report-longitude").input_value())
    picked_lat = float(page.locator("#report-latitude").input_value())
    assert 35 < haversine_m(lon, lat, picked_lon, lat) < 47 and picked_lon > lon
    assert abs(picked_lat - lat) < 0.00005
    expect(page.locator("#field-report-map .leaflet-overlay-pane path")).to_have_count(4)
    screenshot(page, "report-map")

    # No signal from here on.
    phone.set_offline(True)
    wait_until(page, "navigator.onLine === false")
    expect(page.locator("#field-offline")).to_be_visible()
    page.set_input_files("#report-photos", str(jpeg_file("litter.jpg", (170, 60, 40))))
    page.fill("textarea[name=description]", "路口成堆垃圾")
    page.get_by_role("button", name="提交上报").click()

    expect(page.locator("#field-toast")).to_have_text("已保存到本机，有信号后自动发送")
    expect(page.locator("#outbox-badge")).to_have_text("1 条待发送")
    screenshot(page, "report-queued")
    [queued] = _outbox(page)
    assert (queued["kind"], queued["status"]) == ("report", "waiting")
    assert Case.objects.count() == 0

    # The app opens without signal: the page comes from the service worker, the item from IndexedDB.
    reloaded = page.reload()
    assert reloaded.from_service_worker
    expect(page.locator("h1.page-title")).to_have_text("拍照上报")
    expect(page.locator("#outbox-badge")).to_have_text("1 条待发送")
    assert Case.objects.count() == 0

    # The signal returns: the outbox drains by itself.
    phone.set_offline(False)
    expect(page.locator("#outbox-badge")).to_be_hidden(timeout=20_000)
    [sent] = _outbox(page)
    assert (sent["key"], sent["status"]) == (queued["key"], "sent")
    key = f"field:{worker.pk}:{queued['key']}"
    case = Case.objects.get(client_key=key)
    assert Case.objects.count() == 1
    assert (sent["number"], case.reporter, case.grid, case.description) == (
        case.number, worker, world.grids[0], "路口成堆垃圾")
    assert ORIGIN_LON < case.longitude < ORIGIN_LON + CELL and ORIGIN_LAT < case.latitude < ORIGIN_LAT + CELL
    assert case.photos.count() == 1

    # The same submission sent again from the page: the first answer, and still one case.
    again = page.evaluate("""async (key) => {
        const item = (await window.JiedaoField.outbox.all()).find((i) => i.key === key);
        const result = await window.JiedaoField.outbox.send(item);
        return {outcome: result.outcome, status: result.status, number: result.data && result.data.number};
    }""", queued["key"])
    assert again == {"outcome": "sent", "status": 200, "number": case.number}
    assert Case.objects.filter(client_key=key).count() == 1
    assert Case.objects.count() == 1

    page.goto(live_server.url + "/field/")
    expect(page.locator("#outbox-list .outbox__item--sent")).to_contain_text(f"案件 {case.number}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    assert errors == []


def test_checks_from_the_queue_and_a_recorded_patrol(live_world, live_server, phone, sign_in, screenshot, jpeg_file):
    world, people = live_world, live_world.people
    to_verify = services.case_send_to_verify(case=report(world, by=people.intake_clerk), by=people.intake_clerk,
                                             inspector=people.grid_worker)
    to_check = walk_to(world, report(world, by=people.inspector), "fixed")
    lon, lat = grid_centre(0)
    phone.grant_permissions(["geolocation"], origin=live_server.url)
    phone.set_geolocation({"longitude": lon, "latitude": lat, "accuracy": 5})
    page, errors = _field_page(phone, sign_in, live_server, people.grid_worker, "/field/queue/")

    expect(page.locator(f"#case-{to_verify.number} .queue-case__item")).to_have_text("暴露垃圾")
    page.evaluate("document.fonts.ready")
    screenshot(page, "queue")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH

    # 核查 with an after-photo, failed with an opinion: sent at once, the case goes back to handling.
    card = page.locator(f"#case-{to_check.number}")
    card.get_by_label("不通过（返工）").check()
    card.locator("textarea[name=opinion]").fill("东侧仍有残留")
    card.locator("input[type=file]").set_input_files(str(jpeg_file("check.jpg", (90, 90, 90))))
    card.get_by_role("button", name="提交核查").click()
    expect(card.locator(".queue-action__done")).to_have_text(f"案件 {to_check.number} 已核查：不通过，已返工")
    checked = Case.objects.get(pk=to_check.pk)
    assert (checked.state, checked.rework_count) == (CaseState.HANDLING, 1)
    assert checked.photos.filter(stage="check").count() == 1

    # 核实 made without signal, while the office voids the case: refused with a message, not retried.
    phone.set_offline(True)
    wait_until(page, "navigator.onLine === false")
    card = page.locator(f"#case-{to_verify.number}")
    card.get_by_role("button", name="提交核实").click()
    expect(card.locator(".queue-action__done")).to_have_text("已保存，待发送")
    services.case_void(case=to_verify, by=people.shift_lead, reason="重复上报")
    phone.set_offline(False)
    refusal = f"案件 {to_verify.number} 已由“核实中”变为“已作废”，您的核实未提交"
    expect(card.locator(".field-error")).to_have_text(refusal, timeout=20_000)
    expect(page.locator("#outbox-badge")).to_have_text("1 条被退回")
    [refused] = [item for item in _outbox(page) if item["kind"] == "verify"]
    assert (refused["status"], refused["message"]) == ("refused", refusal)
    assert Case.objects.get(pk=to_verify.pk).state == CaseState.VOIDED

    # A patrol: start, walk east in 20 m steps, stop.
    page.goto(live_server.url + "/field/")
    page.get_by_role("button", name="开始巡查").click()
    expect(page.locator("#patrol-state")).to_have_text("巡查中")
    for step in range(1, 5):
        page.wait_for_timeout(1100)
        phone.set_geolocation({"longitude": lon + step * 0.0002, "latitude": lat, "accuracy": 5})
        expect(page.locator("#patrol-points")).to_have_text(str(step + 1))
    expect(page.locator("#outbox-list .outbox__item--refused .outbox__message")).to_have_text(refusal)
    screenshot(page, "home-patrolling")
    page.get_by_role("button", name="结束巡查").click()
    expect(page.get_by_role("link", name="查看轨迹")).to_be_visible()
    expect(page.locator("#outbox-badge")).to_have_attribute("data-pending", "0", timeout=15_000)
    patrol = Patrol.objects.get(user=people.grid_worker)
    assert patrol.ended_at is not None
    assert patrol.point_count == 5
    assert patrol.distance_m == pytest.approx(4 * 19.2, abs=1.0)
    patrol.cases.add(to_verify)

    page.get_by_role("link", name="查看轨迹").click()
    expect(page.locator("h1.page-title")).to_have_text(re.compile("巡查轨迹"))
    expect(page.locator("#patrol-map path.patrol-track")).to_have_count(1)
    expect(page.locator("#patrol-map path.patrol-case-marker")).to_have_count(1)
    page.evaluate("document.fonts.ready")
    screenshot(page, "patrol")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    assert errors == []


def test_an_expired_session_keeps_the_report_until_the_worker_signs_in_again(live_world, live_server, phone,
                                                                            sign_in, jpeg_file):
    worker = live_world.people.grid_worker
    lon, lat = grid_centre(1)
    phone.grant_permissions(["geolocation"], origin=live_server.url)
    phone.set_geolocation({"longitude": lon, "latitude": lat, "accuracy": 10})
    page, errors = _field_page(phone, sign_in, live_server, worker, "/field/report/")
    expect(page.locator("#location-text")).to_have_text("已定位，精度约 10 米")

    # The session ends (expired on the server, or cleared) while the worker is out.
    phone.clear_cookies(name="sessionid")
    page.locator("#item-chips label.chip", has_text="暴露垃圾").click()
    page.set_input_files("#report-photos", str(jpeg_file("litter.jpg", (170, 60, 40))))
    page.get_by_role("button", name="提交上报").click()

    expect(page.locator("#field-signin")).to_contain_text("登录已过期：待发送的内容仍保存在本机")
    expect(page.locator("#outbox-badge")).to_have_text("1 条待发送")
    [kept] = _outbox(page)
    assert kept["status"] == "signin"
    assert Case.objects.count() == 0

    # Signing in again sends it (the page the sign-in returns to drains the outbox).
    page.get_by_role("link", name="重新登录").click()
    page.fill("input[name=username]", worker.username)
    page.fill("input[name=password]", "pass-1234")
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    assert page.url == f"{live_server.url}/field/report/"
    expect(page.locator("#outbox-badge")).to_be_hidden(timeout=20_000)
    case = Case.objects.get()
    assert (case.client_key, case.grid) == (f"field:{worker.pk}:{kept['key']}", live_world.grids[1])
    assert errors == []
