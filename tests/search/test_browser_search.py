"""Search in a real browser: a unit member finds a regulation by searching in
German from the header, opens the policy it concerns and from there, under
"related reading", the library's regulation itself; a unit lead drafting an initiative that
another unit already proposed sees it named on the form. At desktop and phone
width, with no serious or critical axe-core finding."""

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible, shoot
from tests.conftest import Org, propose
from tests.knowledge.conftest import entry_of
from tests.policies.conftest import policy_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_member_finds_a_regulation_in_german_and_opens_it(org: Org, people: Any) -> None:
    policy = policy_in(
        org,
        "published",
        title="Werbekennzeichnung",
        body="Für die Kennzeichnung von Werbung gelten die Regeln der Landesmedienanstalten.",
        units=[org.marketing],
    )
    entry_of(
        org,
        title="Leitfaden der Landesmedienanstalten",
        language="de",
        body="Wie Werbung in sozialen Medien zu kennzeichnen ist.",
        policies=[policy],
    )
    member = people("marketing_member")
    member.locator("#language-select").select_option("de")
    member.locator(".language-form button").click()
    expect(member.locator("html")).to_have_attribute("lang", "de")
    member.locator("#header-search-q").fill("Kennzeichnungen")
    member.locator("#header-search-q").press("Enter")
    hit = member.locator(".search-hit").filter(has_text="Werbekennzeichnung")
    expect(hit).to_have_count(1)
    expect(hit.locator("mark").first).to_have_text("Kennzeichnung")
    assert_accessible(member)
    shoot(member, "search-results-de")
    hit.get_by_role("link", name="Werbekennzeichnung (v1)").click()
    expect(member).to_have_url(f"{member.url.split('/policies/')[0]}/policies/{policy.pk}/")
    expect(member.get_by_role("heading", level=1)).to_contain_text("Werbekennzeichnung")
    related = member.locator("#related-reading")
    related.get_by_role("link", name="Leitfaden der Landesmedienanstalten").click()
    expect(member.get_by_role("heading", level=1)).to_contain_text(
        "Leitfaden der Landesmedienanstalten"
    )
    assert_accessible(member)
    shoot(member, "search-related-reading-de")


def test_a_lead_drafting_a_duplicate_sees_the_existing_initiative(org: Org, people: Any) -> None:
    propose(org, title="Employer branding videos", by="sales_member", unit=org.sales)
    lead = people("marketing_lead")
    lead.goto("/initiatives/new/")
    lead.locator("#id_title").fill("Employer branding video")
    hint = lead.locator("#similar-initiatives")
    expect(hint).to_contain_text("Employer branding videos")
    expect(hint).to_contain_text("in a unit you cannot see")
    expect(hint.get_by_role("link")).to_have_count(0)
    assert_accessible(lead)
    shoot(lead, "search-duplicate-hint")
