"""The Content-Security-Policy allows no inline script, no inline handler, no eval and no inline
style: the main pages load in Chromium under it with no violation, and what their scripts do still
works (charts drawn, maps drawn, Alpine's components, htmx's suggestions, the field app's worker)."""

import pytest
from playwright.sync_api import expect

from jiedao.cases.models import Case
from jiedao.conftest import report, walk_to

pytestmark = pytest.mark.browser

# Playwright's init script runs outside the page's policy: it records what the policy refused.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline") + " "
                              + (event.sourceFile || "") + ":" + (event.lineNumber || ""));
});
"""


class Watched:
    """A page whose CSP violations (events and console messages) and script errors are collected."""

    def __init__(self, context):
        context.add_init_script(RECORD_VIOLATIONS)
        self.page = context.new_page()
        self.page.set_default_timeout(10_000)
        self.violations: list[str] = []
        self.console: list[str] = []
        self.errors: list[str] = []
        self.page.on("console", lambda message: self.console.append(f"{self.page.url}: {message.text}")
                     if "Content Security Policy" in message.text else None)
        self.page.on("pageerror", lambda error: self.errors.append(f"{self.page.url}: {error}"))

    def _collect(self) -> None:
        """The violations recorded on the page now open (the record starts again on each page)."""
        if self.page.url.startswith("http"):
            self.violations += [f"{self.page.url}: {v}" for v in self.page.evaluate("window.__cspViolations || []")]
            self.page.evaluate("window.__cspViolations = []")

    def visit(self, url: str) -> None:
        self._collect()
        response = self.page.goto(url)
        assert response is not None and response.status == 200, (url, response and response.status)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        self.page.wait_for_load_state("networkidle")

    def assert_clean(self, where: str) -> None:
        self._collect()
        assert (self.violations, self.console, self.errors) == ([], [], []), where


def _sign_in(watched: Watched, base: str, user) -> None:
    watched.visit(f"{base}/login/")
    watched.page.fill("input[name=username]", user.username)
    watched.page.fill("input[name=password]", "pass-1234")
    watched._collect()
    with watched.page.expect_navigation():
        watched.page.click("form.form button[type=submit]")
    watched.assert_clean("login")


def test_the_staff_pages_run_under_the_policy(live_world, live_server, desktop, clock):
    world, base = live_world, live_server.url
    case = walk_to(world, report(world, by=world.people.grid_worker), "handling")
    watched = Watched(desktop)
    page = watched.page
    _sign_in(watched, base, world.people.leader)

    watched.visit(f"{base}/dashboard/")
    expect(page.locator("#chart-trend svg, #chart-trend canvas").first).to_be_attached()
    expect(page.locator("#chart-categories svg, #chart-categories canvas").first).to_be_attached()
    expect(page.locator(".leaflet-container").first).to_be_visible()
    expect(page.locator(".leaflet-overlay-pane path").first).to_be_attached()
    page.locator("#chart-trend").hover()  # a tooltip, drawn without inline style
    # Alpine's CSP build: choosing "custom" shows the two dates instead of reloading.
    page.select_option("select[name=period]", "custom")
    expect(page.locator(".period-picker__days")).to_be_visible()
    watched.assert_clean("dashboard")

    watched.visit(f"{base}/cases/{case.number}/")
    expect(page.locator(".leaflet-container").first).to_be_visible()
    watched.assert_clean("case page")

    watched.visit(f"{base}/evaluation/")
    watched.assert_clean("evaluation")
    watched.visit(f"{base}/rankings/")
    watched._collect()
    with page.expect_navigation():  # data-autosubmit, in place of onchange="this.form.submit()"
        page.select_option("select[name=period]", index=1)
    watched.assert_clean("rankings")
    watched.visit(f"{base}/")
    watched.assert_clean("inbox")


def test_the_report_form_and_its_suggestions_run_under_the_policy(live_world, live_server, desktop):
    world, base = live_world, live_server.url
    watched = Watched(desktop)
    page = watched.page
    _sign_in(watched, base, world.people.intake_clerk)

    watched.visit(f"{base}/cases/new/")
    page.select_option("select[name=source]", "patrol")
    expect(page.locator("input[name=reporter_name]")).to_be_hidden()
    page.select_option("select[name=source]", "hotline")
    expect(page.locator("input[name=reporter_name]")).to_be_visible()
    page.locator("#item-query").press_sequentially("bllj")
    expect(page.locator("#item-suggestions [data-item-name='暴露垃圾']")).to_be_visible()
    watched.assert_clean("report form")


def test_the_field_app_runs_under_the_policy(live_world, live_server, phone):
    world, base = live_world, live_server.url
    watched = Watched(phone)
    page = watched.page
    _sign_in(watched, base, world.people.grid_worker)

    watched.visit(f"{base}/field/")
    assert page.evaluate("navigator.serviceWorker.ready.then(function (r) { return !!r.active; })")
    watched.visit(f"{base}/field/report/")
    expect(page.locator(".leaflet-container").first).to_be_visible()
    watched.visit(f"{base}/field/queue/")
    watched.visit(f"{base}/field/patrols/")
    watched.assert_clean("field app")


def test_the_residents_portal_runs_under_the_policy(live_world, live_server, phone, clock):
    world, base = live_world, live_server.url
    case = walk_to(world, report(world, by=None, source="resident", photos=[]), "accepted")
    watched = Watched(phone)
    page = watched.page

    watched.visit(f"{base}/p/")
    watched.visit(f"{base}/p/report/")
    expect(page.locator(".leaflet-container").first).to_be_visible()
    page.locator("#item-query").press_sequentially("bllj")
    expect(page.locator("#item-suggestions [data-item-name='暴露垃圾']")).to_be_visible()
    watched.visit(f"{base}/p/map/")
    expect(page.locator(".leaflet-container").first).to_be_visible()
    watched.visit(f"{base}/p/t/{Case.objects.get(pk=case.pk).tracking_code}/")
    watched.visit(f"{base}/public/rankings/")
    watched.assert_clean("portal")
