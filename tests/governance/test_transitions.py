"""The transition machinery every state machine shares: one Rule, one
Authorization, one list of what a user may take now, whatever the model."""

import ast
import datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django_fsm import TransitionNotAllowed

from governance import audit, transitions
from governance.models import AuditEvent
from governance.transitions import Available, Held, Rights, Rule, Source
from initiatives import services as initiative_services
from initiatives.models import Amendment, Initiative
from policies import services as policy_services
from policies.models import Policy, PolicyException, add_months
from sponsors import services as sponsor_services
from tests.conftest import Org, bring_to
from tests.policies.conftest import policy_in

DOMAIN_APPS = {"initiatives", "policies", "sponsors", "maturity"}


def test_the_core_machinery_imports_no_domain_app() -> None:
    source = Path(transitions.__file__).read_text()
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
    assert not imported & DOMAIN_APPS


def test_every_state_machine_declares_its_transitions_with_the_one_rule() -> None:
    for model in (Initiative, Amendment, Policy, PolicyException):
        assert transitions.rules(model)
        assert all(isinstance(rule, Rule) for rule in transitions.rules(model).values())
        assert isinstance(model(), transitions.Guarded)


def test_rule_builds_the_custom_argument_of_a_transition() -> None:
    assert transitions.rule("a", "b", comment_required=True) == {
        "rule": Rule(rights=frozenset({"a", "b"}), comment_required=True, barred=())
    }


def test_the_owner_may_withdraw_by_their_right_on_the_initiative() -> None:
    assert transitions.rules(Initiative)["withdraw"].rights == {
        "lead_initiatives",
        "own_initiative",
    }


def test_a_source_is_read_once_and_only_for_a_right_it_can_give(org: Org) -> None:
    initiative = bring_to(org, "draft")
    reads: list[str] = []

    def read(name: str, codenames: set[str]) -> Source:
        def run() -> frozenset[str]:
            reads.append(name)
            return frozenset(codenames)

        return Source(run, gives=codenames if name != "unit" else None)

    rights = Rights(
        org.marketing_member,
        initiative,
        read("unit", {"propose_initiatives"}),
        read("own", {"own_initiative"}),
        refused="no %(action)s",
    )
    assert rights.authorize("submit").allowed
    assert rights.authorize("submit").allowed
    assert reads == ["unit"]
    assert rights.authorize("withdraw").allowed
    assert rights.authorize("approve").reason == "no approve"
    assert reads == ["unit", "own"]


def test_a_refusal_names_the_action_in_words(org: Org) -> None:
    initiative = bring_to(org, "in_review")
    answer = transitions.authorize(org.marketing_lead, initiative, "request_changes")
    assert not answer.allowed
    assert answer.reason == "You may not request changes this."


def test_a_refusal_is_translated(org: Org) -> None:
    initiative = bring_to(org, "in_review")
    with translation.override("de"):
        answer = transitions.authorize(org.marketing_lead, initiative, "approve")
    assert answer.reason == "Sie dürfen hier nicht „approve“ ausführen."


def test_each_state_machine_words_its_own_refusal(org: Org) -> None:
    policy = policy_in(org, "in_review")
    assert transitions.authorize(org.auditor, policy, "return_to_draft").reason == (
        "You may not return to draft this policy."
    )
    exception = _exception(org)
    assert transitions.authorize(org.coe_member, exception, "approve").reason == (
        "You may not approve this exception."
    )


def test_separation_of_duties_bars_the_owner(org: Org) -> None:
    initiative = bring_to(org, "in_review")  # owned by the marketing member
    # The owner is made CoE lead: they hold the right but may not use it here.
    from governance import services as org_services
    from governance.models import OrganizationRole

    org_services.organization_role_grant(
        actor=org.admin, user=org.marketing_member, role=OrganizationRole.Role.COE_LEAD
    )
    answer = transitions.authorize(org.marketing_member, initiative, "approve")
    assert answer.reason == (
        "Separation of duties: whoever owns, submitted or edited what is under review "
        "may not review or decide on it."
    )
    assert not transitions.authorize(org.marketing_member, initiative, "request_changes").allowed
    # A transition that names no bar stays open to them.
    assert transitions.authorize(org.marketing_member, initiative, "pause").allowed


