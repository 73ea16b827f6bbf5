"""Decisions in a real browser: the CoE analyst decides several initiatives at
once from the review queue and reads each outcome; a unit lead proposes an
amendment and the CoE reviews and approves it from the initiative's page.
Every page at 1280 and 375 px, with axe-core's check."""

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from initiatives.models import Amendment, Decision, Initiative
from tests.browser import assert_accessible, shoot
from tests.conftest import Org, bring_to

pytestmark = pytest.mark.django_db(transaction=True)


def decide_amendment(page: Page, action: str, comment: str) -> None:
    section = page.locator("#amendment")
    form = section.locator("form.transition-form").filter(
        has=page.get_by_role("button", name=action, exact=True)
    )
    form.get_by_label("Comment").fill(comment)
    form.get_by_role("button", name=action, exact=True).click()


def test_the_coe_analyst_decides_two_initiatives_at_once_and_reads_each_outcome(
    org: Org, people: Any
) -> None:
    first = bring_to(org, "in_review", title="Creator series")
    second = bring_to(org, "in_review", title="Community Q&A")
    untouched = bring_to(org, "in_review", title="Podcast pilot")
    analyst = people("coe_member")
    analyst.get_by_role("link", name="Decide several at once").click()
    expect(analyst.get_by_role("heading", name="Decide several at once")).to_be_visible()
    assert_accessible(analyst)
    shoot(analyst, "bulk-decide")

    analyst.get_by_role("button", name="Decide the selected").click()
    expect(analyst.get_by_text("Select at least one initiative.")).to_be_visible()

    analyst.get_by_label("Select Creator series").check()
    analyst.get_by_label("Select Community Q&A").check()
    analyst.get_by_role("combobox", name="Decision").select_option(label="Request changes")
    analyst.get_by_role("button", name="Decide the selected").click()
    # A required comment left empty: the page says so and keeps the selection.
    expect(analyst.locator("#id_comment_error")).to_have_text(
        "A comment is required for this decision."
    )
    expect(analyst.get_by_label("Select Creator series")).to_be_checked()
    analyst.get_by_label("Comment").fill("Please add the KPIs and a baseline.")
    analyst.get_by_role("button", name="Decide the selected").click()

    expect(analyst.get_by_role("heading", name="Outcome of the decisions")).to_be_visible()
    expect(analyst.get_by_text("2 of 2 initiatives decided, 0 refused")).to_be_visible()
    rows = analyst.locator("tbody tr")
    expect(rows).to_have_count(2)
    for title in ("Creator series", "Community Q&A"):
        row = rows.filter(has_text=title)
        expect(row).to_contain_text("Decided")
        expect(row).to_contain_text("Changes requested")
    assert_accessible(analyst)
    shoot(analyst, "bulk-outcome")

    assert {Initiative.objects.get(pk=i.pk).state for i in (first, second)} == {"changes_requested"}
    assert Initiative.objects.get(pk=untouched.pk).state == "in_review"
    assert set(
        Decision.objects.filter(transition="request_changes").values_list("comment", flat=True)
    ) == {"Please add the KPIs and a baseline."}

    # Each decision's comment is on the initiative's timeline.
    rows.filter(has_text="Creator series").get_by_role("link").click()
    expect(analyst.locator(".timeline")).to_contain_text("Please add the KPIs and a baseline.")


def test_a_unit_lead_proposes_an_amendment_and_the_coe_approves_it(org: Org, people: Any) -> None:
    initiative = bring_to(org, "active", title="Employer brand stories", budget=Decimal(1000))
    lead = people("marketing_lead")
    lead.goto(f"/initiatives/{initiative.pk}/")
    lead.get_by_role("link", name="Propose an amendment").click()
    expect(lead.get_by_label("Summary")).to_have_value("Reach new customers.")
    lead.get_by_role("button", name="Propose amendment").click()
    expect(lead.locator("#id_reason_error")).to_be_visible()
    assert_accessible(lead)
    shoot(lead, "amendment-form-errors")
    lead.get_by_label("Budget").fill("2500")
    lead.get_by_label("Channels").fill("Instagram, TikTok")
    lead.get_by_label("Why it should change").fill("Applications doubled; extend to TikTok.")
    lead.get_by_role("button", name="Propose amendment").click()
    expect(lead.get_by_text("The amendment was proposed; the CoE reviews it.")).to_be_visible()
    amendment = lead.locator("#amendment")
    expect(amendment.get_by_role("heading", name="Amendment under review")).to_be_visible()
    expect(amendment.locator("tbody tr").filter(has_text="Budget")).to_contain_text("2,500.00")
    expect(amendment.locator("tbody tr").filter(has_text="Channels")).to_contain_text("TikTok")
    # The proposer may withdraw it, not review it.
    expect(amendment.get_by_role("button", name="Withdraw")).to_be_visible()
    expect(amendment.get_by_role("button", name="Start review")).to_have_count(0)
    assert_accessible(lead)
    shoot(lead, "amendment-pending")

    member = people("coe_member")
    member.goto(f"/initiatives/{initiative.pk}/")
    decide_amendment(member, "Start review", "Checking the budget.")
    expect(
        member.get_by_text("Review of the amendment started; the CoE is now reviewing it.")
    ).to_be_visible()

    coe_lead = people("coe_lead")
    coe_lead.goto(f"/initiatives/{initiative.pk}/")
    expect(coe_lead.locator("#amendment")).to_contain_text("Comment (optional)")
    assert_accessible(coe_lead)
    shoot(coe_lead, "amendment-decide")
    decide_amendment(coe_lead, "Approve", "Within the plan.")
    expect(
        coe_lead.get_by_text("Amendment approved; the initiative now reads as amended.")
    ).to_be_visible()
    expect(coe_lead.locator("#amendment")).to_have_count(0)
    expect(coe_lead.locator(".timeline")).to_contain_text("Amendment: Approve")
    expect(coe_lead.locator(".timeline")).to_contain_text("Within the plan.")
    initiative.refresh_from_db()
    assert initiative.budget == Decimal(2500)
    assert initiative.channels == ["Instagram", "TikTok"]
    assert Amendment.objects.get(initiative=initiative).state == "approved"
