"""Headless Chromium (Debian's, driven by Playwright) against Django's live server.

Where Chromium is absent the browser tests skip with a message — except in CI
(JIEDAO_REQUIRE_BROWSER=1), where its absence is a failure."""

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image, ImageDraw

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to set up
# data are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium():
    path = _chromium_path()
    if path is None:
        if os.environ.get("JIEDAO_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required here (JIEDAO_REQUIRE_BROWSER=1): apt-get install chromium")
        pytest.skip("browser tests need Debian's chromium (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


PHONE = dict(viewport={"width": 390, "height": 844}, locale="zh-CN", timezone_id="Asia/Shanghai",
             device_scale_factor=2, is_mobile=True, has_touch=True)
DESKTOP = dict(viewport={"width": 1280, "height": 800}, locale="zh-CN", timezone_id="Asia/Shanghai")


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(**PHONE)
    yield context
    context.close()


@pytest.fixture
def desktop(chromium):
    context = chromium.new_context(**DESKTOP)
    yield context
    context.close()


@pytest.fixture
def new_context(chromium):
    """More browser contexts, one per person: `new_context("phone")` or `new_context("desktop")`."""
    contexts = []

    def make(kind: str):
        context = chromium.new_context(**{"phone": PHONE, "desktop": DESKTOP}[kind])
        contexts.append(context)
        return context
    yield make
    for context in contexts:
        context.close()


# ---------------------------------------------------------------- the live site and its people

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
STEP_TIMEOUT_MS = 10_000


@pytest.fixture
def live_world(transactional_db, live_server, world):
    """The shared `world`, committed where the live server's thread can read it.

    `transactional_db` comes before `world` so that `world`'s `db` gets the transactional database."""
    return world


@pytest.fixture
def sign_in(live_server):
    """Open a page in `context` signed in through the real login form as `user`."""
    def open_page(context, user) -> "Page":
        page = context.new_page()
        page.set_default_timeout(STEP_TIMEOUT_MS)
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", "pass-1234")
        with page.expect_navigation():
            page.click("form.form button[type=submit]")
        assert page.url == f"{live_server.url}/", f"{user.username} could not sign in: {page.url}"
        return page
    return open_page


@pytest.fixture
def screenshot(request):
    """Save a full-page screenshot as var/screenshots/<test name>-<step>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = request.node.name.replace("[", "-").replace("]", "")

    def take(page, step: str) -> Path:
        path = SCREENSHOTS / f"{name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path
    return take


@pytest.fixture
def jpeg_file(tmp_path):
    """A JPEG on disk for <input type=file>, in a colour that tells before from after."""
    def make(name: str, color: tuple[int, int, int]) -> Path:
        image = Image.new("RGB", (640, 480), color)
        ImageDraw.Draw(image).rectangle((160, 120, 480, 360), fill=(240, 240, 240))
        path = tmp_path / name
        image.save(path, format="JPEG")
        return path
    return make
