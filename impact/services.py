"""Writes to an initiative's impact: KPIs, measurements, spend and the outcome
review. Each service checks the actor's right, makes the change and writes
its audit event in one transaction.

Rights: members and leads of the initiative's unit (who may propose there)
keep its KPIs, measurements and spend; a lead of the unit submits the outcome
review; the CoE lead (who decides on the unit's initiatives) accepts or
returns it, unless they submitted it (separation of duties)."""

import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django_fsm import can_proceed

from governance import access, audit, transitions
from governance.errors import Conflict
from impact.models import (
    Direction,
    Kpi,
    KpiResult,
    Measurement,
    OutcomeReview,
    Result,
    Spend,
)
from initiatives.models import EDITABLE_STATES, Initiative, State

# While an initiative runs, its results are recorded.
MEASURABLE_STATES = frozenset({State.APPROVED, State.ACTIVE, State.PAUSED})
# An outcome review closes a running initiative.
REVIEWABLE_STATES = frozenset({State.ACTIVE, State.PAUSED})
KPI_FIELDS = ("goal", "name", "unit", "baseline", "target", "due_on", "direction")


def _require(actor: User, initiative: Initiative, codename: str, message: str) -> None:
    if codename not in access.unit_codenames(actor, initiative.business_unit_id):
        raise PermissionDenied(message)


def _lock(initiative: Initiative) -> Initiative:
    return Initiative.objects.select_for_update(of=("self",)).get(pk=initiative.pk)


def _kpis_editable(initiative: Initiative) -> None:
    if initiative.state not in EDITABLE_STATES:
        raise Conflict(
            gettext("The KPIs of an initiative that is %(state)s change only through an amendment.")
            % {"state": initiative.get_state_display().lower()}
        )


def _number(value: Decimal) -> str:
    """A figure as the audit log keeps it: the same text whether it was just
    entered or read back from the database ("1200", not "1200.0000")."""
    return format(Decimal(value).normalize(), "f")


def kpi_values(kpi: Kpi) -> dict[str, Any]:
    return {
        "goal": kpi.goal_id,
        "name": kpi.name,
        "unit": kpi.unit,
        "baseline": _number(kpi.baseline),
        "target": _number(kpi.target),
        "due_on": kpi.due_on.isoformat(),
        "direction": kpi.direction,
    }


def kpi_problems(kpi: Kpi, goal_ids: set[int]) -> dict[str, str]:
    """What is wrong with a KPI's values, by field, for an initiative serving
    the goals `goal_ids`; empty when nothing is."""
    errors: dict[str, str] = {}
    if kpi.goal_id not in goal_ids:
        errors["goal"] = gettext("Choose one of the initiative's strategic goals.")
    if kpi.direction not in Direction.values:
        errors["direction"] = gettext("Choose higher or lower.")
    if not kpi.name.strip():
        errors["name"] = gettext("Name the KPI.")
    if not kpi.unit.strip():
        errors["unit"] = gettext("Name the unit of measure.")
    if kpi.target == kpi.baseline:
        errors["target"] = gettext("The target differs from the baseline.")
    elif (kpi.target > kpi.baseline) != (kpi.direction == Direction.HIGHER):
        errors["target"] = gettext("The target lies on the wrong side of the baseline.")
    if not errors:
        try:
            kpi.full_clean(exclude=["initiative", "goal", "created_by"])
        except ValidationError as error:
            errors = {field: " ".join(msgs) for field, msgs in error.message_dict.items()}
    return errors


def _check_kpi(kpi: Kpi, initiative: Initiative) -> None:
    errors = kpi_problems(kpi, set(initiative.goals.values_list("pk", flat=True)))
    if errors:
        raise ValidationError(errors)


