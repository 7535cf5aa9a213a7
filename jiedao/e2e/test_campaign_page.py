"""The campaign page (专项行动) in Chromium under the Content-Security-Policy: on a 390-px phone it
does not scroll sideways, draws its trend on canvas and its key places on the map, with no
violation and no script error."""

from datetime import date

import pytest
from playwright.sync_api import expect

from jiedao.campaigns.tests.conftest import campaign_build, north_of_street
from jiedao.cases.models import CaseSource
from jiedao.conftest import report

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def test_the_campaign_page_fits_a_phone_and_draws_its_chart_and_key_places(live_world, live_server, phone, sign_in,
                                                                         screenshot, django_user_model):
    from jiedao import clock

    today = clock.now().date()
    cw = campaign_build(live_world, django_user_model)
    cw.campaign.starts_on, cw.campaign.ends_on = today.replace(day=1), date(today.year + 1, 1, 31)
    cw.campaign.save()
    report(live_world, by=live_world.people.intake_clerk, source=CaseSource.HOTLINE, longitude=120.105,
           latitude=north_of_street(5), photos=[])
    phone.add_init_script(RECORD_VIOLATIONS)
    page = sign_in(phone, live_world.people.leader)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/campaigns/{cw.campaign.pk}/")
    expect(page.locator("#campaign-trend canvas").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    screenshot(page, "campaign-phone")

    assert errors == []
    assert page.evaluate("window.__cspViolations") == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    paths = page.evaluate("document.querySelectorAll('#campaign-map .leaflet-overlay-pane svg path').length")
    assert paths == 3  # the street, the market and the case's circle (the test world draws no outline)
    expect(page.locator("[data-figure='found']")).to_have_text("1")
