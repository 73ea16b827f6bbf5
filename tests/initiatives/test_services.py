"""The initiative services: separation of duties, history, decisions and the
atomicity of a transition that fails."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance import audit
from governance import services as org_services
from governance.models import AuditEvent, Membership
from initiatives import services
from initiatives.models import Decision, Initiative
from tests.conftest import Org, bring_to, propose


def _make_coe_lead_a_proposer(org: Org) -> None:
    org_services.membership_set(
        actor=org.admin,
        user=org.coe_lead,
        business_unit=org.marketing,
        role=Membership.Role.MEMBER,
    )


def test_coe_lead_cannot_approve_an_initiative_they_own(org: Org) -> None:
    _make_coe_lead_a_proposer(org)
    initiative = propose(org, by="coe_lead")
    for name, by in (("submit", org.coe_lead), ("start_review", org.coe_member)):
        initiative = services.initiative_transition(actor=by, initiative=initiative, name=name)
    with pytest.raises(PermissionDenied, match="Separation of duties"):
        services.initiative_transition(actor=org.coe_lead, initiative=initiative, name="approve")
    with pytest.raises(PermissionDenied, match="Separation of duties"):
        services.initiative_transition(
            actor=org.coe_lead, initiative=initiative, name="reject", comment="no"
        )
    assert Initiative.objects.get(pk=initiative.pk).state == "in_review"


def test_a_sponsor_cannot_sign_off_their_own_initiative(org: Org) -> None:
    org_services.membership_set(
        actor=org.admin,
        user=org.sponsor,
        business_unit=org.marketing,
        role=Membership.Role.MEMBER,
    )
    initiative = propose(org, by="sponsor", risk="high")
    initiative = services.initiative_transition(
        actor=org.sponsor, initiative=initiative, name="submit"
    )
    initiative = services.initiative_transition(
        actor=org.coe_member, initiative=initiative, name="start_review"
    )
    initiative = services.initiative_transition(
        actor=org.coe_lead, initiative=initiative, name="approve"
    )
    with pytest.raises(PermissionDenied, match="Separation of duties"):
        services.initiative_transition(
            actor=org.sponsor, initiative=initiative, name="sponsor_approve"
        )


def test_a_transition_records_one_decision_and_one_audit_event(org: Org) -> None:
    initiative = bring_to(org, "in_review")
    services.initiative_transition(
        actor=org.coe_member,
        initiative=initiative,
        name="request_changes",
        comment="  Add KPIs.  ",
    )
    decision = Decision.objects.filter(initiative=initiative).last()
    assert (
        decision.transition,
        decision.source,
        decision.target,
        decision.actor,
        decision.comment,
    ) == ("request_changes", "in_review", "changes_requested", org.coe_member, "Add KPIs.")
    event = AuditEvent.objects.filter(event="initiative.changes_requested").get()
    assert (event.actor, event.old, event.new, event.comment) == (
        org.coe_member,
        {"state": "in_review"},
        {"state": "changes_requested"},
        "Add KPIs.",
    )


def test_history_rows_record_who_what_and_why(org: Org) -> None:
    initiative = bring_to(org, "submitted")
    rows = list(initiative.history.order_by("history_id"))
    assert [(r.history_type, r.state, r.history_user) for r in rows] == [
        ("+", "draft", org.marketing_member),
        ("~", "submitted", org.marketing_member),
    ]
    assert rows[1].history_change_reason == "submit: noted"
    assert [g.strategicgoal_id for g in rows[0].goals.all()] == [org.goal.pk]


def test_editing_goals_writes_one_history_row_with_the_new_goals(org: Org) -> None:
    second = org_services.goal_create(actor=org.admin, title="Second goal")
    initiative = bring_to(org, "draft")
    services.initiative_update(
        actor=org.marketing_member, initiative=initiative, changes={"goals": [org.goal, second]}
    )
    assert initiative.history.count() == 2
    latest = initiative.history.first()
    assert sorted(g.strategicgoal_id for g in latest.goals.all()) == sorted(
        [org.goal.pk, second.pk]
    )


def test_an_edit_that_changes_nothing_writes_nothing(org: Org) -> None:
    initiative = bring_to(org, "draft")
    services.initiative_update(
        actor=org.marketing_member, initiative=initiative, changes={"title": initiative.title}
    )
    assert initiative.history.count() == 1
    assert not AuditEvent.objects.filter(event="initiative.updated").exists()


def test_an_edit_in_changes_requested_is_allowed(org: Org) -> None:
    initiative = bring_to(org, "changes_requested")
    updated = services.initiative_update(
        actor=org.marketing_lead, initiative=initiative, changes={"kpis": "Leads per month"}
    )
    assert updated.kpis == "Leads per month"


def test_a_failure_after_the_state_change_leaves_nothing_behind(
    org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    initiative = bring_to(org, "submitted")
    counts = (Decision.objects.count(), initiative.history.count(), AuditEvent.objects.count())

    def failing_record(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the audit store is unavailable")

    # The audit event is the last write of the transaction: failing there must
    # undo the state change, its history row and the decision written before it.
    monkeypatch.setattr(audit, "record", failing_record)
    with pytest.raises(RuntimeError):
        services.initiative_transition(
            actor=org.coe_member, initiative=initiative, name="start_review"
        )
    assert Initiative.objects.get(pk=initiative.pk).state == "submitted"
    assert (
        Decision.objects.count(),
        initiative.history.count(),
        AuditEvent.objects.count(),
    ) == counts


def test_a_failed_condition_leaves_nothing_behind(org: Org) -> None:
    initiative = propose(org, goals=[])
    counts = (Decision.objects.count(), initiative.history.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as failure:
        services.initiative_transition(
            actor=org.marketing_member, initiative=initiative, name="submit"
        )
    assert set(failure.value.message_dict) == {"goals"}
    assert Initiative.objects.get(pk=initiative.pk).state == "draft"
    assert (
        Decision.objects.count(),
        initiative.history.count(),
        AuditEvent.objects.count(),
    ) == counts


def test_a_stale_copy_cannot_undo_a_newer_state(org: Org) -> None:
    initiative = bring_to(org, "submitted")
    stale = Initiative.objects.get(pk=initiative.pk)
    services.initiative_transition(
        actor=org.marketing_member, initiative=initiative, name="withdraw"
    )
    # The service re-reads the row under lock, so the stale copy's state is not trusted.
    from django_fsm import TransitionNotAllowed

    with pytest.raises(TransitionNotAllowed):
        services.initiative_transition(actor=org.coe_member, initiative=stale, name="start_review")
    assert Initiative.objects.get(pk=initiative.pk).state == "withdrawn"


def test_create_validates_dates_and_lists(org: Org) -> None:
    import datetime

    with pytest.raises(ValidationError) as failure:
        propose(
            org,
            start_date=datetime.date(2027, 2, 1),
            end_date=datetime.date(2027, 1, 1),
            audiences=["martians"],
        )
    assert {"end_date", "audiences"} <= set(failure.value.message_dict)
    assert not Initiative.objects.exists()


def test_budget_above_the_maximum_is_refused(org: Org) -> None:
    with pytest.raises(ValidationError):
        propose(org, budget=Decimal(10**12) + 1)