def kpi_create(
    *,
    actor: User,
    initiative: Initiative,
    goal_id: int,
    name: str,
    unit: str,
    baseline: Decimal,
    target: Decimal,
    due_on: datetime.date,
    direction: str = Direction.HIGHER,
) -> Kpi:
    """Add a KPI serving one of the initiative's goals, while it is a draft or
    sent back for changes. Raises PermissionDenied unless the actor may
    propose in the unit, Conflict once the initiative is submitted (KPIs then
    change through an amendment), ValidationError naming the field."""
    _require(actor, initiative, access.PROPOSE, gettext("Only the unit's people may add KPIs."))
    with transaction.atomic():
        locked = _lock(initiative)
        _kpis_editable(locked)
        kpi = Kpi(
            initiative=locked,
            goal_id=goal_id,
            name=name.strip(),
            unit=unit.strip(),
            baseline=baseline,
            target=target,
            due_on=due_on,
            direction=direction,
            created_by=actor,
        )
        _check_kpi(kpi, locked)
        kpi.save()
        audit.record(audit.Event.KPI_CREATED, actor=actor, obj=kpi, new=kpi_values(kpi))
    return kpi


def kpi_update(*, actor: User, kpi: Kpi, changes: dict[str, Any]) -> Kpi:
    """Change a KPI while its initiative is editable; raises as kpi_create."""
    unknown = set(changes) - set(KPI_FIELDS)
    if unknown:
        raise ValidationError({f: gettext("This field cannot be changed.") for f in unknown})
    initiative = kpi.initiative
    _require(actor, initiative, access.PROPOSE, gettext("Only the unit's people may change KPIs."))
    with transaction.atomic():
        locked = _lock(initiative)
        _kpis_editable(locked)
        current = Kpi.objects.select_for_update().get(pk=kpi.pk)
        before = kpi_values(current)
        for field, value in changes.items():
            setattr(current, "goal_id" if field == "goal" else field, value)
        _check_kpi(current, locked)
        after = kpi_values(current)
        changed = sorted(k for k in after if after[k] != before[k])
        if changed:
            current.save()
            audit.record(
                audit.Event.KPI_UPDATED,
                actor=actor,
                obj=current,
                old={k: before[k] for k in changed},
                new={k: after[k] for k in changed},
            )
    return current


def kpi_remove(*, actor: User, kpi: Kpi) -> None:
    """Remove a KPI while its initiative is editable; raises as kpi_create."""
    initiative = kpi.initiative
    _require(actor, initiative, access.PROPOSE, gettext("Only the unit's people may remove KPIs."))
    with transaction.atomic():
        locked = _lock(initiative)
        _kpis_editable(locked)
        audit.record(audit.Event.KPI_REMOVED, actor=actor, obj=kpi, old=kpi_values(kpi))
        kpi.delete()


def _measurable(initiative: Initiative) -> None:
    if initiative.state not in MEASURABLE_STATES:
        raise Conflict(
            gettext("Results are recorded while an initiative is approved, active or paused.")
        )


def _measurement_values(m: Measurement) -> dict[str, Any]:
    return {
        "kpi": m.kpi_id,
        "value": _number(m.value),
        "measured_on": m.measured_on.isoformat(),
        "source": m.source,
        "note": m.note,
    }


def _new_measurement(
    *,
    actor: User,
    kpi: Kpi,
    value: Decimal,
    measured_on: datetime.date,
    source: str,
    note: str,
    supersedes: Measurement | None,
) -> Measurement:
    if measured_on > timezone.localdate():
        raise ValidationError({"measured_on": gettext("A measurement cannot lie in the future.")})
    if not source.strip():
        raise ValidationError({"source": gettext("Say where the value comes from.")})
    measurement = Measurement(
        kpi=kpi,
        value=value,
        measured_on=measured_on,
        source=source.strip(),
        note=note.strip(),
        supersedes=supersedes,
        recorded_by=actor,
    )
    measurement.full_clean(exclude=["kpi", "supersedes", "recorded_by"])
    measurement.save()
    return measurement