def test_separation_of_duties_bars_the_requester_of_an_exception(org: Org) -> None:
    exception = _exception(org, by="marketing_lead")
    from governance import services as org_services
    from governance.models import OrganizationRole

    org_services.organization_role_grant(
        actor=org.admin, user=org.marketing_lead, role=OrganizationRole.Role.COE_LEAD
    )
    answer = transitions.authorize(org.marketing_lead, exception, "approve")
    assert answer.reason == (
        "Separation of duties: nobody decides on an exception they requested or benefit from."
    )
    assert transitions.authorize(org.coe_lead, exception, "approve").allowed


def test_a_delegate_is_authorized_on_behalf_of_the_sponsor(org: Org) -> None:
    initiative = bring_to(org, "awaiting_sponsor")
    sponsor_services.delegation_create(
        actor=org.sponsor,
        delegate=org.outsider,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + datetime.timedelta(days=3),
        reason="Travelling",
    )
    answer = transitions.authorize(org.outsider, initiative, "sponsor_approve")
    assert answer.allowed
    assert answer.on_behalf_of == org.sponsor
    assert transitions.authorize(org.sponsor, initiative, "sponsor_approve").on_behalf_of is None


def test_an_anonymous_user_may_take_nothing(org: Org) -> None:
    from django.contrib.auth.models import AnonymousUser

    initiative = bring_to(org, "submitted")
    assert transitions.available_transitions(AnonymousUser(), initiative) == []
    assert not transitions.authorize(AnonymousUser(), initiative, "start_review").allowed


def test_available_transitions_works_for_every_state_machine(org: Org) -> None:
    initiative = bring_to(org, "in_review", risk="high")
    assert sorted(transitions.available_transitions(org.coe_lead, initiative), key=str) == [
        Available("approve", "awaiting_sponsor", False),
        Available("reject", "rejected", True),
        Available("request_changes", "changes_requested", True),
    ]
    policy = policy_in(org, "published")
    assert transitions.available_transitions(org.coe_member, policy) == [
        Available("revise", "draft", False)
    ]
    assert transitions.available_transitions(org.auditor, policy) == []
    exception = _exception(org)
    available = transitions.available_transitions(org.coe_lead, exception)
    assert sorted(a.name for a in available) == ["approve", "reject"]


def test_available_transitions_reads_nothing_with_rights_already_read(
    org: Org, django_assert_num_queries: object
) -> None:
    initiative = bring_to(org, "in_review")
    rights = transitions.rights_of(org.coe_lead, initiative)
    assert rights.authorize("approve").allowed
    with django_assert_num_queries(0):  # type: ignore[operator]
        # None: where `approve` leads is read from the chain stored at submission.
        available = transitions.available_transitions(org.coe_lead, initiative, rights)
    assert sorted(a.name for a in available) == ["approve", "reject", "request_changes"]


def test_an_authorization_is_for_one_user_object_and_transition(org: Org) -> None:
    initiative = bring_to(org, "submitted")
    other = bring_to(org, "submitted")
    answer = transitions.authorize(org.coe_member, initiative, "start_review")
    assert answer.is_for(org.coe_member, initiative, "start_review")
    assert not answer.is_for(org.coe_lead, initiative, "start_review")
    assert not answer.is_for(org.coe_member, other, "start_review")
    assert not answer.is_for(org.coe_member, initiative, "withdraw")


def test_the_service_takes_the_callers_answer_as_its_decision(org: Org) -> None:
    initiative = bring_to(org, "submitted")
    answer = transitions.authorize(org.coe_member, initiative, "start_review")
    done = initiative_services.initiative_transition(
        actor=org.coe_member, initiative=initiative, name="start_review", authorization=answer
    )
    assert done.state == "in_review"


def test_the_service_refuses_an_answer_given_for_another_act(org: Org) -> None:
    initiative = bring_to(org, "submitted")
    other = bring_to(org, "submitted")
    answer = transitions.authorize(org.coe_member, other, "start_review")
    with pytest.raises(ValueError, match="another act"):
        initiative_services.initiative_transition(
            actor=org.coe_member, initiative=initiative, name="start_review", authorization=answer
        )


