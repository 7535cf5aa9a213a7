"""A 村级河长 patrols a segment on a 390-px phone: starts, walks 35 minutes and 2.4 km (the phone's
clock moved on by Playwright, the GPS by the browser's geolocation), records a 新增排污口 with a
photo that becomes a case (source 河长巡河), submits; the case is fixed through the loop, and the
chief's compliance for the week reads done — on the duties app's own page and on the river office's."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from jiedao.cases.models import Case, CaseSource, CaseState
from jiedao.catalogue.models import CaseRule, CatalogueItem, CatalogueKind, DeadlineUnit
from jiedao.conftest import walk_to
from jiedao.rivers.models import PatrolValidity, RiverPatrol
from jiedao.rivers.tests.conftest import LAT, river_build

from .steps import wait_until

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390
STEP_DEGREES = 0.0036  # about 347 m east at 30.205° N


def test_a_village_chief_patrols_on_a_phone_and_the_week_reads_done(
        live_world, live_server, phone, desktop, sign_in, screenshot, jpeg_file, django_user_model):
    world = live_world
    outfall = CatalogueItem.objects.create(kind=CatalogueKind.MATTER, major_code="90", major_name="本地扩展",
                                           code="90012", name="非法设置入河排污口", search_text="paiwukou pwk")
    CaseRule.objects.create(item=outfall, filing_condition="沿河新增或私设排污口", deadline_value=4,
                            deadline_unit=DeadlineUnit.WORKING_HOURS, closing_condition="封堵排污口，查明来源",
                            department=world.cleaning, source="local default")
    river = river_build(world, django_user_model)
    chief = river.people.chief
    start_lon = river.segment.min_lon + 0.001

    phone.grant_permissions(["geolocation"], origin=live_server.url)
    phone.set_geolocation({"longitude": start_lon, "latitude": LAT, "accuracy": 5})
    page = sign_in(phone, chief)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: dialog.accept())
    # The phone's clock starts 40 minutes ago and is moved on as the chief walks.
    page.clock.install(time=datetime.now(UTC) - timedelta(minutes=40))
    page.goto(f"{live_server.url}/field/rivers/")
    page.get_by_role("link", name="青溪河 · 桃源段").click()
    expect(page.locator("h1")).to_have_text("青溪河 · 桃源段")
    page.get_by_role("button", name="开始巡河").click()
    expect(page.locator("#river-state")).to_have_text("巡河中")

    for step in range(1, 8):
        page.clock.fast_forward("05:00")
        phone.set_geolocation({"longitude": start_lon + (step % 2) * STEP_DEGREES, "latitude": LAT, "accuracy": 5})
        expect(page.locator("#river-points")).to_have_text(str(step + 1))
    screenshot(page, "patrolling")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH

    # 新增排污口: the checklist's item names the category; the chief cannot fix it, so a case.
    form = page.locator("#river-problem")
    form.locator("select[name=item]").select_option(label="新增排污口")
    form.locator("textarea[name=description]").fill("河岸新增一处排污口，正在排放灰色污水")
    form.get_by_label("转部门立案").check()
    expect(form.locator("select[name=category]")).to_have_value(str(outfall.pk))
    form.locator("input[type=file]").set_input_files(str(jpeg_file("outfall.jpg", (90, 90, 90))))
    form.get_by_role("button", name="保存问题").click()
    expect(page.locator("#river-problems li")).to_have_text("河岸新增一处排污口，正在排放灰色污水")
    expect(page.locator(".river-check[data-item] input[value=problem]:checked")).to_have_count(1)
    screenshot(page, "problem")

    page.get_by_role("button", name="结束并提交巡河").click()
    expect(page.locator("#river-done")).to_contain_text("巡河已提交，计入巡河", timeout=20_000)
    wait_until(page, "document.getElementById('outbox-badge').dataset.pending === '0'", timeout_ms=20_000)
    screenshot(page, "submitted")

    patrol = RiverPatrol.objects.get()
    assert (patrol.validity, patrol.chief, patrol.point_count) == (PatrolValidity.VALID, river.chief, 8)
    assert patrol.duration_s >= 35 * 60
    assert patrol.distance_m == pytest.approx(7 * 346.0, rel=0.01)  # 0.0036° × 111 195 m × cos 30.205°
    case = Case.objects.get()
    assert (case.source, case.item, case.reporter) == (CaseSource.RIVER_PATROL, outfall, chief)
    assert case.photos.count() == 1

    # The case is fixed through the loop, by the department its rule names.
    closed = walk_to(world, case, "closed")
    assert closed.state == CaseState.CLOSED

    # This week: done, on the duties app's page of the chief …
    page.clock.resume()
    page.goto(f"{live_server.url}/duties/mine/")
    expect(page.locator("#done")).to_contain_text("村级河长巡河")
    screenshot(page, "duties-mine")
    # … and on the river office's list of chiefs.
    office = sign_in(desktop, river.people.office)
    office.goto(f"{live_server.url}/rivers/chiefs/")
    expect(office.locator(f'tr[data-chief="{river.chief.pk}"] [data-compliance]')).to_have_attribute(
        "data-compliance", "done")
    office.goto(f"{live_server.url}/rivers/segments/{river.segment.pk}/")
    expect(office.locator(f'tr[data-case="{case.number}"]')).to_contain_text("已结案")
    assert errors == []
