"""The maturity overview is computed once and kept until a change that can
move a stage: each such change, through the services, is seen at once."""

from typing import Any

from governance import services as org_services
from governance.models import Membership
from initiatives import services as workflow
from maturity import selectors as maturity
from sponsors import services as sponsor_services
from tests.conftest import Org, api_client, bring_to, propose


def detail(answer: dict[str, Any], key: str, unit: str | None = None) -> str:
    scope = (
        answer["organization"]
        if unit is None
        else next(u for u in answer["business_units"] if u["business_unit"]["name"] == unit)
    )
    return next(r["detail"] for r in scope["criteria"] if r["key"] == key)


def overview(org: Org) -> dict[str, Any]:
    response = api_client(org.coe_lead).get("/api/maturity/")
    assert response.status_code == 200
    return response.json()


def test_a_second_read_is_served_without_computing_again(org: Org) -> None:
    first = maturity.overview()
    assert maturity.overview() is not None
    # Same version, same day: the cached object is what comes back.
    assert maturity.overview().organization == first.organization


def test_launching_an_initiative_is_seen_at_once(org: Org) -> None:
    initiative = bring_to(org, "approved")
    assert detail(overview(org), "initiative_running") == "0 initiatives launched."
    workflow.initiative_transition(actor=org.marketing_lead, initiative=initiative, name="launch")
    assert detail(overview(org), "initiative_running") == "1 initiative launched."


def test_a_submission_is_seen_at_once(org: Org) -> None:
    initiative = propose(org)
    assert (
        detail(overview(org), "initiative_proposed")
        == "0 initiatives submitted through the workflow."
    )
    workflow.initiative_transition(actor=org.marketing_member, initiative=initiative, name="submit")
    assert (
        detail(overview(org), "initiative_proposed")
        == "1 initiative submitted through the workflow."
    )


def test_a_sponsor_removed_is_seen_at_once(org: Org) -> None:
    assert detail(overview(org), "sponsor_assigned") == (
        "Every unit in scope has an executive sponsor."
    )
    sponsor = org.sponsor.sponsor_profile
    sponsor_services.sponsorship_remove(
        actor=org.admin, sponsor=sponsor, business_unit=org.marketing
    )
    assert detail(overview(org), "sponsor_assigned") == "No executive sponsor for: Marketing."


def test_new_staff_and_a_new_unit_are_seen_at_once(org: Org) -> None:
    before = overview(org)
    assert len(before["business_units"]) == 2
    unit = org_services.business_unit_create(actor=org.admin, name="Care", kind="customer_care")
    org_services.membership_set(
        actor=org.admin, user=org.coe_lead, business_unit=unit, role=Membership.Role.MEMBER
    )
    after = overview(org)
    assert len(after["business_units"]) == 3
    assert "Care" in detail(after, "sponsor_assigned")


def test_an_amendment_applied_is_seen_at_once(org: Org) -> None:
    initiative = bring_to(org, "active")
    assert detail(overview(org), "budget_aligned").startswith("100%")
    amendment = workflow.amendment_propose(
        actor=org.marketing_lead,
        initiative=initiative,
        changes={"goals": [org.inactive_goal]},
        reason="The goal was retired.",
    )
    for name, actor in (("start_review", org.coe_member), ("approve", org.coe_lead)):
        amendment = workflow.amendment_transition(actor=actor, amendment=amendment, name=name)
    assert detail(overview(org), "budget_aligned").startswith("0%")
