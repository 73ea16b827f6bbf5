"""Policy authoring and exceptions in a real browser (Chromium through
Playwright): the CoE analyst drafts a policy with a preview and submits it;
the CoE lead, who did not write it, publishes it with a future effective date
and later retires it; a unit lead asks for an exception and the CoE lead
decides it with a comment. axe-core checks every page at desktop and phone
width, and screenshots land in artifacts/screenshots/."""

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from policies.models import Policy, PolicyException, PolicyVersion, State
from tests.browser import assert_accessible, shoot, take
from tests.conftest import Org, propose
from tests.policies.conftest import policy_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_coe_drafts_publishes_for_later_and_retires_a_policy(org: Org, people: Any) -> None:
    analyst = people("coe_member")
    analyst.goto("/policies/")
    analyst.get_by_role("link", name="New policy").click()
    analyst.get_by_label("Title").fill("Live streaming")
    analyst.get_by_label("Category").select_option("social_media")
    analyst.get_by_label("Body (Markdown)").fill(
        "# Live streaming\n\n- Two people on every stream.\n\n<script>alert(1)</script>"
    )
    analyst.get_by_label("Marketing").check()
    analyst.get_by_role("button", name="Preview").click()
    preview = analyst.locator("#preview .policy-body")
    expect(preview.get_by_role("heading", name="Live streaming")).to_be_visible()
    expect(preview.locator("li")).to_have_text("Two people on every stream.")
    expect(preview.locator("script")).to_have_count(0)
    expect(analyst.get_by_label("Title")).to_have_value("Live streaming")
    expect(analyst.get_by_label("Marketing")).to_be_checked()
    assert not Policy.objects.exists()
    assert_accessible(analyst)
    shoot(analyst, "policy-form-preview")

    analyst.get_by_role("button", name="Create draft").click()
    expect(analyst.get_by_text("The policy was created as a draft.")).to_be_visible()
    take(analyst, "Submit for review")
    expect(analyst.get_by_text("Submitted for review")).to_be_visible()
    # The analyst wrote it: no publish button, and the page says why.
    expect(analyst.get_by_role("button", name="Publish")).to_have_count(0)
    policy = Policy.objects.get(title="Live streaming")
    assert policy.state == State.IN_REVIEW

    lead = people("coe_lead")
    lead.goto(f"/policies/{policy.pk}/")
    form = lead.locator("form.transition-form").filter(
        has=lead.get_by_role("button", name="Publish", exact=True)
    )
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    form.get_by_label("In effect from").fill(yesterday.isoformat())
    form.get_by_role("button", name="Publish", exact=True).click()
    expect(lead.locator("#id_publish-effective_date_error")).to_have_text(
        "The effective date cannot be in the past."
    )
    assert_accessible(lead)
    shoot(lead, "policy-publish-error")
    later = timezone.localdate() + datetime.timedelta(days=14)
    form.get_by_label("In effect from").fill(later.isoformat())
    form.get_by_label("Comment").fill("Effective with the new studio.")
    form.get_by_role("button", name="Publish", exact=True).click()
    expect(lead.get_by_text("Published as version 1")).to_be_visible()
    expect(lead.get_by_text("Scheduled", exact=True)).to_be_visible()
    assert PolicyVersion.objects.get(policy=policy).effective_date == later
    assert_accessible(lead)
    shoot(lead, "policy-published")

    take(lead, "Retire", confirm=True)
    expect(lead.get_by_text("Retired: the policy is no longer in force.")).to_be_visible()
    policy.refresh_from_db()
    assert policy.state == State.RETIRED


def test_a_unit_lead_asks_for_an_exception_and_the_coe_lead_decides(org: Org, people: Any) -> None:
    policy = policy_in(org, "published", title="Disclosure of paid partnerships")
    propose(org, title="Influencer pilot")

    unit_lead = people("marketing_lead")
    unit_lead.goto(f"/policies/{policy.pk}/")
    unit_lead.get_by_role("link", name="Request an exception").click()
    unit_lead.get_by_label("Initiative").select_option(label="Influencer pilot")
    unit_lead.get_by_label("Why the exception is needed").fill(
        "The platform labels paid partnerships itself during the pilot."
    )
    unit_lead.get_by_label("Until").fill(
        (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    )
    assert_accessible(unit_lead)
    shoot(unit_lead, "exception-form")
    unit_lead.get_by_role("button", name="Send request").click()
    expect(unit_lead.get_by_text("Your request was sent")).to_be_visible()
    expect(unit_lead.locator(".page-head .badge")).to_have_text("Awaiting decision")
    expect(unit_lead.get_by_role("button", name="Approve exception")).to_have_count(0)

    coe_lead = people("coe_lead")
    coe_lead.goto("/policies/exceptions/")
    coe_lead.get_by_label("State").select_option("requested")
    coe_lead.get_by_role("button", name="Filter").click()
    assert_accessible(coe_lead)
    shoot(coe_lead, "exception-list")
    coe_lead.get_by_role("link", name="Disclosure of paid partnerships").click()
    assert_accessible(coe_lead)
    shoot(coe_lead, "exception-detail")
    take(coe_lead, "Approve exception", comment="For the pilot only.")
    expect(coe_lead.get_by_text("Exception approved")).to_be_visible()
    expect(coe_lead.locator(".page-head .badge")).to_have_text("Approved, active")
    exception = PolicyException.objects.get()
    assert (exception.state, exception.decided_by, exception.decision_comment) == (
        "approved",
        org.coe_lead,
        "For the pilot only.",
    )