def test_the_service_raises_the_refusal_it_is_handed(org: Org) -> None:
    initiative = bring_to(org, "submitted")
    answer = transitions.authorize(org.marketing_lead, initiative, "start_review")
    with pytest.raises(PermissionDenied, match="You may not start review this"):
        initiative_services.initiative_transition(
            actor=org.marketing_lead,
            initiative=initiative,
            name="start_review",
            authorization=answer,
        )


def test_held_rights_may_name_whom_they_are_held_for(org: Org) -> None:
    held = Source(lambda: Held(frozenset({"x"}), on_behalf_of=org.sponsor)).held()
    assert held.on_behalf_of == org.sponsor
    assert Source(lambda: frozenset({"x"})).held() == Held(frozenset({"x"}))


def _exception(org: Org, by: str = "marketing_member") -> PolicyException:
    policy = policy_in(org, "published")
    initiative = bring_to(org, "draft")
    return policy_services.exception_request(
        actor=org.people[by],
        initiative=initiative,
        policy=policy,
        reason="Pilot on a new channel",
        expires_on=add_months(timezone.localdate(), 2),
    )


# Taking a transition: the start every service shares.


def _locked(policy: Policy) -> Policy:
    return Policy.objects.select_for_update().get(pk=policy.pk)


def test_begin_answers_the_right_then_the_state_then_the_comment(org: Org) -> None:
    draft = policy_in(org, "draft")
    in_review = policy_in(org, "in_review")
    refused = "Cannot %(action)s a policy that is %(state)s."
    with transaction.atomic():
        # No right: 403, though the state is wrong and the comment missing too.
        with pytest.raises(PermissionDenied):
            transitions.begin(org.auditor, _locked(draft), "return_to_draft", refused=refused)
        # The right, the wrong state: 409 naming the action and the state.
        with pytest.raises(TransitionNotAllowed, match="Cannot return to draft a policy that is"):
            transitions.begin(org.coe_lead, _locked(draft), "return_to_draft", refused=refused)
        # The right state, no comment where the rule requires one: 400 on the
        # field the caller names.
        with pytest.raises(ValidationError) as raised:
            transitions.begin(
                org.coe_lead,
                _locked(in_review),
                "return_to_draft",
                comment="  ",
                refused=refused,
                comment_field="note",
            )
        assert set(raised.value.message_dict) == {"note"}
    assert Policy.objects.get(pk=in_review.pk).state == "in_review"


def test_the_act_records_where_it_came_from_and_where_it_went(org: Org) -> None:
    policy = policy_in(org, "in_review")
    with transaction.atomic():
        locked = _locked(policy)
        act = transitions.begin(
            org.coe_lead, locked, "return_to_draft", comment=" Say more. ", refused="%(state)s"
        )
        assert (act.source, act.comment, act.authorization.allowed) == (
            "in_review",
            "Say more.",
            True,
        )
        act.take()
        act.stamp()
        locked.save()
        act.record(audit.Event.POLICY_RETURNED_TO_DRAFT, old={"version": 0}, new={"version": 0})
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert (event.event, event.actor_id, event.comment) == (
        audit.Event.POLICY_RETURNED_TO_DRAFT,
        org.coe_lead.pk,
        "Say more.",
    )
    assert event.old == {"state": "in_review", "version": 0}
    assert event.new == {"state": "draft", "version": 0}
    row = policy.history.order_by("-history_id").first()
    assert row.history_change_reason == "return_to_draft: Say more."
    assert row.history_user_id == org.coe_lead.pk


def test_the_system_takes_a_transition_without_a_right_and_without_a_user(org: Org) -> None:
    policy = policy_in(org, "draft")
    with transaction.atomic():
        locked = _locked(policy)
        act = transitions.begin(None, locked, "submit", refused="%(state)s")
        assert act.authorization is None
        act.take()
        act.stamp()
        locked.save()
    row = policy.history.order_by("-history_id").first()
    assert (row.history_change_reason, row.history_user_id) == ("submit", None)
