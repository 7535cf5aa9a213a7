"""An inspection on a 390-px phone: a 督查员 scores 桃源社区 item by item, one item while offline,
submits when the signal is back; the deduction becomes a case, the case is fixed through the loop,
the re-inspection passes, and the unit's score on the scores page and the 三清三拆三整治 campaign's
page (whose 清积存垃圾 line holds the deduction's category) move."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from jiedao.campaigns.tests.conftest import campaign_build
from jiedao.cases.models import Case, CaseSource, CaseState
from jiedao.checklists.models import ChecklistItem
from jiedao.checklists.services import checklist_create, version_fill, version_publish
from jiedao.conftest import grid_centre, walk_to
from jiedao.inspections.models import Inspection, InspectionResult, InspectionState
from jiedao.inspections.tests.conftest import sheet_sections

from .steps import wait_until

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390


def _published_sheet(world):
    leader = world.people.leader
    draft = checklist_create(code="rural-e2e", name="农村人居环境测试细则", by=leader)
    version_fill(version=draft, sections=sheet_sections(world), by=leader)
    return version_publish(version=draft, by=leader)


def _card(page, version, number):
    item = ChecklistItem.objects.get(section__version=version, number=number)
    return page.locator(f"#item-{item.pk}"), item


def _pending(page) -> int:
    return page.evaluate("""async () => (await window.JiedaoField.outbox.all())
        .filter((item) => item.status !== 'sent' && item.status !== 'refused').length""")


def test_an_inspection_scored_on_a_phone_becomes_cases_and_moves_the_units_score(
        live_world, live_server, phone, desktop, new_context, sign_in, screenshot, jpeg_file, django_user_model):
    from jiedao import clock

    world, supervisor = live_world, live_world.people.supervisor
    version = _published_sheet(world)
    campaign = campaign_build(world, django_user_model).campaign
    today = clock.now().date()
    campaign.starts_on, campaign.ends_on = today.replace(day=1), date(today.year + 1, 1, 31)
    campaign.save()
    lon, lat = grid_centre(0)
    phone.grant_permissions(["geolocation"], origin=live_server.url)
    phone.set_geolocation({"longitude": lon, "latitude": lat, "accuracy": 6})

    # Before: 桃源社区 has no score on the sheet.
    office = sign_in(desktop, world.people.leader)
    office.goto(f"{live_server.url}/inspections/scores/?checklist={version.checklist_id}")
    expect(office.locator("tr", has_text="桃源社区").locator("td.num").first).to_have_text("—")
    campaign_page = sign_in(new_context("desktop"), world.people.leader)
    campaign_page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    expect(campaign_page.locator("[data-figure='found']")).to_have_text("0")
    expect(campaign_page.locator("[data-figure='done']")).to_have_text("0")

    page = sign_in(phone, supervisor)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live_server.url}/field/inspections/")
    wait_until(page, "navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    page.select_option("select[name=unit]", label="桃源社区")
    page.get_by_role("button", name="打开评分表").click()
    expect(page.locator("h1.page-title")).to_contain_text("农村人居环境测试细则")
    expect(page.locator("#sheet-total")).to_have_text("20.00")

    # 1 垃圾: two spots with a photo, saved with signal — the server confirms the total.
    litter, litter_item = _card(page, version, "1")
    litter.locator("[data-step='1']").click()
    litter.locator("[data-step='1']").click()
    expect(page.locator("#sheet-total")).to_have_text("16.00")
    litter.locator("[data-note]").fill("村口两处垃圾堆")
    litter.locator("[data-photos]").set_input_files(str(jpeg_file("litter.jpg", (170, 60, 40))))
    litter.locator("[data-save]").click()
    expect(litter.locator("[data-state]")).to_have_text("已保存 · 照片 1 张")
    expect(page.locator("#sheet-source")).to_have_text("服务器已确认")
    inspection = Inspection.objects.get()
    assert (inspection.unit, inspection.inspector, inspection.total) == (world.taoyuan, supervisor, Decimal(16))
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "sheet")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH

    # 2 公示栏: scored with no signal — the score moves on the device, the item waits in the outbox.
    phone.set_offline(True)
    wait_until(page, "navigator.onLine === false")
    notice, notice_item = _card(page, version, "2")
    notice.locator("[data-step='1']").click()
    notice.locator("[data-save]").click()
    expect(page.locator("#sheet-total")).to_have_text("11.00")
    expect(page.locator("#sheet-source")).to_have_text("本机计算")
    expect(notice.locator("[data-state]")).to_have_text("待发送")
    assert _pending(page) == 1
    assert not InspectionResult.objects.filter(item=notice_item).exists()

    # The signal returns: the item goes, the server's total agrees.
    phone.set_offline(False)
    expect(notice.locator("[data-state]")).to_have_text("已保存", timeout=20_000)
    expect(page.locator("#sheet-source")).to_have_text("服务器已确认")
    expect(page.locator("#sheet-total")).to_have_text("11.00")
    assert InspectionResult.objects.get(item=notice_item).occurrences == 1

    page.get_by_role("button", name="提交检查").click()
    expect(page.locator("#sheet-done")).to_contain_text("检查已提交：11.00 分，扣分 2 项，立案 1 件", timeout=15_000)
    inspection.refresh_from_db()
    assert (inspection.state, inspection.total) == (InspectionState.SUBMITTED, Decimal(11))
    assert errors == []

    # The deduction on 垃圾 (a street problem) is a case of source 督查检查; the notice board is not.
    case = Case.objects.get()
    assert (case.source, case.item, case.photos.count(), case.state) == (
        CaseSource.INSPECTION, world.item, 1, CaseState.REPORTED)
    assert InspectionResult.objects.get(item=litter_item).case == case
    closed = walk_to(world, case, "closed")
    assert closed.state == CaseState.CLOSED
    # The campaign counts the problem the inspection found and, now, its fix.
    campaign_page.reload()
    expect(campaign_page.locator("[data-figure='found']")).to_have_text("1")
    expect(campaign_page.locator("[data-figure='done']")).to_have_text("1")

    # The re-inspection, in the office: both items rectified.
    office2 = sign_in(new_context("desktop"), supervisor)
    office2.goto(f"{live_server.url}/inspections/{inspection.pk}/reinspect/")
    office2.select_option(f"select[name=outcome-{litter_item.pk}]", label="已整改")
    office2.select_option(f"select[name=outcome-{notice_item.pk}]", label="已整改")
    office2.get_by_role("button", name="记录复查").click()
    expect(office2.locator(".message--success")).to_have_text("复查已记录")
    expect(office2.locator("#inspection-score")).to_have_text("11.00")
    expect(office2.get_by_role("link", name=case.number, exact=True)).to_be_visible()
    office2.evaluate("document.fonts.ready")
    screenshot(office2, "inspection-page")

    # After: the unit's score moved from "—" to the inspection's.
    office.reload()
    expect(office.locator("tr", has_text="桃源社区").locator("td.num").first).to_have_text("11.00")
