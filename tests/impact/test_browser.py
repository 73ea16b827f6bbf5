"""The impact page and the portfolio's impact section in a real browser: in
German at 375 px nothing overflows sideways and the axe check passes."""

import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import Browser, BrowserContext, Page

from impact import services
from impact.models import Kpi
from tests.browser import PHONE, SCREENSHOTS, assert_accessible
from tests.conftest import Org, bring_to

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def german(browser: Browser, live_server: Any) -> Iterator[Callable[[str], Page]]:
    """`german(username)`: a page signed in through the German sign-in form, at 375 px."""
    contexts: list[BrowserContext] = []

    def open_as(username: str) -> Page:
        context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="de-DE")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/login/")
        with translation.override("de"):
            page.get_by_label(translation.gettext("Username")).fill(username)
            page.get_by_label(translation.gettext("Password")).fill("pw")
            page.get_by_role("button", name=translation.gettext("Sign in"), exact=True).click()
        return page

    yield open_as
    for context in contexts:
        context.close()


def _with_results(org: Org) -> int:
    initiative = bring_to(org, "active", title="Sommerkampagne mit Kreativen und Partnern")
    kpi = Kpi.objects.get(initiative=initiative)
    first = services.measurement_record(
        actor=org.marketing_member,
        kpi=kpi,
        value=Decimal(2500),
        measured_on=datetime.date(2026, 1, 31),
        source="Plattformanalyse",
    )
    services.measurement_correct(
        actor=org.marketing_member,
        measurement=first,
        value=Decimal(2400),
        measured_on=datetime.date(2026, 1, 31),
        source="Plattformanalyse",
        note="Doppelt gezählte Konten",
    )
    services.spend_record(
        actor=org.marketing_member,
        initiative=initiative,
        period=datetime.date(2026, 1, 1),
        amount=Decimal(1500),
    )
    return initiative.pk


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_impact_page_fits_375_px_in_german(org: Org, german: Any) -> None:
    pk = _with_results(org)
    page = german("marketing_lead")
    page.goto(f"/impact/initiatives/{pk}/")
    assert page.locator("h1").inner_text().startswith("Wirkung von")
    assert page.get_by_text("Über Budget", exact=False).first.is_visible()
    _fits(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "impact-phone-de.png"), full_page=True)
    assert_accessible(page)


def test_portfolio_impact_section_fits_375_px_in_german(org: Org, german: Any) -> None:
    _with_results(org)
    page = german("coe_lead")
    page.goto("/portfolio/")
    assert page.locator("#impact-title").inner_text() == "Geschäftswirkung"
    _fits(page)
    assert_accessible(page)


def test_amendment_form_with_kpis_and_its_diff_fit_375_px_in_german(org: Org, german: Any) -> None:
    from initiatives import selectors as workflow_selectors
    from tests.conftest import acknowledge_policies

    pk = _with_results(org)
    acknowledge_policies(org.marketing_lead, org.marketing)
    page = german("marketing_lead")
    page.goto(f"/initiatives/{pk}/amend/")
    kpi = Kpi.objects.get(initiative_id=pk)
    assert page.locator(f'input[name="kpi-{kpi.pk}_target"]').is_visible()
    _fits(page)
    assert_accessible(page)
    # Propose a new target from the form; the initiative's page shows it against the approved one.
    page.locator(f'input[name="kpi-{kpi.pk}_target"]').fill("6000")
    page.locator('textarea[name="reason"]').fill("Die ersten Monate lagen über Plan.")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(f"**/initiatives/{pk}/")
    with translation.override("de"):
        label = translation.gettext("Target")
    assert page.locator("#amendment").get_by_text(label, exact=False).first.is_visible()
    # The axe check above ends at desktop width.
    page.set_viewport_size(PHONE)
    _fits(page)
    assert_accessible(page)
    assert workflow_selectors.pending_amendment(initiative=kpi.initiative) is not None
