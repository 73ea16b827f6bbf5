"""Policies in each state, built through the services with the personas of
tests/conftest.py: the CoE member drafts and submits, the CoE lead publishes."""

from typing import Any

from governance.models import BusinessUnit
from policies import services
from policies.models import Category, Policy
from tests.conftest import Org

# The path that brings a new draft to each state, with who takes each step.
POLICY_PATHS: dict[str, list[tuple[str, str]]] = {
    "draft": [],
    "in_review": [("submit", "coe_member")],
    "published": [("submit", "coe_member"), ("publish", "coe_lead")],
    "retired": [("submit", "coe_member"), ("publish", "coe_lead"), ("retire", "coe_lead")],
}
POLICY_STATES = tuple(POLICY_PATHS)


def draft_policy(
    o: Org,
    *,
    by: str = "coe_member",
    units: list[BusinessUnit] | None = None,
    **fields: Any,
) -> Policy:
    values: dict[str, Any] = {
        "title": "Brand voice",
        "category": Category.BRAND_VOICE,
        "body": "# Brand voice\n\nWe are clear and warm.\n",
    } | fields
    return services.policy_create(actor=o.people[by], business_units=units or [], **values)


def policy_in(o: Org, state: str, **fields: Any) -> Policy:
    policy = draft_policy(o, **fields)
    for name, by in POLICY_PATHS[state]:
        policy = services.policy_transition(
            actor=o.people[by], policy=policy, name=name, comment="noted"
        )
    assert policy.state == state
    return policy


def republish(o: Org, policy: Policy, body: str, **changes: Any) -> Policy:
    """Revise a published policy, change its body, and publish the next version."""
    policy = services.policy_transition(actor=o.coe_member, policy=policy, name="revise")
    policy = services.policy_update(
        actor=o.coe_member,
        policy=policy,
        changes={"body": body} | changes,
        change_reason="Next version",
    )
    policy = services.policy_transition(actor=o.coe_member, policy=policy, name="submit")
    return services.policy_transition(actor=o.coe_lead, policy=policy, name="publish")
