"""A finance approver's inbox holds what waits for the finance step of its
chain (initiatives and amendments), and nothing that waits for a committee
vote or for anyone else."""

from typing import Any

from committees.services import committee_create
from governance import services as org_services
from governance.models import OrganizationRole
from inbox import selectors
from inbox.sources import FINANCE
from initiatives import services
from tests.conftest import Org, api_client, make_user, signed_in
from tests.initiatives.test_routing import approved_by_coe, publish, submitted


def finance_approver(o: Org) -> Any:
    user = make_user("controller")
    org_services.organization_role_grant(
        actor=o.admin, user=user, role=OrganizationRole.Role.FINANCE
    )
    return user


def kinds(user: Any) -> list[tuple[str, int]]:
    return [(row["kind"], row["object_id"]) for row in selectors.tasks(user=user)]


def test_an_initiative_at_the_finance_step_waits_in_the_finance_inbox(org: Org) -> None:
    controller = finance_approver(org)
    publish(org, {"name": "All", "steps": ["finance"]})
    initiative = approved_by_coe(org, submitted(org))

    assert kinds(controller) == [(FINANCE, initiative.pk)]
    rows = api_client(controller).get("/api/me/tasks/").json()["results"]
    assert [(row["kind"], row["url"]) for row in rows] == [
        (FINANCE, f"/initiatives/{initiative.pk}/")
    ]
    page = signed_in(controller).get("/inbox/").content.decode()
    assert "Approve the budget for finance" in page

    services.initiative_transition(actor=controller, initiative=initiative, name="finance_approve")
    assert kinds(controller) == []


def test_nobody_else_gets_the_finance_task(org: Org) -> None:
    finance_approver(org)
    publish(org, {"name": "All", "steps": ["finance"]})
    approved_by_coe(org, submitted(org))
    for someone in (org.coe_lead, org.sponsor, org.marketing_member):
        assert FINANCE not in {kind for kind, _ in kinds(someone)}


def test_a_committee_step_is_not_a_finance_task(org: Org) -> None:
    controller = finance_approver(org)
    committee = committee_create(
        actor=org.coe_lead,
        name="Steering",
        chair=org.sales_lead,
        quorum=1,
        members=[(org.sales_lead, org.sales)],
    )
    publish(org, {"name": "All", "steps": [f"committee:{committee.pk}"]})
    approved_by_coe(org, submitted(org))
    assert kinds(controller) == []
