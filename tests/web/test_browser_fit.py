"""Fit and finish in a real browser at phone width: the lifecycle diagram
reads top to bottom with the current state in view and legible."""

from typing import Any

import pytest
from playwright.sync_api import expect

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
