"""The pages in a real browser: Playwright drives Debian's Chromium against
Django's live server. Each role signs in; an initiative goes through review and
sponsor sign-off by clicking; the interface switches to German; a unit lead
finds no approve button and a forged request fails; an auditor compares two
versions of a policy and a unit lead acknowledges one from the home page.
axe-core checks the pages
for serious and critical accessibility problems, and every test leaves
screenshots at desktop and phone width in artifacts/screenshots/."""

import datetime
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from initiatives.models import Decision, Initiative
from policies import selectors as policy_selectors
from policies.models import Acknowledgment, Policy
from tests.browser import add_kpi, assert_accessible, shoot, sign_in, take
from tests.conftest import Org, bring_to
from tests.policies.conftest import policy_in, republish

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("username", "heading"),
    [
        ("coe_lead", "Review queue"),
        ("coe_member", "Review queue"),
        ("sponsor", "Awaiting your sign-off"),
        ("marketing_lead", "Your unit's initiatives"),
        ("auditor", "Audit"),
    ],
)
def test_each_role_signs_in_and_lands_on_its_home_page(
    org: Org, people: Any, username: str, heading: str
) -> None:
    bring_to(org, "submitted", title="Waiting for review")
    bring_to(org, "awaiting_sponsor", title="Waiting for the sponsor")
    page = people(username)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    assert_accessible(page)
    shoot(page, f"home-{username}")


def test_a_wrong_password_shows_a_message(org: Org, browser: Browser, live_server: Any) -> None:
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    sign_in(page, "coe_lead", "wrong")
    expect(page.get_by_role("alert")).to_contain_text("password you specified are not correct")
    assert_accessible(page)
    shoot(page, "sign-in-failed")
    context.close()


def test_an_initiative_goes_from_proposal_to_sponsor_approval(org: Org, people: Any) -> None:
    lead = people("marketing_lead")
    lead.get_by_role("link", name="New initiative").first.click()
    lead.get_by_role("button", name="Create draft").click()
    expect(lead.locator("#id_title_error")).to_have_text("This field is required.")
    assert_accessible(lead)
    shoot(lead, "initiative-form-errors")
    lead.get_by_label("Business unit").select_option(label="Marketing")
    lead.get_by_label("Title").fill("Summer creator series")
    lead.get_by_label("Summary").fill("Short videos with creators.")
    lead.get_by_label("Grow brand awareness").check()
    lead.get_by_label("Customers").check()
    lead.get_by_label("Channels").fill("Instagram, TikTok")
    lead.get_by_label("Budget").fill("60000")
    lead.get_by_label("Risk").select_option("medium")
    lead.get_by_role("button", name="Create draft").click()
    expect(lead.get_by_text("The initiative was created as a draft.")).to_be_visible()
    initiative = Initiative.objects.get(title="Summer creator series")
    detail = f"/initiatives/{initiative.pk}/"
    add_kpi(lead, initiative.pk)
    take(lead, "Submit for review")
    expect(lead.get_by_text("Submitted; now awaits review by the CoE.")).to_be_visible()

    coe_member = people("coe_member")
    expect(coe_member.get_by_role("link", name="Summer creator series")).to_be_visible()
    coe_member.get_by_role("link", name="Summer creator series").click()
    take(coe_member, "Start review")
    expect(coe_member.get_by_text("Review started; the CoE is now reviewing it.")).to_be_visible()
    take(coe_member, "Request changes", comment="Name the creators and the cadence.")
    expect(
        coe_member.get_by_text("Changes requested; now back with the unit to edit and resubmit.")
    ).to_be_visible()

    lead.goto(detail)
    lead.get_by_role("link", name="Edit", exact=True).click()
    lead.get_by_label("Summary").fill("Short videos with three creators, weekly.")
    lead.get_by_role("button", name="Save changes").click()
    expect(lead.get_by_text("Your changes were saved.")).to_be_visible()
    take(lead, "Submit for review")
    expect(lead.get_by_text("Submitted; now awaits review by the CoE.")).to_be_visible()

    coe_lead = people("coe_lead")
    coe_lead.goto(detail)
    take(coe_lead, "Start review")
    expect(coe_lead.get_by_text("Review started; the CoE is now reviewing it.")).to_be_visible()
    take(coe_lead, "Approve")
    expect(coe_lead.get_by_text("Approved by the CoE; now awaits the sponsor.")).to_be_visible()
    expect(coe_lead.locator(".page-head .badge")).to_have_text("Awaiting sponsor")

    sponsor = people("sponsor")
    sponsor.get_by_role("link", name="Summer creator series").click()
    assert_accessible(sponsor)
    take(sponsor, "Approve as sponsor")
    expect(sponsor.get_by_text("Approved; now ready to launch.")).to_be_visible()
    expect(sponsor.locator(".page-head .badge")).to_have_text("Approved")
    expect(sponsor.locator(".diagram-wide .node-current text")).to_have_text("Approved")
    shoot(sponsor, "initiative-detail")

    assert list(
        Decision.objects.filter(initiative=initiative).values_list("transition", "actor__username")
    ) == [
        ("submit", "marketing_lead"),
        ("start_review", "coe_member"),
        ("request_changes", "coe_member"),
        ("submit", "marketing_lead"),
        ("start_review", "coe_lead"),
        ("approve", "coe_lead"),
        ("sponsor_approve", "sponsor"),
    ]
    # The field history shows the edit the lead made between the two submissions.
    sponsor.goto(detail)
    expect(sponsor.locator(".history ins")).to_contain_text(["three creators"])


