"""Approval routing: every condition of a rule, the first matching rule
winning, the chain stored at submission and untouched by later rule changes,
the finance step, and who may publish rules."""

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import TransitionNotAllowed

from governance import services as org_services
from governance.models import AuditEvent, OrganizationRole
from initiatives import services
from initiatives.models import Initiative, RoutingRuleSet
from tests.conftest import Org, acknowledge_policies, make_user, propose


def publish(o: Org, *rules: dict[str, Any]) -> RoutingRuleSet:
    return services.routing_rules_publish(actor=o.coe_lead, rules=list(rules))


def submitted(o: Org, unit: str = "marketing", **fields: Any) -> Initiative:
    by = f"{unit}_member"
    initiative = propose(o, by=by, unit=getattr(o, unit), **fields)
    acknowledge_policies(o.people[by], getattr(o, unit))
    return services.initiative_transition(actor=o.people[by], initiative=initiative, name="submit")


def steps(initiative: Initiative) -> list[str]:
    return [entry["step"] for entry in initiative.approval_chain]


def approved_by_coe(o: Org, initiative: Initiative) -> Initiative:
    services.initiative_transition(actor=o.coe_member, initiative=initiative, name="start_review")
    return services.initiative_transition(actor=o.coe_lead, initiative=initiative, name="approve")


def test_version_one_is_the_sponsor_threshold(org: Org) -> None:
    rule_set = RoutingRuleSet.objects.get()
    assert rule_set.version == 1
    assert [
        (r.name, r.risks, r.above_sponsor_threshold, r.steps) for r in rule_set.rules.all()
    ] == [
        ("High risk", ["high"], False, ["sponsor"]),
        ("Above the sponsor's threshold", [], True, ["sponsor"]),
    ]


def test_the_chain_is_stored_at_submission(org: Org) -> None:
    initiative = submitted(org, budget=Decimal(60000))
    stored = Initiative.objects.get(pk=initiative.pk)
    assert stored.approval_chain == [
        {"step": "coe", "state": "pending"},
        {"step": "sponsor", "state": "pending"},
    ]
    assert (stored.routing_version, stored.routing_rule) == (1, "Above the sponsor's threshold")
    event = AuditEvent.objects.filter(event="initiative.submitted").latest("seq")
    assert event.new["approval_chain"] == ["coe", "sponsor"]


def test_below_the_threshold_the_coe_decides_alone(org: Org) -> None:
    assert steps(submitted(org, budget=Decimal(50000))) == ["coe"]


@pytest.mark.parametrize(
    ("budget", "expected"),
    [(Decimal(49999), ["coe"]), (Decimal(50000), ["coe", "finance"]), (Decimal(250000), ["coe"])],
)
def test_budget_range_includes_its_lower_bound_only(
    org: Org, budget: Decimal, expected: list[str]
) -> None:
    publish(org, {"name": "Mid", "min_budget": 50000, "max_budget": 250000, "steps": ["finance"]})
    assert steps(submitted(org, budget=budget)) == expected


@pytest.mark.parametrize(("risk", "expected"), [("medium", ["coe", "finance"]), ("low", ["coe"])])
def test_risk_condition(org: Org, risk: str, expected: list[str]) -> None:
    publish(org, {"name": "Risky", "risks": ["medium", "high"], "steps": ["finance"]})
    assert steps(submitted(org, risk=risk)) == expected


@pytest.mark.parametrize(
    ("channels", "expected"), [(["TikTok", "Blog"], ["coe", "finance"]), (["Blog"], ["coe"])]
)
def test_channel_condition_matches_any_channel_whatever_the_case(
    org: Org, channels: list[str], expected: list[str]
) -> None:
    publish(org, {"name": "Video", "channels": ["tiktok"], "steps": ["finance"]})
    assert steps(submitted(org, channels=channels)) == expected


@pytest.mark.parametrize(
    ("audiences", "expected"),
    [(["customers", "shareholders"], ["coe", "finance"]), (["customers"], ["coe"])],
)
def test_audience_condition(org: Org, audiences: list[str], expected: list[str]) -> None:
    publish(org, {"name": "Investors", "audiences": ["shareholders"], "steps": ["finance"]})
    assert steps(submitted(org, audiences=audiences)) == expected


def test_unit_condition(org: Org) -> None:
    publish(org, {"name": "Sales only", "units": [org.sales.pk], "steps": ["finance"]})
    assert steps(submitted(org, unit="sales")) == ["coe", "finance"]
    assert steps(submitted(org, unit="marketing")) == ["coe"]


def test_above_the_units_sponsor_threshold_condition(org: Org) -> None:
    publish(org, {"name": "Above", "above_sponsor_threshold": True, "steps": ["finance"]})
    # Sales' sponsor signs off above 20,000, marketing's above 50,000.
    assert steps(submitted(org, unit="sales", budget=Decimal(30000))) == ["coe", "finance"]
    assert steps(submitted(org, unit="marketing", budget=Decimal(30000))) == ["coe"]


def test_all_conditions_of_a_rule_must_hold(org: Org) -> None:
    publish(org, {"name": "Both", "risks": ["high"], "min_budget": 1000, "steps": ["finance"]})
    assert steps(submitted(org, risk="high", budget=Decimal(999))) == ["coe"]
    assert steps(submitted(org, risk="high", budget=Decimal(1000))) == ["coe", "finance"]


