"""The maturity page in a real browser: a unit lead opens it from the
navigation, records the self-assessment and sees the stage it earns."""

from typing import Any

import pytest
from playwright.sync_api import expect

from maturity.services import install_published_criteria
from tests.browser import assert_accessible, shoot
from tests.conftest import Org, bring_to
from tests.social_accounts.conftest import account_in
from training.evidence import install_criterion

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_unit_lead_records_the_self_assessment(org: Org, people: Any) -> None:
    # The criteria come from data migrations; an earlier transactional test
    # may have emptied the table.
    install_published_criteria()
    install_criterion()
    bring_to(org, "submitted")
    # Presence also asks for the unit's accounts in the registry.
    account_in(org, "active")
    page = people("marketing_lead")
    page.get_by_role("link", name="Maturity").click()
    expect(page.get_by_role("heading", name="Social business maturity")).to_be_visible()
    expect(page.get_by_text("Answers for Marketing, as last recorded.")).to_be_visible()
    page.get_by_label("A listening program").check()
    page.get_by_label("A formal presence").check()
    page.get_by_role("button", name="Record the assessment").click()
    expect(page.get_by_text("Assessment recorded: Marketing is at Presence.")).to_be_visible()
    unit = page.locator("article.maturity-unit").filter(has_text="Marketing")
    expect(unit.locator(".badge-stage")).to_have_text("2 · Presence")
    expect(unit.locator("svg polyline")).to_have_count(1)
    assert_accessible(page)
    shoot(page, "maturity")
