"""Amendments through the routing rules: an amendment whose amended
initiative matches a rule with finance or committee steps that the
initiative's own chain did not have passes those steps too; its chain is
stored with it at its proposal."""

from decimal import Decimal
from typing import Any

import pytest

from committees import services as committee_services
from committees.models import Case
from governance import services as org_services
from governance.models import AuditEvent, OrganizationRole
from initiatives import services
from initiatives.models import Amendment, Initiative
from tests.committees.conftest import make_committee
from tests.conftest import Org, api_client, bring_to, make_user

LARGE = [
    {"name": "Large budget", "min_budget": "50000", "steps": ["sponsor", "finance"]},
    {"name": "Others", "steps": []},
]


def publish(o: Org, rules: list[dict[str, Any]]) -> None:
    services.routing_rules_publish(actor=o.coe_lead, rules=rules)


def controller(o: Org) -> Any:
    user = make_user("controller")
    org_services.organization_role_grant(
        actor=o.admin, user=user, role=OrganizationRole.Role.FINANCE
    )
    return user


def propose(o: Org, initiative: Initiative, **changes: Any) -> dict[str, Any]:
    response = api_client(o.marketing_lead).post(
        f"/api/initiatives/{initiative.pk}/amendments/",
        {"changes": changes, "reason": "The campaign grew."},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def take(user: Any, amendment_id: int, name: str, comment: str = "") -> Any:
    return api_client(user).post(
        f"/api/amendments/{amendment_id}/transitions/{name}/",
        {"comment": comment},
        format="json",
    )


def coe_approves(o: Org, amendment_id: int) -> Any:
    assert take(o.coe_member, amendment_id, "start_review").status_code == 200
    return take(o.coe_lead, amendment_id, "approve")


def steps(amendment_id: int) -> list[str]:
    return [e["step"] for e in Amendment.objects.get(pk=amendment_id).approval_chain]


def test_a_budget_raised_into_the_finance_tier_passes_finance(org: Org) -> None:
    finance = controller(org)
    publish(org, LARGE)
    initiative = bring_to(org, "active", budget=Decimal(1000))
    assert [e["step"] for e in initiative.approval_chain] == ["coe"]

    amendment = propose(org, initiative, budget="80000")
    assert steps(amendment["id"]) == ["coe", "sponsor", "finance"]
    assert Amendment.objects.get(pk=amendment["id"]).routing_rule == "Large budget"
    proposed = AuditEvent.objects.get(event="amendment.proposed", object_id=str(amendment["id"]))
    assert proposed.new["approval_chain"] == ["coe", "sponsor", "finance"]

    assert coe_approves(org, amendment["id"]).json()["state"] == "awaiting_sponsor"
    # Finance decides its own step, not the sponsor's: a wrong state is 409.
    assert take(finance, amendment["id"], "finance_approve").status_code == 409
    assert take(org.sponsor, amendment["id"], "sponsor_approve").json()["state"] == (
        "awaiting_approval"
    )
    assert Initiative.objects.get(pk=initiative.pk).budget == Decimal(1000)
    # The sponsor holds no finance sign-off.
    assert take(org.sponsor, amendment["id"], "finance_approve").status_code == 403
    assert take(finance, amendment["id"], "finance_approve").json()["state"] == "approved"
    assert Initiative.objects.get(pk=initiative.pk).budget == Decimal(80000)
    assert [e["state"] for e in Amendment.objects.get(pk=amendment["id"]).approval_chain] == [
        "approved",
        "approved",
        "approved",
    ]
    assert AuditEvent.objects.filter(event="amendment.finance_approved").count() == 1


def test_finance_rejects_an_amendment_with_a_comment_and_nothing_changes(org: Org) -> None:
    finance = controller(org)
    publish(org, LARGE)
    initiative = bring_to(org, "active", budget=Decimal(1000))
    amendment = propose(org, initiative, budget="80000")
    coe_approves(org, amendment["id"])
    take(org.sponsor, amendment["id"], "sponsor_approve")
    assert take(finance, amendment["id"], "finance_reject").status_code == 400
    rejected = take(finance, amendment["id"], "finance_reject", "No money this year.")
    assert rejected.json()["state"] == "rejected"
    assert Initiative.objects.get(pk=initiative.pk).budget == Decimal(1000)


def test_a_step_the_initiative_passed_already_is_not_asked_again(org: Org) -> None:
    finance = controller(org)
    publish(org, LARGE)
    initiative = bring_to(org, "awaiting_sponsor", budget=Decimal(60000))
    for name, actor in (("sponsor_approve", org.sponsor), ("finance_approve", finance)):
        initiative = services.initiative_transition(actor=actor, initiative=initiative, name=name)
    assert initiative.state == "approved"
    assert [e["step"] for e in Initiative.objects.get(pk=initiative.pk).approval_chain] == [
        "coe",
        "sponsor",
        "finance",
    ]
    amendment = propose(org, initiative, budget="70000")
    # The sponsor signs off every amendment the rules give a sponsor step, as before.
    assert steps(amendment["id"]) == ["coe", "sponsor"]


def test_a_small_amendment_keeps_the_coe_alone(org: Org) -> None:
    publish(org, LARGE)
    initiative = bring_to(org, "active", budget=Decimal(1000))
    amendment = propose(org, initiative, budget="2000")
    assert steps(amendment["id"]) == ["coe"]
    assert coe_approves(org, amendment["id"]).json()["state"] == "approved"


def test_risk_raised_to_high_sends_the_amendment_to_the_committee_vote(org: Org) -> None:
    committee = make_committee(org)
    publish(
        org,
        [
            {"name": "High risk", "risks": ["high"], "steps": [f"committee:{committee.pk}"]},
            {"name": "Others", "steps": []},
        ],
    )
    initiative = bring_to(org, "active")
    amendment = propose(org, initiative, risk="high")
    assert steps(amendment["id"]) == ["coe", f"committee:{committee.pk}"]
    assert coe_approves(org, amendment["id"]).json()["state"] == "awaiting_approval"
    case = Case.objects.get(amendment_id=amendment["id"])
    assert (case.state, case.initiative_id) == ("open", initiative.pk)
    # Nobody decides a committee's step in their own name.
    assert take(org.coe_lead, amendment["id"], "committee_approve").status_code == 403

    committee_services.vote_cast(actor=org.sales_lead, case=case, choice="approve")
    assert Initiative.objects.get(pk=initiative.pk).risk == "low"
    committee_services.vote_cast(actor=org.sales_sponsor, case=case, choice="approve")
    case.refresh_from_db()
    assert case.state == "approved"
    assert Amendment.objects.get(pk=amendment["id"]).state == "approved"
    assert Initiative.objects.get(pk=initiative.pk).risk == "high"
    assert case.decision is not None
    assert case.decision.amendment_id == amendment["id"]
    assert AuditEvent.objects.filter(event="amendment.committee_approved").count() == 1


def test_a_committee_rejecting_the_amendment_changes_nothing(org: Org) -> None:
    committee = make_committee(org)
    publish(
        org,
        [
            {"name": "High risk", "risks": ["high"], "steps": [f"committee:{committee.pk}"]},
            {"name": "Others", "steps": []},
        ],
    )
    initiative = bring_to(org, "active")
    amendment = propose(org, initiative, risk="high")
    coe_approves(org, amendment["id"])
    case = Case.objects.get(amendment_id=amendment["id"])
    committee_services.vote_cast(actor=org.sales_lead, case=case, choice="reject", comment="No")
    committee_services.vote_cast(actor=org.sales_sponsor, case=case, choice="reject", comment="No")
    assert Amendment.objects.get(pk=amendment["id"]).state == "rejected"
    assert Initiative.objects.get(pk=initiative.pk).risk == "low"


def test_an_amendment_awaiting_a_step_blocks_another_one(org: Org) -> None:
    controller(org)
    publish(org, LARGE)
    initiative = bring_to(org, "active", budget=Decimal(1000))
    amendment = propose(org, initiative, budget="80000")
    coe_approves(org, amendment["id"])
    take(org.sponsor, amendment["id"], "sponsor_approve")
    second = api_client(org.marketing_lead).post(
        f"/api/initiatives/{initiative.pk}/amendments/",
        {"changes": {"summary": "Other."}, "reason": "More."},
        format="json",
    )
    assert second.status_code == 409


@pytest.mark.parametrize("who", ["outsider"])
def test_an_outsider_gets_404_on_an_amendment_step(org: Org, who: str) -> None:
    finance = controller(org)
    publish(org, LARGE)
    initiative = bring_to(org, "active", budget=Decimal(1000))
    amendment = propose(org, initiative, budget="80000")
    assert take(org.people[who], amendment["id"], "finance_approve").status_code == 404
    assert take(finance, amendment["id"], "finance_approve").status_code in (404, 409)


def test_the_initiative_page_shows_the_amendments_chain(org: Org) -> None:
    from django.urls import reverse

    from tests.conftest import signed_in

    controller(org)
    publish(org, LARGE)
    initiative = bring_to(org, "active", budget=Decimal(1000))
    propose(org, initiative, budget="80000")
    page = (
        signed_in(org.auditor)
        .get(reverse("initiatives:detail", args=[initiative.pk]))
        .content.decode()
    )
    chain = page.split('id="amendment-chain"')[1].split("</ol>")[0]
    assert "CoE review: <strong>pending</strong>" in chain
    assert "Finance" in chain
