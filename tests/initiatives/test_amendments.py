"""Amendments: reviewed like initiatives, the approved version stays in force
while they are pending, and every approval pins what it approved."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django_fsm import TransitionNotAllowed

from governance import audit
from governance.errors import Conflict
from governance.models import AuditEvent
from initiatives import services
from initiatives.models import Amendment, Initiative
from tests.conftest import Org, api_client, bring_to


def propose_amendment(org: Org, initiative: Initiative, **changes: object) -> dict:
    response = api_client(org.marketing_lead).post(
        f"/api/initiatives/{initiative.pk}/amendments/",
        {"changes": changes, "reason": "The campaign grew."},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def take(user: object, amendment_id: int, name: str, comment: str = "") -> object:
    return api_client(user).post(
        f"/api/amendments/{amendment_id}/transitions/{name}/",
        {"comment": comment},
        format="json",
    )


def test_an_amendment_above_the_threshold_goes_through_the_sponsor(org: Org) -> None:
    initiative = bring_to(org, "active", budget=Decimal(1000))
    first = api_client(org.auditor).get(f"/api/initiatives/{initiative.pk}/approved-version/")
    assert first.json()["initiative"]["budget"] == "1000.00"

    amendment = propose_amendment(org, initiative, budget="80000", channels=["TikTok"])
    assert take(org.coe_member, amendment["id"], "start_review").status_code == 200
    approved_by_coe = take(org.coe_lead, amendment["id"], "approve")
    assert approved_by_coe.json()["state"] == "awaiting_sponsor"

    # Pending: the approved version stays in force and is what the API returns.
    current = api_client(org.marketing_lead).get(f"/api/initiatives/{initiative.pk}/").json()
    assert (current["budget"], current["channels"], current["state"]) == ("1000.00", [], "active")

    assert take(org.sponsor, amendment["id"], "sponsor_approve").status_code == 200
    current = api_client(org.marketing_lead).get(f"/api/initiatives/{initiative.pk}/").json()
    assert (current["budget"], current["channels"], current["state"]) == (
        "80000.00",
        ["TikTok"],
        "active",
    )
    pinned = (
        api_client(org.auditor).get(f"/api/initiatives/{initiative.pk}/approved-version/").json()
    )
    assert pinned["initiative"]["budget"] == "80000.00"
    assert pinned["amendment"] == amendment["id"]
    assert pinned["approved_by"] == "sponsor"
    assert pinned["history_id"] != first.json()["history_id"]


def test_a_small_amendment_is_approved_by_the_coe_lead_alone(org: Org) -> None:
    initiative = bring_to(org, "approved")
    amendment = propose_amendment(org, initiative, summary="Sharper summary.")
    take(org.coe_member, amendment["id"], "start_review")
    response = take(org.coe_lead, amendment["id"], "approve")
    assert response.json()["state"] == "approved"
    assert Initiative.objects.get(pk=initiative.pk).summary == "Sharper summary."


def test_a_rejected_amendment_changes_nothing(org: Org) -> None:
    initiative = bring_to(org, "paused", budget=Decimal(1000))
    amendment = propose_amendment(org, initiative, risk="high")
    take(org.coe_member, amendment["id"], "start_review")
    assert take(org.coe_lead, amendment["id"], "reject").status_code == 400
    assert take(org.coe_lead, amendment["id"], "reject", "Not now").status_code == 200
    assert Initiative.objects.get(pk=initiative.pk).risk == "low"


def test_an_amendment_records_the_kpis_of_a_running_initiative_once_approved(
    org: Org,
) -> None:
    initiative = bring_to(org, "active")
    assert initiative.kpis == ""
    # Edited directly, a running initiative's KPIs are refused: the amendment is the way.
    edit = api_client(org.marketing_lead).patch(
        f"/api/initiatives/{initiative.pk}/", {"kpis": "Leads per month"}, format="json"
    )
    assert edit.status_code == 409

    amendment = propose_amendment(org, initiative, kpis="Leads per month")
    assert amendment["proposed_changes"] == {"kpis": "Leads per month"}
    proposed = AuditEvent.objects.get(event=audit.Event.AMENDMENT_PROPOSED)
    # The event keeps the chain the amendment will pass, resolved at its proposal.
    assert (proposed.old, proposed.new) == (
        {"kpis": ""},
        {"kpis": "Leads per month", "approval_chain": ["coe"], "routing_version": 1},
    )
    assert take(org.coe_member, amendment["id"], "start_review").status_code == 200

    # Pending: the approved version stays in force.
    current = api_client(org.marketing_lead).get(f"/api/initiatives/{initiative.pk}/").json()
    assert current["kpis"] == ""

    assert take(org.coe_lead, amendment["id"], "approve").json()["state"] == "approved"
    current = api_client(org.marketing_lead).get(f"/api/initiatives/{initiative.pk}/").json()
    assert (current["kpis"], current["state"]) == ("Leads per month", "active")
    applied = AuditEvent.objects.get(event=audit.Event.AMENDMENT_APPLIED)
    assert (applied.old, applied.new) == ({"kpis": ""}, {"kpis": "Leads per month"})
    latest, before = initiative.history.order_by("-history_id")[:2]
    assert [c.field for c in latest.diff_against(before).changes] == ["kpis"]
    assert latest.history_change_reason == f"amendment {amendment['id']} approved"
    pinned = (
        api_client(org.auditor).get(f"/api/initiatives/{initiative.pk}/approved-version/").json()
    )
    assert pinned["initiative"]["kpis"] == "Leads per month"
    assert pinned["amendment"] == amendment["id"]


def test_the_pinned_version_of_each_approval_keeps_what_it_approved(org: Org) -> None:
    initiative = bring_to(org, "approved", budget=Decimal(1000))
    amendment = propose_amendment(org, initiative, budget="2000")
    take(org.coe_member, amendment["id"], "start_review")
    take(org.coe_lead, amendment["id"], "approve")
    approvals = initiative.decisions.filter(approved_version__isnull=False).order_by("id")
    assert [d.approved_version.budget for d in approvals] == [Decimal(1000), Decimal(2000)]


def test_only_a_unit_lead_proposes_and_only_on_running_initiatives(org: Org) -> None:
    active = bring_to(org, "active")
    with pytest.raises(PermissionDenied):
        services.amendment_propose(
            actor=org.marketing_member,
            initiative=active,
            changes={"budget": Decimal(5)},
            reason="r",
        )
    draft = bring_to(org, "draft")
    with pytest.raises(Conflict):
        services.amendment_propose(
            actor=org.marketing_lead,
            initiative=draft,
            changes={"budget": Decimal(5)},
            reason="r",
        )


def test_one_pending_amendment_at_a_time(org: Org) -> None:
    initiative = bring_to(org, "active")
    propose_amendment(org, initiative, budget="10")
    response = api_client(org.marketing_lead).post(
        f"/api/initiatives/{initiative.pk}/amendments/",
        {"changes": {"budget": "20"}, "reason": "Again"},
        format="json",
    )
    assert response.status_code == 409


def test_fields_outside_the_amendable_set_are_400(org: Org) -> None:
    initiative = bring_to(org, "active")
    response = api_client(org.marketing_lead).post(
        f"/api/initiatives/{initiative.pk}/amendments/",
        {"changes": {"title": "New name"}, "reason": "r"},
        format="json",
    )
    assert response.status_code == 400
    assert "title" in response.json()["changes"]


def test_the_proposer_and_the_owner_cannot_approve_the_amendment(org: Org) -> None:
    from governance import services as org_services
    from governance.models import Membership

    org_services.membership_set(
        actor=org.admin,
        user=org.coe_lead,
        business_unit=org.marketing,
        role=Membership.Role.LEAD,
    )
    initiative = bring_to(org, "active")
    amendment = services.amendment_propose(
        actor=org.coe_lead, initiative=initiative, changes={"budget": Decimal(5)}, reason="r"
    )
    amendment = services.amendment_transition(
        actor=org.coe_member, amendment=amendment, name="start_review"
    )
    with pytest.raises(PermissionDenied, match="Separation of duties"):
        services.amendment_transition(actor=org.coe_lead, amendment=amendment, name="approve")


def test_amendment_transitions_follow_the_state(org: Org) -> None:
    initiative = bring_to(org, "active")
    amendment = services.amendment_propose(
        actor=org.marketing_lead,
        initiative=initiative,
        changes={"budget": Decimal(5)},
        reason="r",
    )
    with pytest.raises(TransitionNotAllowed):
        services.amendment_transition(actor=org.coe_lead, amendment=amendment, name="approve")
    assert Amendment.objects.get(pk=amendment.pk).state == "submitted"


def test_an_initiative_never_approved_has_no_approved_version(org: Org) -> None:
    initiative = bring_to(org, "in_review")
    response = api_client(org.auditor).get(f"/api/initiatives/{initiative.pk}/approved-version/")
    assert response.status_code == 404