def measurement_record(
    *,
    actor: User,
    kpi: Kpi,
    value: Decimal,
    measured_on: datetime.date,
    source: str,
    note: str = "",
) -> Measurement:
    """Record a KPI's value on a date. Raises PermissionDenied unless the
    actor may propose in the unit, Conflict unless the initiative is
    approved, active or paused, ValidationError naming the field."""
    initiative = kpi.initiative
    _require(actor, initiative, access.PROPOSE, gettext("Only the unit's people record results."))
    with transaction.atomic():
        _measurable(_lock(initiative))
        if Kpi.objects.filter(pk=kpi.pk, retired_at__isnull=False).exists():
            raise Conflict(gettext("This KPI was retired; it takes no new measurements."))
        measurement = _new_measurement(
            actor=actor,
            kpi=kpi,
            value=value,
            measured_on=measured_on,
            source=source,
            note=note,
            supersedes=None,
        )
        audit.record(
            audit.Event.MEASUREMENT_RECORDED,
            actor=actor,
            obj=measurement,
            new=_measurement_values(measurement),
        )
    return measurement


def measurement_correct(
    *,
    actor: User,
    measurement: Measurement,
    value: Decimal,
    measured_on: datetime.date,
    source: str,
    note: str,
) -> Measurement:
    """Correct a measurement: a new one supersedes it, and it stays, linked.
    A note saying why is required. Raises as measurement_record, and
    Conflict when the measurement was already corrected."""
    initiative = measurement.kpi.initiative
    _require(actor, initiative, access.PROPOSE, gettext("Only the unit's people record results."))
    if not note.strip():
        raise ValidationError({"note": gettext("Say why the measurement is corrected.")})
    with transaction.atomic():
        _measurable(_lock(initiative))
        earlier = Measurement.objects.select_for_update().get(pk=measurement.pk)
        if Measurement.objects.filter(supersedes=earlier).exists():
            raise Conflict(
                gettext("This measurement was already corrected; correct the newer one.")
            )
        correction = _new_measurement(
            actor=actor,
            kpi=earlier.kpi,
            value=value,
            measured_on=measured_on,
            source=source,
            note=note,
            supersedes=earlier,
        )
        audit.record(
            audit.Event.MEASUREMENT_CORRECTED,
            actor=actor,
            obj=correction,
            old=_measurement_values(earlier) | {"id": earlier.pk},
            new=_measurement_values(correction),
            comment=correction.note,
        )
    return correction


def spend_record(
    *, actor: User, initiative: Initiative, period: datetime.date, amount: Decimal, note: str = ""
) -> Spend:
    """Record what the initiative spent in the month of `period` (stored as its
    first day). Recording a month again replaces its amount, and the audit
    event keeps the one replaced. Raises as measurement_record."""
    _require(actor, initiative, access.PROPOSE, gettext("Only the unit's people record spend."))
    period = period.replace(day=1)
    if period > timezone.localdate():
        raise ValidationError({"period": gettext("Spend is recorded for past or current months.")})
    with transaction.atomic():
        locked = _lock(initiative)
        _measurable(locked)
        spend = Spend.objects.select_for_update().filter(initiative=locked, period=period).first()
        old = {"amount": _number(spend.amount), "note": spend.note} if spend else None
        if spend is None:
            spend = Spend(initiative=locked, period=period)
        spend.amount = amount
        spend.note = note.strip()
        spend.recorded_by = actor
        spend.full_clean(exclude=["initiative", "recorded_by"], validate_unique=False)
        spend.save()
        audit.record(
            audit.Event.SPEND_RECORDED,
            actor=actor,
            obj=locked,
            old=old,
            new={"period": period.isoformat(), "amount": _number(amount), "note": spend.note},
        )
    return spend


def _spent(initiative: Initiative) -> Decimal:
    total = Spend.objects.filter(initiative=initiative).aggregate(t=Sum("amount"))["t"]
    return total if total is not None else Decimal(0)


