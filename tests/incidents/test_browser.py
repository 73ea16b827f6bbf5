"""In the browser: a unit lead requests an account, the CoE lead approves it,
its owner brings it live and declares an incident on it, the escalation
contact finds the incident in their inbox, and the CoE lead closes it with a
review; every page fits 375 px and axe finds no serious or critical problem."""

from typing import Any

import pytest
from playwright.sync_api import expect

from incidents.models import Incident
from social_accounts.models import SocialAccount
from tests.browser import assert_accessible, shoot
from tests.conftest import Org, make_user

from .conftest import publish

pytestmark = pytest.mark.django_db(transaction=True)


def test_account_request_to_incident_review(org: Org, people: Any) -> None:
    org.people["duty"] = make_user("duty")
    org.people["duty_backup"] = make_user("duty_backup")
    publish(org)

    lead = people("marketing_lead")
    lead.goto("/social-accounts/")
    lead.get_by_role("link", name="Request an account").click()
    lead.get_by_label("Channel").select_option("instagram")
    lead.get_by_label("Handle").fill("@acme_launch")
    lead.get_by_label("Purpose").fill("Launch teasers.")
    assert_accessible(lead)
    shoot(lead, "account-request")
    lead.get_by_role("button", name="Send the request").click()
    expect(lead.get_by_text("Your request was sent; the CoE decides on it.")).to_be_visible()
    account = SocialAccount.objects.get(handle="@acme_launch")
    assert (account.state, account.owner.username) == ("requested", "marketing_lead")

    coe = people("coe_lead")
    coe.goto("/inbox/")
    coe.get_by_role("link", name="Instagram @acme_launch").click()
    coe.get_by_role("button", name="Approve the account").click()
    expect(coe.get_by_text("Done: Approve the account.")).to_be_visible()
    assert_accessible(coe)
    shoot(coe, "account-approved")

    lead.goto(f"/social-accounts/{account.pk}/")
    lead.get_by_role("button", name="Mark as live").click()
    expect(lead.locator(".page-head .badge-active")).to_be_visible()

    lead.goto(f"/incidents/declare/?account={account.pk}")
    lead.get_by_label("What is happening").fill("Hijacked teaser post")
    lead.get_by_label("Severity").select_option("high")
    assert_accessible(lead)
    lead.get_by_role("button", name="Declare").click()
    expect(lead.get_by_text("The incident is declared")).to_be_visible()
    incident = Incident.objects.get()
    assert set(incident.responders.values_list("username", flat=True)) == {
        "coe_lead",
        "duty",
        "duty_backup",
    }
    lead.goto("/social-accounts/")
    expect(lead.get_by_text("Paused")).to_be_visible()
    shoot(lead, "account-list-paused")

    duty = people("duty")
    duty.goto("/inbox/")
    expect(duty.get_by_text("Respond to the incident")).to_be_visible()
    duty.get_by_role("link", name="Hijacked teaser post").click()
    duty.get_by_label("Kind").select_option("decision")
    duty.get_by_label("Text").fill("Post removed; password changed.")
    duty.get_by_role("button", name="Post", exact=True).click()
    expect(duty.get_by_text("Post removed; password changed.")).to_be_visible()
    assert_accessible(duty)
    shoot(duty, "incident-open")

    coe.goto(f"/incidents/{incident.pk}/")
    coe.get_by_role("textbox", name="Review").fill(
        "Contained in 20 minutes; two-factor sign-in now required."
    )
    coe.get_by_role("button", name="Close the incident").click()
    expect(coe.locator(".page-head .badge-closed")).to_be_visible()
    incident.refresh_from_db()
    account.refresh_from_db()
    assert (incident.state, account.paused) == ("closed", False)
    assert_accessible(coe)
    shoot(coe, "incident-closed")


def test_registry_in_german_at_phone_width(org: Org, people: Any) -> None:
    from tests.social_accounts.conftest import account_in

    account_in(org, "active")
    page = people("marketing_member")
    page.context.add_cookies([{"name": "django_language", "value": "de", "url": page.url}])
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto("/social-accounts/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", name="Social-Media-Konten", exact=True)).to_be_visible()
    assert_accessible(page)
    shoot(page, "account-list-de")