def test_the_list_filters_and_sorts(org: Org, people: Any) -> None:
    for n, budget in enumerate((500, 90000, 12000)):
        bring_to(org, "submitted", title=f"Campaign {n}", budget=Decimal(budget))
    bring_to(org, "draft", unit="sales", title="Sales draft")
    page = people("coe_lead")
    page.get_by_role("link", name="Initiatives", exact=True).click()
    expect(page.get_by_text("4 initiatives")).to_be_visible()
    page.get_by_label("State").select_option("submitted")
    expect(page.get_by_text("3 initiatives")).to_be_visible()
    page.get_by_label("Sort by").select_option("budget")
    expect(page.locator("#results tbody tr").first).to_contain_text("Campaign 1")
    assert "state=submitted" in page.url
    assert_accessible(page)
    shoot(page, "initiative-list")


def test_rejecting_asks_for_a_comment_and_a_confirmation(org: Org, people: Any) -> None:
    initiative = bring_to(org, "in_review")
    page = people("coe_lead")
    page.goto(f"/initiatives/{initiative.pk}/")
    form = page.locator("form.transition-form").filter(
        has=page.get_by_role("button", name="Reject", exact=True)
    )
    expect(form.get_by_label("Comment")).to_have_attribute("required", "")
    expect(form.get_by_role("checkbox")).to_have_attribute("required", "")
    take(page, "Reject", comment="Out of scope this year.", confirm=True)
    expect(page.get_by_text("Rejected; the initiative is closed.")).to_be_visible()


def test_the_interface_switches_to_german(org: Org, people: Any) -> None:
    initiative = bring_to(org, "submitted", budget=Decimal("12345.5"))
    page = people("coe_lead")
    page.get_by_label("Language").select_option("de")
    page.get_by_role("button", name="Change language").click()
    expect(page.get_by_role("heading", name="Prüfwarteschlange")).to_be_visible()
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.goto(f"/initiatives/{initiative.pk}/")
    expect(page.get_by_role("button", name="Prüfung beginnen")).to_be_visible()
    expect(page.locator(".fields")).to_contain_text("12.345,50")
    assert_accessible(page)
    shoot(page, "initiative-detail-de")


def test_a_unit_lead_sees_no_approve_button_and_a_forged_post_fails(org: Org, people: Any) -> None:
    initiative = bring_to(org, "in_review")
    page = people("marketing_lead")
    page.goto(f"/initiatives/{initiative.pk}/")
    expect(page.get_by_role("heading", name=initiative.title)).to_be_visible()
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    expect(page.get_by_text("There is nothing for you to do")).to_be_visible()

    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"/initiatives/{initiative.pk}/transitions/approve/",
        form={"csrfmiddlewaretoken": token},
        headers={"X-CSRFToken": token},
    )
    assert response.status == 403
    initiative.refresh_from_db()
    assert initiative.state == "in_review"
    assert not Decision.objects.filter(initiative=initiative, transition="approve").exists()


def test_the_audit_log_filters_and_exports(org: Org, people: Any) -> None:
    bring_to(org, "in_review")
    page = people("auditor")
    page.get_by_role("link", name="Open the audit log").click()
    page.get_by_label("Event").select_option("initiative.review_started")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("1 event", exact=True)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Export as CSV").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    assert "initiative.review_started" in lines[1]
    assert_accessible(page)
    shoot(page, "audit-log")


# Policies

BODY = (
    "# Community response\n\nAnswer every question within **one business day**.\n\n"
    "| Channel | Owner |\n| --- | --- |\n| Instagram | Marketing |\n| LinkedIn | Sales |\n"
)


def a_library(o: Org) -> Policy:
    """Published policies in three categories, one overdue for review and one
    in its second version."""
    policy = policy_in(
        o, "published", title="Community response", category="community_response", body=BODY
    )
    republish(o, policy, BODY.replace("one business day", "four hours") + "\nEscalate threats.\n")
    overdue = policy_in(o, "published", title="Crisis playbook", category="crisis_escalation")
    Policy.objects.filter(pk=overdue.pk).update(next_review_due=datetime.date(2024, 1, 31))
    policy_in(o, "published", title="Account security basics", category="account_security")
    policy_in(o, "draft", title="Influencer disclosure", category="disclosure")
    return Policy.objects.get(pk=policy.pk)