def outcome_review_submit(
    *, actor: User, initiative: Initiative, results: dict[int, str], lessons: str
) -> OutcomeReview:
    """Submit (or, once returned, resubmit) the outcome review of an active or
    paused initiative: every KPI's result against its target, and the lessons
    learned; spend against budget is taken from the recorded spend. Raises
    PermissionDenied unless the actor leads the unit, Conflict when the
    initiative is not running or its review awaits acceptance or is accepted,
    ValidationError naming the field."""
    _require(actor, initiative, access.LEAD, gettext("Only a lead of the unit submits the review."))
    with transaction.atomic():
        locked = _lock(initiative)
        if locked.state not in REVIEWABLE_STATES:
            raise Conflict(
                gettext("An outcome review is written for an active or paused initiative.")
            )
        # A retired KPI keeps its measurements but is no longer reviewed.
        kpi_ids = set(
            Kpi.objects.filter(initiative=locked, retired_at__isnull=True).values_list(
                "pk", flat=True
            )
        )
        errors = {}
        if set(results) != kpi_ids:
            errors["results"] = gettext(
                "Give a result for each KPI of the initiative, and only those."
            )
        elif any(r not in Result.values for r in results.values()):
            errors["results"] = gettext("A result is met, partly or missed.")
        if not lessons.strip():
            errors["lessons"] = gettext("Say what was learned.")
        if errors:
            raise ValidationError(errors)
        review = OutcomeReview.objects.select_for_update().filter(initiative=locked).first()
        if review is not None:
            if not can_proceed(review.resubmit):
                raise Conflict(
                    gettext("The outcome review is %(state)s.")
                    % {"state": review.get_state_display().lower()}
                )
            review.resubmit()
            review.results.all().delete()
        else:
            review = OutcomeReview(initiative=locked, submitted_by=actor)
        review.lessons = lessons.strip()
        review.budget = locked.budget
        review.spent = _spent(locked)
        review.submitted_by = actor
        review.submitted_at = timezone.now()
        review.decided_by = None
        review.decided_at = None
        review.decision_comment = ""
        review.save()
        KpiResult.objects.bulk_create(
            KpiResult(review=review, kpi_id=kpi_id, result=result)
            for kpi_id, result in sorted(results.items())
        )
        audit.record(
            audit.Event.OUTCOME_REVIEW_SUBMITTED,
            actor=actor,
            obj=review,
            new={
                "results": {str(k): v for k, v in sorted(results.items())},
                "budget": _number(review.budget),
                "spent": _number(review.spent),
                "lessons": review.lessons,
            },
        )
    return review


REVIEW_DECISIONS = {
    "accept": audit.Event.OUTCOME_REVIEW_ACCEPTED,
    "return_for_changes": audit.Event.OUTCOME_REVIEW_RETURNED,
}


def outcome_review_decide(
    *, actor: User, review: OutcomeReview, name: str, comment: str = ""
) -> OutcomeReview:
    """Accept an outcome review, or return it for changes (with a comment).
    Raises PermissionDenied unless the actor decides on the unit's
    initiatives and did not submit it, TransitionNotAllowed unless it awaits
    acceptance, ValidationError for a missing comment."""
    if name not in REVIEW_DECISIONS:
        raise ValidationError({"name": gettext("Accept or return the review.")})
    initiative = review.initiative
    _require(
        actor, initiative, access.DECIDE, gettext("Only the CoE lead accepts outcome reviews.")
    )
    if name == "return_for_changes" and not comment.strip():
        raise ValidationError({"comment": gettext("Say what should change.")})
    with transaction.atomic():
        _lock(initiative)
        locked = OutcomeReview.objects.select_for_update().get(pk=review.pk)
        if locked.submitted_by_id == actor.pk:
            raise PermissionDenied(
                gettext("Separation of duties: whoever submitted the review may not accept it.")
            )
        act = transitions.begin(
            actor,
            locked,
            name,
            comment=comment,
            authorized=True,  # the right and separation of duties, above
            refused=gettext_lazy("The outcome review is %(state)s."),
        )
        act.take()
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_comment = act.comment
        locked.save()
        act.record(REVIEW_DECISIONS[name])
    return locked
