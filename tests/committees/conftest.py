"""A steering committee of three units' people, and an initiative of
marketing that waits for its vote."""

from dataclasses import dataclass
from typing import Any

import pytest

from committees import services as committee_services
from committees.models import Case, Committee
from initiatives import services
from initiatives.models import Initiative
from tests.conftest import Org, acknowledge_policies, api_client, bring_to, propose


@dataclass
class Setup:
    org: Org
    committee: Committee
    initiative: Initiative
    case: Case


def make_committee(o: Org, *, quorum: int = 2, extra: tuple[Any, ...] = ()) -> Committee:
    """Chair: sales_sponsor (no unit); sales_lead (sales); marketing_lead
    (marketing, recused from marketing's initiatives)."""
    members = [
        (o.sales_sponsor, None),
        (o.sales_lead, o.sales),
        (o.marketing_lead, o.marketing),
        *extra,
    ]
    return committee_services.committee_create(
        actor=o.coe_lead,
        name="Steering committee",
        chair=o.sales_sponsor,
        quorum=quorum,
        members=members,
    )


def working_group(o: Org, *, name: str = "Employee advocacy group") -> Committee:
    """sales_lead (Sales) chairs; outsider (no unit) sits on it; nobody from Marketing."""
    return committee_services.committee_create(
        actor=o.coe_lead,
        name=name,
        kind=Committee.Kind.WORKING_GROUP,
        chair=o.sales_lead,
        quorum=1,
        members=[(o.sales_lead, o.sales), (o.outsider, None)],
    )


def to_committee(o: Org, committee: Committee, **fields: Any) -> Initiative:
    services.routing_rules_publish(
        actor=o.coe_lead, rules=[{"name": "All", "steps": [f"committee:{committee.pk}"]}]
    )
    initiative = propose(o, **fields)
    acknowledge_policies(o.marketing_member, o.marketing)
    for name, actor in (
        ("submit", o.marketing_member),
        ("start_review", o.coe_member),
        ("approve", o.coe_lead),
    ):
        initiative = services.initiative_transition(actor=actor, initiative=initiative, name=name)
    return initiative


def amendment_to_committee(o: Org, changes: dict[str, Any], reason: str) -> Case:
    """A running initiative of marketing whose amendment (proposed by its lead,
    approved by the CoE) waits for the steering committee's vote."""
    committee = make_committee(o)
    services.routing_rules_publish(
        actor=o.coe_lead,
        rules=[
            {"name": "High risk", "risks": ["high"], "steps": [f"committee:{committee.pk}"]},
            {"name": "Others", "steps": []},
        ],
    )
    initiative = bring_to(o, "active")
    proposed = api_client(o.marketing_lead).post(
        f"/api/initiatives/{initiative.pk}/amendments/",
        {"changes": changes, "reason": reason},
        format="json",
    )
    assert proposed.status_code == 201, proposed.json()
    amendment_id = proposed.json()["id"]
    for actor, name in ((o.coe_member, "start_review"), (o.coe_lead, "approve")):
        taken = api_client(actor).post(
            f"/api/amendments/{amendment_id}/transitions/{name}/", {}, format="json"
        )
        assert taken.status_code == 200, taken.json()
    return Case.objects.get(amendment_id=amendment_id)


def build(o: Org, **kwargs: Any) -> Setup:
    committee = make_committee(o, **kwargs)
    initiative = to_committee(o, committee)
    return Setup(o, committee, initiative, Case.objects.get(initiative=initiative))


@pytest.fixture
def setup(org: Org) -> Setup:
    return build(org)
