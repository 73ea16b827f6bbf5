"""What every browser test shares: Debian's Chromium driven by Playwright
against Django's live server, a signed-in page per person, screenshots at
desktop and phone width, and the axe-core accessibility check.

Loaded as a pytest plugin from tests/conftest.py, so the fixtures `browser`
and `people` are available to every test module; the helper functions are
imported from here. Without Chromium the browser fixture skips its tests with
a message saying how to install it."""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Axe()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"Browser tests need Debian's Chromium at {CHROMIUM}: apt-get install -y chromium"
        )
    # Playwright's sync API runs an event loop in this thread; the test's own
    # ORM calls (setting up data, checking records) are synchronous and safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def people(browser: Browser, live_server: Any) -> Iterator[Callable[..., Page]]:
    """`people(username)`: a signed-in page for that user, each in a browser
    context of their own (separate cookies)."""
    contexts: list[BrowserContext] = []
    blocked: list[str] = []

    def open_as(username: str, language: str = "en-US") -> Page:
        context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale=language)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        watch_content_security_policy(page, blocked)
        sign_in(page, username)
        return page

    yield open_as
    for context in contexts:
        context.close()
    assert blocked == [], f"The Content-Security-Policy blocked: {blocked}"


def watch_content_security_policy(page: Page, blocked: list[str]) -> None:
    """Collect what the page's Content-Security-Policy refused (Chromium reports
    each refusal on the console), so that a test fails on it."""

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            blocked.append(f"{page.url}: {message.text}")

    page.on("console", on_console)


def sign_in(page: Page, username: str, password: str = "pw") -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def shoot(page: Page, name: str) -> None:
    """Full-page screenshots at desktop and phone width. At either width the
    page must fit: wide content (tables, the diagram) scrolls in its own box."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], f"{page.url} is {width} px wide at {size['width']} px"
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def assert_accessible(page: Page) -> None:
    """No serious or critical axe-core violation, at desktop and phone width."""
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        violations = AXE.run(page).response["violations"]
        bad = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]
        assert bad == [], f"{page.url} at {size['width']} px: {bad}"
    page.set_viewport_size(DESKTOP)


def take(page: Page, action: str, comment: str = "", confirm: bool = False) -> None:
    """Click a transition button on the detail page, with its comment and confirmation."""
    form = page.locator("form.transition-form").filter(
        has=page.get_by_role("button", name=action, exact=True)
    )
    if comment:
        form.get_by_label("Comment").fill(comment)
    if confirm:
        form.get_by_role("checkbox").check()
    form.get_by_role("button", name=action, exact=True).click()


def add_kpi(page: Page, initiative_pk: int, name: str = "Followers reached") -> None:
    """Add a KPI for the initiative's first goal on its impact page, as a
    submitter must before submitting, and come back to the initiative. The
    fields are found by id, so this works in every language."""
    page.goto(f"/impact/initiatives/{initiative_pk}/")
    form = page.locator(f"form[action='/impact/initiatives/{initiative_pk}/kpis/']")
    form.locator("#id_name").fill(name)
    form.locator("#id_goal").select_option(index=1)
    form.locator("#id_unit").fill("people")
    form.locator("#id_baseline").fill("1000")
    form.locator("#id_target").fill("5000")
    form.locator("#id_due_on").fill("2027-06-30")
    form.locator("button[type=submit]").click()
    expect(page.get_by_text(name).first).to_be_visible()
    page.goto(f"/initiatives/{initiative_pk}/")
