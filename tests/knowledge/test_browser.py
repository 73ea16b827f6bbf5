"""In the browser: a unit member proposes an entry and links it to a policy,
the CoE publishes it, a reader finds it as related reading on the policy,
marks it useful and comments; the library fits at phone width, in English and
German, and axe finds no serious or critical problem."""

from typing import Any

import pytest
from playwright.sync_api import expect

from knowledge.models import Entry, State
from tests.browser import assert_accessible, shoot
from tests.conftest import Org
from tests.policies.conftest import policy_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_entry_from_proposal_to_related_reading(org: Org, people: Any) -> None:
    policy = policy_in(org, "published", title="Brand voice")

    member = people("marketing_member")
    member.goto("/library/")
    expect(member.get_by_role("heading", name="Library")).to_be_visible()
    member.get_by_role("link", name="Propose an entry").click()
    member.get_by_label("Title").fill("Tone of voice checklist")
    member.get_by_label("Kind").select_option("how_to")
    member.get_by_label("Text", exact=True).fill("## Check\n\n- **Warm**\n- Clear\n")
    member.get_by_label("Tags").fill("voice, checklist")
    member.get_by_label("Related policies").select_option(label="Brand voice")
    member.get_by_role("button", name="Propose").click()
    expect(member.get_by_text("Your entry was proposed.")).to_be_visible()
    expect(member.locator(".badge", has_text="Proposed")).to_be_visible()
    assert_accessible(member)
    shoot(member, "library-entry-proposed")

    coe = people("coe_member")
    coe.goto("/library/")
    coe.get_by_role("link", name="Tone of voice checklist").click()
    coe.get_by_role("button", name="Publish").click()
    expect(coe.get_by_text("The entry was published.")).to_be_visible()
    assert Entry.objects.get().state == State.PUBLISHED

    reader = people("sales_member")
    reader.goto(f"/policies/{policy.pk}/")
    reading = reader.locator("#related-reading")
    expect(reading.get_by_role("heading", name="Related reading")).to_be_visible()
    reading.get_by_role("link", name="Tone of voice checklist").click()
    expect(reader.locator(".policy-body strong", has_text="Warm")).to_be_visible()
    reader.get_by_role("button", name="Mark useful").click()
    expect(reader.locator("#useful-count")).to_have_text("1 reader found it useful.")
    thread = reader.locator("#discussion")
    thread.get_by_label("Comment").fill("We use this in Sales too.")
    thread.get_by_role("button", name="Post comment").click()
    expect(reader.locator("#discussion")).to_contain_text("We use this in Sales too.")
    assert_accessible(reader)
    shoot(reader, "library-entry")

    reader.goto("/library/")
    assert_accessible(reader)
    shoot(reader, "library-list")

    german = people("marketing_lead")
    german.get_by_label("Language").select_option("de")
    german.get_by_role("button", name="Change language").click()
    expect(german.locator("html")).to_have_attribute("lang", "de")
    german.goto("/library/")
    expect(german.get_by_role("heading", name="Bibliothek")).to_be_visible()
    assert_accessible(german)
    shoot(german, "library-list-de")
