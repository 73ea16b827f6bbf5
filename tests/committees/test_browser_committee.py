"""A committee of three votes an initiative through in a real browser, one
member recused: the member whose unit owns it is told so and has no vote
form; the two others vote from their task and from the agenda. Every page at
1280 and 375 px, with axe-core's check."""

from typing import Any

import pytest
from playwright.sync_api import expect

from initiatives.models import Initiative
from tests.browser import assert_accessible, shoot
from tests.committees.conftest import build
from tests.conftest import Org

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_committee_of_three_votes_an_initiative_through_one_member_recused(
    org: Org, people: Any
) -> None:
    setup = build(org)

    recused = people("marketing_lead")
    recused.goto(f"/committees/votes/{setup.case.pk}/")
    expect(recused.locator("#recused-note")).to_be_visible()
    expect(recused.get_by_role("button", name="Cast my vote")).to_have_count(0)
    assert_accessible(recused)
    shoot(recused, "committee-vote-recused")

    member = people("sales_lead")
    member.goto("/inbox/")
    member.get_by_role("link", name="Spring campaign").click()
    expect(member.get_by_role("heading", name="Committee vote: Spring campaign")).to_be_visible()
    member.get_by_role("combobox", name="Your vote").select_option(label="Approve")
    member.get_by_label("Comment").fill("Fits the brand plan.")
    member.get_by_role("button", name="Cast my vote").click()
    expect(member.get_by_text("Your vote is recorded.")).to_be_visible()
    expect(member.locator("#votes")).to_contain_text("sales_lead: Approve — Fits the brand plan.")
    expect(member.locator("#case-state")).to_have_text("Vote open")

    chair = people("sales_sponsor")
    chair.goto("/committees/")
    chair.get_by_role("link", name="Steering committee").click()
    assert_accessible(chair)
    shoot(chair, "committee-agenda")
    chair.get_by_role("link", name="Spring campaign").click()
    chair.get_by_role("combobox", name="Your vote").select_option(label="Approve")
    chair.get_by_role("button", name="Cast my vote").click()
    expect(chair.locator("#case-state")).to_have_text("Approved")
    assert_accessible(chair)
    shoot(chair, "committee-vote-decided")

    chair.get_by_role("link", name="Open the initiative").click()
    expect(chair.locator("#approval-chain")).to_contain_text("Steering committee: approved")
    expect(chair.locator(".timeline")).to_contain_text("marketing_lead: recused")
    assert Initiative.objects.get(pk=setup.initiative.pk).state == "approved"
