"""Every edge of the policy state machine, allowed and forbidden."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import TransitionNotAllowed

from governance.models import AuditEvent
from policies import selectors, services
from policies.models import Policy, PolicyVersion
from policies.selectors import TRANSITIONS
from tests.conftest import Org
from tests.policies.conftest import POLICY_STATES, policy_in, republish

# transition -> (sources, target), as in the issue.
EDGES: dict[str, tuple[set[str], str]] = {
    "submit": ({"draft"}, "in_review"),
    "return_to_draft": ({"in_review"}, "draft"),
    "publish": ({"in_review"}, "published"),
    "revise": ({"published"}, "draft"),
    "retire": ({"published"}, "retired"),
}
# Who may take each transition, and who may not (with the right to see).
TAKERS = {
    "submit": {"coe_member", "coe_lead"},
    "return_to_draft": {"coe_member", "coe_lead"},
    "publish": {"coe_lead"},
    "revise": {"coe_member", "coe_lead"},
    "retire": {"coe_lead"},
}
OTHERS = ("auditor", "sponsor", "marketing_lead", "marketing_member", "outsider")


def test_the_table_names_every_transition_of_the_model() -> None:
    assert set(EDGES) == set(TRANSITIONS)


def _counts(policy: Policy) -> tuple[int, int]:
    return (
        policy.history.count(),
        AuditEvent.objects.filter(object_type="policies.policy", object_id=str(policy.pk)).count(),
    )


@pytest.mark.parametrize("name", sorted(EDGES))
@pytest.mark.parametrize("state", POLICY_STATES)
def test_transition_edge(org: Org, state: str, name: str) -> None:
    policy = policy_in(org, state)
    before = _counts(policy)
    sources, target = EDGES[name]
    if state in sources:
        result = services.policy_transition(
            actor=org.coe_lead, policy=policy, name=name, comment="a reason"
        )
        assert result.state == target
        assert Policy.objects.get(pk=policy.pk).state == target
        assert _counts(policy) == (before[0] + 1, before[1] + 1)
    else:
        with pytest.raises(TransitionNotAllowed):
            services.policy_transition(
                actor=org.coe_lead, policy=policy, name=name, comment="a reason"
            )
        assert Policy.objects.get(pk=policy.pk).state == state
        assert _counts(policy) == before


@pytest.mark.parametrize(
    ("name", "person"),
    [(name, person) for name in sorted(EDGES) for person in sorted(TAKERS[name])],
)
def test_each_taker_may_take_its_transition(org: Org, name: str, person: str) -> None:
    source = sorted(EDGES[name][0])[0]
    policy = policy_in(org, source)
    result = services.policy_transition(
        actor=org.people[person], policy=policy, name=name, comment="a reason"
    )
    assert result.state == EDGES[name][1]


@pytest.mark.parametrize(
    ("name", "person"),
    [
        (name, person)
        for name in sorted(EDGES)
        for person in (*OTHERS, "coe_member")
        if person not in TAKERS[name]
    ],
)
def test_anyone_else_is_refused_whatever_the_state(org: Org, name: str, person: str) -> None:
    source = sorted(EDGES[name][0])[0]
    policy = policy_in(org, source)
    before = _counts(policy)
    with pytest.raises(PermissionDenied):
        services.policy_transition(
            actor=org.people[person], policy=policy, name=name, comment="a reason"
        )
    assert Policy.objects.get(pk=policy.pk).state == source
    assert _counts(policy) == before


def test_returning_to_draft_needs_a_comment(org: Org) -> None:
    policy = policy_in(org, "in_review")
    with pytest.raises(ValidationError) as failure:
        services.policy_transition(actor=org.coe_lead, policy=policy, name="return_to_draft")
    assert set(failure.value.message_dict) == {"comment"}
    assert Policy.objects.get(pk=policy.pk).state == "in_review"


def test_publishing_numbers_the_version_and_keeps_the_previous_text(org: Org) -> None:
    policy = policy_in(org, "published", body="First text\n")
    assert policy.version == 1
    assert policy.current_version.body == "First text\n"
    policy = republish(org, policy, "Second text\n")
    assert policy.version == 2
    assert policy.current_version.body == "Second text\n"
    assert list(PolicyVersion.objects.filter(policy=policy).values_list("version", "body")) == [
        (1, "First text\n"),
        (2, "Second text\n"),
    ]


def test_a_revised_policy_keeps_its_published_version_in_force(org: Org) -> None:
    policy = policy_in(org, "published", body="In force\n")
    policy = services.policy_transition(actor=org.coe_member, policy=policy, name="revise")
    policy = services.policy_update(
        actor=org.coe_member, policy=policy, changes={"body": "Draft\n"}, change_reason="edit"
    )
    assert policy.state == "draft"
    assert selectors.version_in_force(policy=policy).body == "In force\n"
    assert policy.version == 1
    assert policy.current_version.body == "In force\n"


def test_a_policy_without_a_body_cannot_be_published(org: Org) -> None:
    policy = policy_in(org, "in_review", body="")
    with pytest.raises(ValidationError) as failure:
        services.policy_transition(actor=org.coe_lead, policy=policy, name="publish")
    assert set(failure.value.message_dict) == {"body"}


def test_an_unknown_transition_is_refused(org: Org) -> None:
    from governance.errors import UnknownAction

    policy = policy_in(org, "draft")
    with pytest.raises(UnknownAction):
        services.policy_transition(actor=org.coe_lead, policy=policy, name="delete")
