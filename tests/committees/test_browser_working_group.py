"""The CoE lead makes a working group the owner of a marketing initiative on
its page and seats a member from Sales on the group's page; that member then
finds the initiative, named with its group, and has no decision to take. Every
page at 1280 and 375 px, with axe-core's check."""

from typing import Any

import pytest
from playwright.sync_api import expect

from committees import services
from committees.models import Committee
from tests.browser import assert_accessible, shoot
from tests.conftest import Org, bring_to

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_coe_lead_gives_a_working_group_an_initiative_its_new_member_sees(
    org: Org, people: Any
) -> None:
    group = services.committee_create(
        actor=org.coe_lead,
        name="Employee advocacy group",
        kind=Committee.Kind.WORKING_GROUP,
        chair=org.sales_lead,
        quorum=1,
        members=[(org.sales_lead, org.sales)],
    )
    initiative = bring_to(org, "submitted", title="Ambassador programme")

    lead = people("coe_lead")
    lead.goto(f"/initiatives/{initiative.pk}/")
    section = lead.locator("#owning-group")
    section.get_by_role("combobox", name="Working group").select_option(label=group.name)
    section.get_by_role("button", name="Make owner").click()
    expect(lead.get_by_text("The working group owns it now.")).to_be_visible()
    expect(lead.locator("#owning-group")).to_contain_text("Owned by Employee advocacy group")
    assert_accessible(lead)
    shoot(lead, "initiative-owning-group")

    lead.locator("#owning-group").get_by_role("link", name=group.name).click()
    lead.get_by_label("Username").fill("sales_member")
    lead.get_by_role("combobox", name="Unit they come from").select_option(label="Sales")
    lead.get_by_role("button", name="Add a member").click()
    expect(lead.get_by_text("The member is seated.")).to_be_visible()
    expect(lead.get_by_role("link", name="Ambassador programme")).to_be_visible()
    assert_accessible(lead)
    shoot(lead, "working-group-owned")

    member = people("sales_member")
    member.goto(f"/committees/{group.pk}/")
    member.get_by_role("link", name="Ambassador programme").click()
    expect(member.locator("#owning-group")).to_contain_text("Employee advocacy group")
    expect(member.get_by_role("button", name="Start review")).to_have_count(0)
    expect(member.get_by_role("button", name="Make owner")).to_have_count(0)
    assert_accessible(member)
    shoot(member, "initiative-seen-through-group")
