"""Writes of the maturity assessment: recording an assessment, changing a
criterion, installing the published criteria. Each change writes its audit
event in its transaction."""

import json
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext

from governance import access, audit
from governance.models import BusinessUnit, OrganizationRole
from maturity import selectors
from maturity.models import MaturityAssessment, MaturityCriterion

CRITERIA_FILE = Path(__file__).resolve().parent / "data" / "maturity_criteria.json"


def maturity_assessment_record(
    *,
    actor: User,
    business_unit: BusinessUnit | None,
    answers: dict[str, bool],
) -> MaturityAssessment:
    """Record an assessment of a unit (by its lead or the CoE lead) or of the
    organization (by the CoE lead): the answers, every criterion's result and
    the stage, kept as history. Raises PermissionDenied for anyone else and
    ValidationError for answers to unknown or evidence-only criteria."""
    is_coe_lead = OrganizationRole.objects.filter(
        user=actor, role=OrganizationRole.Role.COE_LEAD
    ).exists()
    if business_unit is None:
        if not is_coe_lead:
            raise PermissionDenied(gettext("Only the CoE lead assesses the organization."))
    elif not is_coe_lead and access.LEAD not in access.unit_codenames(actor, business_unit.pk):
        raise PermissionDenied(gettext("Only the unit's lead or the CoE lead assesses this unit."))
    questions = set(
        MaturityCriterion.objects.filter(active=True, kind=MaturityCriterion.Kind.SELF).values_list(
            "key", flat=True
        )
    )
    unknown = sorted(set(answers) - questions)
    if unknown:
        raise ValidationError(
            {
                "answers": gettext("Not self-assessment questions: %(keys)s.")
                % {"keys": ", ".join(unknown)}
            }
        )
    with transaction.atomic():
        merged = selectors.latest_answers(unit=business_unit) | answers
        result = selectors.assess(unit=business_unit, answers=merged)
        record = MaturityAssessment.objects.create(
            business_unit=business_unit,
            assessed_by=actor,
            answers=merged,
            results=[
                {"key": r.key, "stage": r.stage, "met": r.met, "detail": r.detail}
                for r in result.results
            ],
            stage=result.stage,
        )
        audit.record(
            audit.Event.MATURITY_ASSESSED,
            actor=actor,
            obj=record,
            new={
                "business_unit": business_unit.slug if business_unit else None,
                "answers": merged,
                "stage": result.stage,
            },
        )
    return record


def maturity_criterion_update(
    *, actor: User, criterion: MaturityCriterion, changes: dict[str, Any]
) -> MaturityCriterion:
    """Change a criterion's wording, stage, link or whether it counts (CoE lead)."""
    if not OrganizationRole.objects.filter(
        user=actor, role=OrganizationRole.Role.COE_LEAD
    ).exists():
        raise PermissionDenied(gettext("Only the CoE lead edits the maturity criteria."))
    editable = {"title", "description", "stage", "fix_url", "active"}
    unknown = set(changes) - editable
    if unknown:
        raise ValidationError({f: gettext("This field cannot be changed.") for f in unknown})
    with transaction.atomic():
        locked = MaturityCriterion.objects.select_for_update().get(pk=criterion.pk)
        old = {f: getattr(locked, f) for f in changes}
        for field, value in changes.items():
            setattr(locked, field, value)
        locked.full_clean()
        locked.save()
        changed = {f: v for f, v in changes.items() if old[f] != v}
        if changed:
            audit.record(
                audit.Event.MATURITY_CRITERION_CHANGED,
                actor=actor,
                obj=locked,
                old={f: old[f] for f in changed},
                new=changed,
            )
    return locked


def install_published_criteria(model: Any = MaturityCriterion) -> None:
    """Load the published set of criteria, keeping any criterion already there
    as it is (the CoE lead may have reworded it). `model` lets the data
    migration pass its historical model."""
    for row in json.loads(CRITERIA_FILE.read_text()):
        model.objects.get_or_create(
            key=row["key"],
            defaults={
                "stage": row["stage"],
                "kind": row["kind"],
                "title": row["title"],
                "description": row["description"],
                "fix_url": row["fix"],
            },
        )
