"""Fit and finish in a real browser at phone width: the lifecycle diagram
reads top to bottom with the current state in view and legible."""

from typing import Any

import pytest
from playwright.sync_api import expect

from initiatives.models import Initiative
from tests.browser import PHONE, SCREENSHOTS, assert_accessible
from tests.conftest import Org, bring_to

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_lifecycle_diagram_is_readable_at_375_px(org: Org, people: Any) -> None:
    initiative = bring_to(org, "paused")
    page = people("auditor")
    page.set_viewport_size(PHONE)
    page.goto(f"/initiatives/{initiative.pk}/")

    expect(page.locator(".diagram-wide")).to_be_hidden()
    diagram = page.locator(".diagram-narrow svg")
    expect(diagram).to_be_visible()
    expect(page.get_by_text("Current state: Paused", exact=True)).to_be_visible()
    # Every state fits across the screen: nothing to scroll sideways to find.
    box = diagram.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    current = page.locator(".diagram-narrow .node-current")
    current.scroll_into_view_if_needed()
    expect(current).to_be_in_viewport()
    expect(current.locator("text")).to_have_text("Paused")
    # Labels at a size a phone can read (CSS pixels, after the drawing is scaled).
    label = current.locator("text").bounding_box()
    assert label is not None
    assert label["height"] >= 10
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "lifecycle-phone.png"), full_page=True)
    assert_accessible(page)


def test_a_form_over_the_size_limit_keeps_its_text_and_says_why(
    org: Org, people: Any, settings: Any
) -> None:
    settings.MAX_REQUEST_BYTES = 4000
    page = people("marketing_member")
    page.goto("/initiatives/new/")
    text = "Weekly creator videos, with a plan for every week of the year. " * 80
    page.get_by_label("Title").fill("Too long to send")
    page.get_by_label("Summary").fill(text)
    page.get_by_role("button", name="Create draft").click()

    alert = page.locator(".form-too-large")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("This form is larger than the limit of 3.9")
    expect(alert).to_contain_text("your text is still here")
    expect(page.get_by_label("Summary")).to_have_value(text)
    assert page.url.endswith("/initiatives/new/")
    assert not Initiative.objects.filter(title="Too long to send").exists()
    page.set_viewport_size(PHONE)
    expect(alert).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "form-too-large-phone.png"))
    assert_accessible(page)