def test_the_first_matching_rule_wins(org: Org) -> None:
    publish(
        org,
        {"name": "Big", "min_budget": 100000, "steps": ["sponsor", "finance"]},
        {"name": "Any", "steps": ["sponsor"]},
    )
    big = submitted(org, budget=Decimal(100000))
    assert (steps(big), big.routing_rule) == (["coe", "sponsor", "finance"], "Big")
    small = submitted(org, budget=Decimal(10))
    assert (steps(small), small.routing_rule) == (["coe", "sponsor"], "Any")


def test_a_rule_change_after_submission_leaves_the_stored_chain_untouched(org: Org) -> None:
    initiative = submitted(org, budget=Decimal(60000))
    publish(org, {"name": "Everything to finance", "steps": ["finance"]})
    initiative = approved_by_coe(org, initiative)
    assert initiative.state == "awaiting_sponsor"
    assert steps(initiative) == ["coe", "sponsor"]
    assert initiative.routing_version == 1
    assert steps(submitted(org, budget=Decimal(60000))) == ["coe", "finance"]


def test_a_sponsor_threshold_change_after_submission_changes_nothing(org: Org) -> None:
    from sponsors.models import ExecutiveSponsor

    initiative = submitted(org, budget=Decimal(40000))
    ExecutiveSponsor.objects.filter(user=org.sponsor).update(approval_threshold=Decimal(10000))
    assert approved_by_coe(org, initiative).state == "approved"


def _finance(o: Org) -> Any:
    user = make_user("controller")
    org_services.organization_role_grant(
        actor=o.admin, user=user, role=OrganizationRole.Role.FINANCE
    )
    return user


def test_finance_step_after_the_sponsor(org: Org) -> None:
    controller = _finance(org)
    publish(org, {"name": "All", "steps": ["sponsor", "finance"]})
    initiative = approved_by_coe(org, submitted(org))
    assert initiative.state == "awaiting_sponsor"
    initiative = services.initiative_transition(
        actor=org.sponsor, initiative=initiative, name="sponsor_approve"
    )
    assert (initiative.state, initiative.current_step()) == ("awaiting_approval", "finance")
    with pytest.raises(PermissionDenied):
        services.initiative_transition(
            actor=org.sponsor, initiative=initiative, name="finance_approve"
        )
    done = services.initiative_transition(
        actor=controller, initiative=initiative, name="finance_approve"
    )
    assert done.state == "approved"
    assert [e["state"] for e in Initiative.objects.get(pk=initiative.pk).approval_chain] == [
        "approved",
        "approved",
        "approved",
    ]


def test_finance_rejects_with_a_comment(org: Org) -> None:
    controller = _finance(org)
    publish(org, {"name": "All", "steps": ["finance"]})
    initiative = approved_by_coe(org, submitted(org))
    with pytest.raises(ValidationError):
        services.initiative_transition(
            actor=controller, initiative=initiative, name="finance_reject"
        )
    done = services.initiative_transition(
        actor=controller, initiative=initiative, name="finance_reject", comment="No budget."
    )
    assert done.state == "rejected"


def test_finance_cannot_decide_a_committee_step(org: Org) -> None:
    controller = _finance(org)
    from committees.services import committee_create

    committee = committee_create(
        actor=org.coe_lead,
        name="Steering",
        chair=org.sales_lead,
        quorum=1,
        members=[(org.sales_lead, org.sales)],
    )
    publish(org, {"name": "All", "steps": [f"committee:{committee.pk}"]})
    initiative = approved_by_coe(org, submitted(org))
    with pytest.raises(TransitionNotAllowed):
        services.initiative_transition(
            actor=controller, initiative=initiative, name="finance_approve"
        )


def test_only_the_coe_lead_publishes_rules(org: Org) -> None:
    with pytest.raises(PermissionDenied):
        services.routing_rules_publish(actor=org.coe_member, rules=[])
    assert RoutingRuleSet.objects.count() == 1


def test_publishing_is_audited_and_versioned(org: Org) -> None:
    rule_set = publish(org, {"name": "Any", "steps": ["finance"]})
    assert rule_set.version == 2
    event = AuditEvent.objects.get(event="routing.published")
    assert event.new["version"] == 2
    assert event.new["rules"][0]["steps"] == ["finance"]


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"name": "", "steps": []}, "rules.1.name"),
        ({"name": "x", "steps": ["cfo"]}, "rules.1.steps"),
        ({"name": "x", "steps": ["committee:999"]}, "rules.1.steps"),
        ({"name": "x", "risks": ["extreme"]}, "rules.1.risks"),
        ({"name": "x", "min_budget": 10, "max_budget": 10}, "rules.1.max_budget"),
        ({"name": "x", "min_budget": "lots"}, "rules.1.min_budget"),
        ({"name": "x", "units": "sales"}, "rules.1.units"),
        ({"name": "x", "colour": "red"}, "rules.1.colour"),
    ],
)
def test_an_invalid_rule_is_refused_naming_the_field(
    org: Org, rule: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        publish(org, rule)
    assert field in caught.value.message_dict
    assert RoutingRuleSet.objects.count() == 1
