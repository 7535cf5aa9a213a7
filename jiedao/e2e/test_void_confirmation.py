"""A void asks for confirmation before it is sent (issue 10, point 12): the browser asks once more
(static/js/page.js reads the form's data-confirm, no inline script); "cancel" sends nothing."""

import pytest
from playwright.sync_api import expect

from jiedao.cases.models import Case, CaseState
from jiedao.conftest import report

from .steps import open_case

pytestmark = pytest.mark.browser


def test_voiding_asks_once_more_and_cancel_sends_nothing(live_world, live_server, desktop, sign_in, screenshot):
    case = report(live_world)
    page = sign_in(desktop, live_world.people.shift_lead)
    open_case(page, live_server.url, case.number)
    card = page.locator("#action-void")
    card.locator("summary").click()
    card.locator("textarea[name=reason]").fill("重复上报")
    card.locator("input[name=confirm]").check()
    screenshot(page, "void-form")
    asked = []

    def cancel(dialog):
        asked.append(dialog.message)
        dialog.dismiss()
    page.once("dialog", cancel)
    card.locator("button[type=submit]").click()

    def accept(dialog):
        asked.append(dialog.message)
        dialog.accept()
    page.once("dialog", accept)
    with page.expect_navigation():
        card.locator("button[type=submit]").click()

    expect(page.locator(".message--success")).to_have_text("已完成：作废")
    assert asked == ["确定作废本案件吗？作废后不能恢复。"] * 2
    case = Case.objects.get(pk=case.pk)
    assert case.state == CaseState.VOIDED
    assert case.events.filter(action="void").count() == 1


def test_a_refused_decision_comes_back_with_the_rejection_still_chosen(live_world, live_server, desktop, sign_in,
                                                                        screenshot):
    from jiedao.cases import services
    from jiedao.conftest import walk_to

    case = walk_to(live_world, report(live_world), "handling")
    services.case_request(case=case, by=live_world.people.handler, kind="extension", reason="需要调机械",
                          extra_minutes=60)
    page = sign_in(desktop, live_world.people.dispatcher)
    open_case(page, live_server.url, case.number)
    card = page.locator("#action-decide_extension")
    card.locator("input[name=approve][value=no]").check()
    with page.expect_navigation():
        card.locator("button[type=submit]").click()

    card = page.locator("#action-decide_extension")
    expect(card).to_have_attribute("open", "")
    expect(card.locator("input[name=approve][value=no]")).to_be_checked()
    expect(card.locator(".form-error")).to_have_text("驳回须填写理由")
    screenshot(page, "decision-refused")
    assert Case.objects.get(pk=case.pk).requests.get().state == "pending"