def test_an_auditor_opens_a_policy_history_and_a_diff(org: Org, people: Any) -> None:
    policy = a_library(org)
    page = people("auditor")
    page.get_by_role("link", name="Policies and their histories").click()
    expect(page.get_by_role("heading", name="Policies", exact=True)).to_be_visible()
    page.get_by_role("link", name="Community response").click()
    expect(page.get_by_role("heading", name="Acknowledgments")).to_be_visible()
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="History of Community response")).to_be_visible()
    assert_accessible(page)
    shoot(page, "policy-history")

    oldest = policy_selectors.history_of(policy=policy).values_list("history_id", flat=True).last()
    page.locator(f"#from-{oldest}").check()
    page.get_by_role("button", name="Compare the selected versions").click()
    expect(page.get_by_role("heading", name="Changes to Community response")).to_be_visible()
    expect(page.locator(".word-diff del").first).to_be_visible()
    expect(page.locator(".word-diff del")).to_contain_text(["one"])
    expect(page.locator(".word-diff ins")).to_contain_text(["four hours"])
    expect(page.locator(".word-diff ins").last).to_be_visible()
    assert_accessible(page)
    shoot(page, "policy-diff")


def test_a_unit_lead_acknowledges_a_policy_from_the_home_page(org: Org, people: Any) -> None:
    policy = policy_in(org, "published", title="Brand voice")
    page = people("marketing_lead")
    panel = page.locator("#panel-policies_to_acknowledge")
    expect(panel.get_by_role("link", name="Brand voice")).to_be_visible()
    assert_accessible(page)
    shoot(page, "home-policies-to-acknowledge")
    panel.get_by_role("button", name="Acknowledge version 1").click()
    expect(panel.get_by_text("You acknowledged version 1.")).to_be_visible()
    assert Acknowledgment.objects.filter(policy=policy, user=org.marketing_lead).count() == 1
    page.reload()
    expect(
        page.get_by_text("You have acknowledged every policy that applies to you.")
    ).to_be_visible()


@pytest.mark.parametrize("username", ["marketing_member", "coe_lead"])
def test_the_policy_library_is_accessible(org: Org, people: Any, username: str) -> None:
    a_library(org)
    page = people(username)
    page.get_by_role("link", name="Policies", exact=True).click()
    expect(page.get_by_role("heading", name="Crisis escalation")).to_be_visible()
    expect(page.get_by_text("Overdue for review")).to_be_visible()
    assert_accessible(page)
    shoot(page, f"policy-library-{username}")


@pytest.mark.parametrize("username", ["marketing_member", "auditor"])
def test_a_policy_detail_is_accessible(org: Org, people: Any, username: str) -> None:
    policy = a_library(org)
    page = people(username)
    page.goto(f"/policies/{policy.pk}/")
    expect(page.get_by_role("heading", name="Published versions")).to_be_visible()
    page.get_by_label("In force on", exact=True).fill(datetime.date.today().isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#as-of-result")).to_contain_text("version 2 was in force")
    assert_accessible(page)
    shoot(page, f"policy-detail-{username}")


def test_a_sponsor_opens_the_portfolio_from_the_home_page(org: Org, people: Any) -> None:
    bring_to(org, "active", title="Creator series", budget=Decimal(6000))
    bring_to(org, "approved", title="Podcast", budget=Decimal(1500))
    bring_to(org, "draft", title="Idea without a goal", goals=[])
    bring_to(org, "awaiting_sponsor", title="Flagship launch", budget=Decimal(80000))
    bring_to(org, "active", unit="sales", title="Social selling", budget=Decimal(4000))
    page = people("sponsor")
    page.get_by_role("link", name="Open your portfolio").click()
    expect(page).to_have_url(re.compile(r"/portfolio/$"))
    expect(page.get_by_role("heading", name="Portfolio", exact=True)).to_be_visible()
    expect(page.locator('[data-figure="committed"]')).to_have_text("€7,500")
    expect(page.get_by_role("img", name="Committed budget by business unit")).to_be_visible()
    awaiting = page.locator("#awaiting")
    expect(awaiting.get_by_role("link", name="Flagship launch")).to_be_visible()
    expect(page.get_by_text("Social selling")).to_have_count(0)
    assert_accessible(page)
    shoot(page, "portfolio-sponsor")
    awaiting.get_by_role("link", name="Flagship launch").click()
    expect(page.get_by_role("heading", name="Flagship launch")).to_be_visible()


def test_the_coe_lead_narrows_the_portfolio_to_one_unit(org: Org, people: Any) -> None:
    bring_to(org, "active", title="Creator series", budget=Decimal(6000))
    bring_to(org, "active", unit="sales", title="Social selling", budget=Decimal(4000))
    bring_to(org, "in_review", title="Careers week")
    page = people("coe_lead")
    page.get_by_role("link", name="Portfolio", exact=True).click()
    expect(page.locator('[data-figure="committed"]')).to_have_text("€10,000")
    assert_accessible(page)
    shoot(page, "portfolio-coe-lead")
    page.get_by_label("Business unit", exact=True).select_option(label="Sales")
    expect(page.locator('[data-figure="committed"]')).to_have_text("€4,000")
    assert "business_unit=" in page.url
    with page.expect_download() as download:
        page.get_by_role("link", name="Export the initiatives as CSV").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    assert "Social selling" in lines[1]
