"""The inbox in a real browser: a delegate finds what waits for them "on
behalf of" their sponsor, at desktop and phone width, decides it from there,
and the item leaves the inbox; the sponsor sets up the delegation and reads
their notifications. axe-core finds no serious or critical problem."""

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from initiatives.models import Decision
from sponsors.models import Delegation
from tests.browser import assert_accessible, shoot, take
from tests.conftest import Org, bring_to

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_delegate_decides_from_the_inbox_on_behalf_of_the_sponsor(org: Org, people: Any) -> None:
    initiative = bring_to(org, "awaiting_sponsor", title="Creator week")

    sponsor = people("sponsor")
    sponsor.get_by_role("link", name="Profile").click()
    sponsor.get_by_role("link", name="Delegation of your sign-off").click()
    today = timezone.localdate()
    sponsor.get_by_label("Delegate (user name)").fill("sales_lead")
    sponsor.get_by_label("From").fill(today.isoformat())
    sponsor.get_by_label("To (inclusive)").fill((today + datetime.timedelta(days=7)).isoformat())
    sponsor.get_by_label("Reason").fill("Board week")
    sponsor.get_by_role("button", name="Delegate my sign-off").click()
    expect(sponsor.get_by_text("sales_lead now signs off on your behalf")).to_be_visible()
    assert Delegation.objects.get().delegate == org.sales_lead
    assert_accessible(sponsor)
    shoot(sponsor, "inbox-delegations")

    delegate = people("sales_lead")
    expect(delegate.locator(".inbox-nav .count-badge").first).to_have_text("1")
    delegate.get_by_role("link", name=re.compile("^My tasks")).click()
    row = delegate.locator("#tasks li").filter(has_text="Creator week")
    expect(row).to_contain_text("Sign off as sponsor")
    expect(row).to_contain_text("on behalf of sponsor")
    assert_accessible(delegate)
    shoot(delegate, "inbox-delegate")

    delegate.set_viewport_size({"width": 375, "height": 812})
    row.get_by_role("link", name="Creator week").click()
    take(delegate, "Approve as sponsor")
    expect(delegate.get_by_text("Approved; now ready to launch.")).to_be_visible()
    decision = Decision.objects.filter(initiative=initiative).last()
    assert decision is not None
    assert (decision.actor, decision.on_behalf_of) == (org.sales_lead, org.sponsor)

    delegate.get_by_role("link", name=re.compile("^My tasks")).click()
    expect(delegate.get_by_text("Nothing waits for you.")).to_be_visible()
    delegate.set_viewport_size({"width": 1280, "height": 900})

    # The owner hears of it in the app, and follows the notification to the initiative.
    owner = people("marketing_member")
    owner.get_by_role("link", name=re.compile("^Notifications")).click()
    expect(owner.locator("#notifications li").first).to_contain_text(
        "A decision was taken on your initiative."
    )
    assert_accessible(owner)
    shoot(owner, "inbox-notifications")
    owner.get_by_role("button", name="Mark all read").click()
    expect(owner.locator(".notification-unread")).to_have_count(0)
    owner.locator("#notifications li a").first.click()
    expect(owner).to_have_url(re.compile(rf"/initiatives/{initiative.pk}/$"))


def test_the_profile_page_in_german(org: Org, people: Any) -> None:
    page = people("coe_lead")
    page.get_by_label("Language").select_option("de")
    page.get_by_role("button", name="Change language").click()
    page.get_by_role("link", name="Profil").click()
    page.get_by_label("E-Mail-Adresse").fill("lead@example.com")
    page.locator("#id_language").select_option("it")
    page.get_by_role("button", name="Profil speichern").click()
    expect(page.get_by_text("Il tuo profilo è stato salvato.")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "it")
    assert_accessible(page)
    shoot(page, "inbox-profile")
