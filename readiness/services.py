"""Writes of the approval requirements by stage."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext

from governance import audit
from initiatives.preconditions import approval_requirements
from maturity.models import MaturityStage
from readiness import selectors
from readiness.models import StageRequirement


def stage_requirements_set(*, actor: User, stages: dict[str, int | None]) -> list[StageRequirement]:
    """Set from which stage each named kind of approval requirement applies
    (None: at no stage); kinds not named keep their setting. The CoE lead only.

    Writes one audit event with the old and new stage of every kind changed.
    Raises PermissionDenied for anyone else, ValidationError (`stages`) for an
    unknown kind or stage."""
    if not selectors.may_set(user=actor):
        raise PermissionDenied(gettext("Only the CoE lead sets what approval requires."))
    known = {r.key for r in approval_requirements}
    unknown = sorted(set(stages) - known)
    if unknown:
        raise ValidationError(
            {"stages": gettext("Unknown requirements: %(keys)s.") % {"keys": ", ".join(unknown)}}
        )
    valid = set(MaturityStage.values)
    wrong = sorted(key for key, stage in stages.items() if stage is not None and stage not in valid)
    if wrong:
        raise ValidationError(
            {"stages": gettext("Not a maturity stage for: %(keys)s.") % {"keys": ", ".join(wrong)}}
        )
    with transaction.atomic():
        current = {
            row.kind: row for row in StageRequirement.objects.select_for_update().order_by("kind")
        }
        old: dict[str, int | None] = {}
        new: dict[str, int | None] = {}
        for key, stage in sorted(stages.items()):
            row = current.get(key)
            before = row.from_stage if row else None
            if before == stage:
                continue
            old[key], new[key] = before, stage
            if stage is None and row is not None:
                row.delete()
            elif row is None and stage is not None:
                StageRequirement.objects.create(kind=key, from_stage=stage, updated_by=actor)
            elif row is not None and stage is not None:
                row.from_stage = stage
                row.updated_by = actor
                row.save()
        if new:
            audit.record(
                audit.Event.STAGE_REQUIREMENTS_CHANGED,
                actor=actor,
                obj=None,
                object_type="readiness.stagerequirement",
                object_repr=gettext("Approval requirements by stage"),
                old=old,
                new=new,
            )
    return list(StageRequirement.objects.order_by("from_stage", "kind"))
