"""In the browser: the CoE lead sees what approval requires before pressing
the button and is refused while the owner is untrained; the owner takes the
course; then the approval goes through. The requirements page in German.
At desktop and phone width; axe finds no serious or critical problem."""

from typing import Any

import pytest
from playwright.sync_api import expect

from initiatives.models import Initiative
from maturity import services as maturity
from maturity.services import install_published_criteria
from readiness import services as readiness
from tests.browser import assert_accessible, shoot, take
from tests.conftest import Org, bring_to
from tests.training.conftest import published_course

pytestmark = pytest.mark.django_db(transaction=True)


def test_approval_waits_for_the_owners_training(org: Org, people: Any) -> None:
    # An earlier transactional test's flush may have emptied the criteria.
    install_published_criteria()
    maturity.maturity_assessment_record(
        actor=org.coe_lead, business_unit=None, answers={"listening_program": True}
    )
    readiness.stage_requirements_set(
        actor=org.coe_lead, stages={"active_sponsor": 1, "owner_trained": 1}
    )
    published_course(org)
    initiative = bring_to(org, "in_review", title="Creator series")

    lead = people("coe_lead")
    lead.goto(f"/initiatives/{initiative.pk}/")
    checklist = lead.locator("#approval-checklist")
    expect(checklist.locator("li.met")).to_contain_text("active executive sponsor")
    expect(checklist.locator("li.missing")).to_contain_text("Speaking for the brand")
    assert_accessible(lead)
    shoot(lead, "approval-checklist")
    # Afresh: axe and the screenshots leave empty style attributes that
    # htmx would carry into the swapped content.
    lead.goto(f"/initiatives/{initiative.pk}/")
    take(lead, "Approve", comment="Fits the brand goal.")
    expect(lead.locator(".message-error")).to_contain_text("Approval needs first")
    assert Initiative.objects.get(pk=initiative.pk).state == "in_review"

    member = people("marketing_member")
    member.goto("/training/")
    member.get_by_role("link", name="Speaking for the brand").first.click()
    member.get_by_label("Trained, named spokespeople").check()
    member.get_by_label("Follow the escalation policy").check()
    assert_accessible(member)
    shoot(member, "course")
    member.get_by_role("button", name="Submit answers").click()
    expect(member.get_by_text("Passed with 100 %")).to_be_visible()
    expect(member.get_by_text("You have completed this course.")).to_be_visible()

    lead.goto(f"/initiatives/{initiative.pk}/")
    expect(lead.locator("#approval-checklist li.missing")).to_have_count(0)
    take(lead, "Approve", comment="Fits the brand goal.")
    expect(lead.locator(".message-success")).to_be_visible()
    assert Initiative.objects.get(pk=initiative.pk).state == "approved"


def test_requirements_page_in_german(org: Org, people: Any) -> None:
    lead = people("coe_lead")
    lead.get_by_label("Language").select_option("de")
    lead.get_by_role("button", name="Change language").click()
    expect(lead.locator("html")).to_have_attribute("lang", "de")
    lead.goto("/readiness/")
    expect(lead.get_by_role("heading", name="Was eine Freigabe erfordert")).to_be_visible()
    lead.get_by_label("Der Bereich hat einen aktiven Executive Sponsor").select_option("4")
    lead.get_by_role("button", name="Anforderungen speichern").click()
    expect(lead.get_by_text("Die Freigabeanforderungen wurden gespeichert.")).to_be_visible()
    assert_accessible(lead)
    shoot(lead, "readiness-de")
