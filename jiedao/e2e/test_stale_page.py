"""A form submitted from a page that is out of date is refused: the shift lead has the case open
in two tabs, files it in the first, then submits a form of the second."""

import pytest
from playwright.sync_api import expect

from jiedao.cases.models import Case, CaseState
from jiedao.conftest import report, walk_to

from .steps import expect_done, open_case, submit_action

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("second_action", ["file", "void"])
def test_acting_on_a_stale_page_is_refused(second_action, live_world, live_server, desktop, sign_in,
                                           screenshot):
    case = walk_to(live_world, report(live_world), "accepted")
    first_tab = sign_in(desktop, live_world.people.shift_lead)
    second_tab = desktop.new_page()
    open_case(first_tab, live_server.url, case.number)
    open_case(second_tab, live_server.url, case.number)

    submit_action(first_tab, "file")
    expect_done(first_tab, "立案")

    def give_reason(card):
        card.locator("textarea[name=reason]").fill("重复上报")
        card.locator("input[name=confirm]").check()
        second_tab.once("dialog", lambda dialog: dialog.accept())  # 作废 asks once more
    submit_action(second_tab, second_action, fill=give_reason if second_action == "void" else None)
    expect(second_tab.locator(".message--error")).to_have_text("案件已被他人处理，请刷新后重试")
    expect(second_tab.locator(".message--success")).to_have_count(0)
    expect(second_tab.locator(".case-head__meta .badge")).to_have_text("待派遣")
    screenshot(second_tab, "refused")

    case = Case.objects.get(pk=case.pk)
    assert case.state == CaseState.FILED
    assert list(case.events.order_by("at", "id").values_list("action", flat=True)) == ["report", "accept", "file"]
    assert case.events.filter(action="file").count() == 1
