"""Every edge of the initiative state machine, allowed and forbidden."""

from decimal import Decimal

import pytest
from django_fsm import TransitionNotAllowed

from governance.models import AuditEvent
from initiatives import services
from initiatives.models import Decision, Initiative
from initiatives.selectors import TRANSITIONS
from tests.conftest import CASTS, STATES, Org, bring_to

# The edges of the table: transition -> (sources, target).
EDGES: dict[str, tuple[set[str], str]] = {
    "submit": ({"draft", "changes_requested"}, "submitted"),
    "start_review": ({"submitted"}, "in_review"),
    "request_changes": ({"in_review"}, "changes_requested"),
    "approve": ({"in_review"}, "approved"),
    "reject": ({"in_review"}, "rejected"),
    "sponsor_approve": ({"awaiting_sponsor"}, "approved"),
    "sponsor_reject": ({"awaiting_sponsor"}, "rejected"),
    "launch": ({"approved"}, "active"),
    "pause": ({"active"}, "paused"),
    "resume": ({"paused"}, "active"),
    "complete": ({"active", "paused"}, "completed"),
    "withdraw": ({"draft", "submitted", "changes_requested"}, "withdrawn"),
}
# A part with the right to take each transition.
TAKER = {
    "submit": "unit_member",
    "start_review": "coe_member",
    "request_changes": "coe_member",
    "approve": "coe_lead",
    "reject": "coe_lead",
    "sponsor_approve": "unit_sponsor",
    "sponsor_reject": "unit_sponsor",
    "launch": "unit_lead",
    "pause": "unit_lead",
    "resume": "unit_lead",
    "complete": "unit_lead",
    "withdraw": "unit_member",
}


# The steps of an approval chain after the sponsor's: their edges, from
# awaiting_approval only, are in tests/initiatives/test_routing.py.
CHAIN_STEPS = {"finance_approve", "finance_reject", "committee_approve", "committee_reject"}


def test_the_table_names_every_transition_of_the_model() -> None:
    assert set(EDGES) | CHAIN_STEPS == set(TRANSITIONS)


def _counts(initiative: Initiative) -> tuple[int, int, int]:
    return (
        Decision.objects.filter(initiative=initiative).count(),
        initiative.history.count(),
        AuditEvent.objects.filter(
            object_type="initiatives.initiative", object_id=str(initiative.pk)
        ).count(),
    )


@pytest.mark.parametrize("name", sorted(EDGES))
@pytest.mark.parametrize("state", STATES)
def test_transition_edge(org: Org, state: str, name: str) -> None:
    # Completing needs an accepted outcome review, which only a running one has.
    running = state in ("active", "paused")
    initiative = bring_to(org, state, outcome_accepted=name == "complete" and running)
    before = _counts(initiative)
    actor = org.people[CASTS["marketing"][TAKER[name]]]
    sources, target = EDGES[name]

    if state in sources:
        result = services.initiative_transition(
            actor=actor, initiative=initiative, name=name, comment="a reason"
        )
        assert result.state == target
        assert Initiative.objects.get(pk=initiative.pk).state == target
        decisions, history, events = _counts(initiative)
        assert (decisions, history, events) == (before[0] + 1, before[1] + 1, before[2] + 1)
    else:
        with pytest.raises(TransitionNotAllowed):
            services.initiative_transition(
                actor=actor, initiative=initiative, name=name, comment="a reason"
            )
        assert Initiative.objects.get(pk=initiative.pk).state == state
        assert _counts(initiative) == before


def test_approve_goes_to_the_sponsor_above_the_threshold(org: Org) -> None:
    initiative = bring_to(org, "in_review", budget=Decimal("50000.01"))
    result = services.initiative_transition(
        actor=org.coe_lead, initiative=initiative, name="approve"
    )
    assert result.state == "awaiting_sponsor"


def test_approve_at_the_threshold_needs_no_sponsor(org: Org) -> None:
    initiative = bring_to(org, "in_review", budget=Decimal(50000))
    result = services.initiative_transition(
        actor=org.coe_lead, initiative=initiative, name="approve"
    )
    assert result.state == "approved"


def test_high_risk_goes_to_the_sponsor_whatever_the_budget(org: Org) -> None:
    initiative = bring_to(org, "in_review", budget=Decimal(1), risk="high")
    result = services.initiative_transition(
        actor=org.coe_lead, initiative=initiative, name="approve"
    )
    assert result.state == "awaiting_sponsor"


def test_the_lowest_threshold_of_the_units_sponsors_applies(org: Org) -> None:
    from sponsors import services as sponsor_services

    second = sponsor_services.sponsor_set(
        actor=org.admin, user=org.sales_sponsor, approval_threshold=Decimal(20000)
    )
    sponsor_services.sponsorship_add(actor=org.admin, sponsor=second, business_unit=org.marketing)
    initiative = bring_to(org, "in_review", budget=Decimal(30000))
    result = services.initiative_transition(
        actor=org.coe_lead, initiative=initiative, name="approve"
    )
    assert result.state == "awaiting_sponsor"
