"""KPIs, measurements, spend and the outcome review, through the services:
who may do what, in which state, and what the audit log keeps."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import TransitionNotAllowed

from governance.errors import Conflict
from governance.models import AuditEvent
from impact import services
from impact.models import Kpi, Measurement, ReviewState
from initiatives import services as workflow
from tests.conftest import CASTS, Org, acknowledge_policies, bring_to, propose

DAY = datetime.date(2026, 1, 15)


def _kpi(initiative) -> Kpi:  # type: ignore[no-untyped-def]
    return Kpi.objects.filter(initiative=initiative).order_by("id").first()  # type: ignore[return-value]


def _events(name: str) -> int:
    return AuditEvent.objects.filter(event=name).count()


def test_submitting_needs_a_kpi_for_each_goal(org: Org) -> None:
    initiative = propose(org)
    Kpi.objects.filter(initiative=initiative).delete()
    acknowledge_policies(org.marketing_member, org.marketing)
    with pytest.raises(Conflict) as refused:
        workflow.initiative_transition(
            actor=org.marketing_member, initiative=initiative, name="submit"
        )
    assert refused.value.data == {"goals_without_kpi": ["Grow brand awareness"]}
    assert "Grow brand awareness" in str(refused.value)


def test_submitting_with_a_kpi_for_each_goal_goes_through(org: Org) -> None:
    initiative = bring_to(org, "submitted")
    assert initiative.state == "submitted"


def test_kpi_must_serve_one_of_the_initiatives_goals(org: Org) -> None:
    initiative = propose(org)
    with pytest.raises(ValidationError) as refused:
        services.kpi_create(
            actor=org.marketing_member,
            initiative=initiative,
            goal_id=org.inactive_goal.pk,
            name="Reach",
            unit="people",
            baseline=Decimal(1),
            target=Decimal(2),
            due_on=DAY,
        )
    assert "goal" in refused.value.message_dict


def test_target_on_the_wrong_side_of_the_baseline_is_refused(org: Org) -> None:
    initiative = propose(org)
    with pytest.raises(ValidationError) as refused:
        services.kpi_create(
            actor=org.marketing_member,
            initiative=initiative,
            goal_id=org.goal.pk,
            name="Cost per lead",
            unit="EUR",
            baseline=Decimal(10),
            target=Decimal(12),
            due_on=DAY,
            direction="lower",
        )
    assert "target" in refused.value.message_dict


def test_kpis_change_only_through_an_amendment_once_submitted(org: Org) -> None:
    initiative = bring_to(org, "approved")
    kpi = _kpi(initiative)
    with pytest.raises(Conflict, match="amendment"):
        services.kpi_update(actor=org.marketing_member, kpi=kpi, changes={"target": Decimal(9)})
    with pytest.raises(Conflict, match="amendment"):
        services.kpi_remove(actor=org.marketing_member, kpi=kpi)
    assert Kpi.objects.get(pk=kpi.pk).target == Decimal(5000)


def test_someone_outside_the_unit_may_not_add_kpis(org: Org) -> None:
    initiative = propose(org)
    with pytest.raises(PermissionDenied):
        services.kpi_create(
            actor=org.sales_lead,
            initiative=initiative,
            goal_id=org.goal.pk,
            name="Reach",
            unit="people",
            baseline=Decimal(1),
            target=Decimal(2),
            due_on=DAY,
        )


def test_kpi_edit_is_audited_with_old_and_new_values(org: Org) -> None:
    initiative = propose(org)
    kpi = _kpi(initiative)
    services.kpi_update(actor=org.marketing_member, kpi=kpi, changes={"target": Decimal(7000)})
    event = AuditEvent.objects.filter(event="kpi.updated").get()
    assert (event.old, event.new) == ({"target": "5000"}, {"target": "7000"})


def test_measurement_is_recorded_and_audited(org: Org) -> None:
    kpi = _kpi(bring_to(org, "active"))
    measurement = services.measurement_record(
        actor=org.marketing_member, kpi=kpi, value=Decimal(1200), measured_on=DAY, source="CRM"
    )
    assert measurement.supersedes is None
    assert _events("measurement.recorded") == 1


def test_a_draft_records_no_measurement(org: Org) -> None:
    kpi = _kpi(propose(org))
    with pytest.raises(Conflict):
        services.measurement_record(
            actor=org.marketing_member, kpi=kpi, value=Decimal(1), measured_on=DAY, source="CRM"
        )


def test_correction_supersedes_and_keeps_the_earlier_measurement(org: Org) -> None:
    kpi = _kpi(bring_to(org, "active"))
    first = services.measurement_record(
        actor=org.marketing_member, kpi=kpi, value=Decimal(1200), measured_on=DAY, source="CRM"
    )
    fixed = services.measurement_correct(
        actor=org.marketing_lead,
        measurement=first,
        value=Decimal(1300),
        measured_on=DAY,
        source="CRM export",
        note="Typo",
    )
    assert fixed.supersedes_id == first.pk
    assert Measurement.objects.get(pk=first.pk).value == Decimal(1200)
    event = AuditEvent.objects.filter(event="measurement.corrected").get()
    assert event.old["value"] == "1200"
    assert event.new["value"] == "1300"
    with pytest.raises(Conflict):
        services.measurement_correct(
            actor=org.marketing_lead,
            measurement=first,
            value=Decimal(1),
            measured_on=DAY,
            source="x",
            note="again",
        )


def test_correction_needs_a_reason(org: Org) -> None:
    kpi = _kpi(bring_to(org, "active"))
    first = services.measurement_record(
        actor=org.marketing_member, kpi=kpi, value=Decimal(1), measured_on=DAY, source="CRM"
    )
    with pytest.raises(ValidationError) as refused:
        services.measurement_correct(
            actor=org.marketing_member,
            measurement=first,
            value=Decimal(2),
            measured_on=DAY,
            source="CRM",
            note=" ",
        )
    assert "note" in refused.value.message_dict


def test_spend_of_a_month_again_replaces_it_and_the_log_keeps_the_old_amount(org: Org) -> None:
    initiative = bring_to(org, "active")
    services.spend_record(
        actor=org.marketing_member, initiative=initiative, period=DAY, amount=Decimal(300)
    )
    spend = services.spend_record(
        actor=org.marketing_member,
        initiative=initiative,
        period=DAY.replace(day=3),
        amount=Decimal(350),
    )
    assert spend.period == datetime.date(2026, 1, 1)
    assert initiative.spend_set.count() == 1
    last = AuditEvent.objects.filter(event="spend.recorded").order_by("-seq").first()
    assert last is not None
    assert (last.old, last.new["amount"]) == ({"amount": "300", "note": ""}, "350")


def _submit_review(org: Org, initiative, by: str = "marketing_lead"):  # type: ignore[no-untyped-def]
    return services.outcome_review_submit(
        actor=org.people[by],
        initiative=initiative,
        results={kpi.pk: "partly" for kpi in initiative.kpi_set.all()},
        lessons="Fewer posts, better ones.",
    )


def test_completing_needs_an_accepted_outcome_review(org: Org) -> None:
    initiative = bring_to(org, "active")
    with pytest.raises(Conflict, match="outcome review"):
        workflow.initiative_transition(
            actor=org.marketing_lead, initiative=initiative, name="complete"
        )
    review = _submit_review(org, initiative)
    with pytest.raises(Conflict, match="awaits acceptance"):
        workflow.initiative_transition(
            actor=org.marketing_lead, initiative=initiative, name="complete"
        )
    services.outcome_review_decide(actor=org.coe_lead, review=review, name="accept")
    done = workflow.initiative_transition(
        actor=org.marketing_lead, initiative=initiative, name="complete"
    )
    assert done.state == "completed"


def test_review_needs_a_result_for_each_kpi(org: Org) -> None:
    initiative = bring_to(org, "active")
    with pytest.raises(ValidationError) as refused:
        services.outcome_review_submit(
            actor=org.marketing_lead, initiative=initiative, results={}, lessons="x"
        )
    assert "results" in refused.value.message_dict


def test_a_member_may_not_submit_the_review(org: Org) -> None:
    with pytest.raises(PermissionDenied):
        _submit_review(org, bring_to(org, "active"), by="marketing_member")


def test_only_the_coe_lead_accepts_and_never_their_own_review(org: Org) -> None:
    initiative = bring_to(org, "active")
    review = _submit_review(org, initiative)
    for who in ("coe_member", "marketing_lead", "sponsor", "auditor"):
        with pytest.raises(PermissionDenied):
            services.outcome_review_decide(actor=org.people[who], review=review, name="accept")
    assert review.state == ReviewState.SUBMITTED


def test_returned_review_is_resubmitted_then_accepted(org: Org) -> None:
    initiative = bring_to(org, "active")
    review = _submit_review(org, initiative)
    with pytest.raises(ValidationError):
        services.outcome_review_decide(actor=org.coe_lead, review=review, name="return_for_changes")
    returned = services.outcome_review_decide(
        actor=org.coe_lead, review=review, name="return_for_changes", comment="Add the spend."
    )
    assert returned.state == ReviewState.RETURNED
    with pytest.raises(TransitionNotAllowed):
        services.outcome_review_decide(actor=org.coe_lead, review=returned, name="accept")
    again = _submit_review(org, initiative)
    assert again.state == ReviewState.SUBMITTED
    accepted = services.outcome_review_decide(actor=org.coe_lead, review=again, name="accept")
    assert accepted.state == ReviewState.ACCEPTED
    assert _events("outcome_review.submitted") == 2
    assert _events("outcome_review.returned") == 1
    assert _events("outcome_review.accepted") == 1
    with pytest.raises(Conflict):
        _submit_review(org, initiative)


def test_review_records_spend_against_budget(org: Org) -> None:
    initiative = bring_to(org, "active", budget=Decimal(1000))
    services.spend_record(
        actor=org.marketing_member, initiative=initiative, period=DAY, amount=Decimal(1200)
    )
    review = _submit_review(org, initiative)
    assert (review.budget, review.spent) == (Decimal(1000), Decimal(1200))


def test_bring_to_completed_goes_through_the_review(org: Org) -> None:
    initiative = bring_to(org, "completed", unit="sales")
    assert initiative.outcome_review.state == ReviewState.ACCEPTED
    assert CASTS["sales"]["unit_lead"] == initiative.outcome_review.submitted_by.username
