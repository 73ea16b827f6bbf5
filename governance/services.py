"""Writes to the organization: units, goals, memberships and organization roles.

Each service changes the data, brings object permissions in line and writes
the audit events in one transaction."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext

from governance import access, audit
from governance.models import (
    BusinessUnit,
    MaturityAssessment,
    MaturityCriterion,
    Membership,
    OrganizationRole,
    StrategicGoal,
)


def business_unit_create(
    *, actor: AbstractBaseUser | None, name: str, kind: str, slug: str = ""
) -> BusinessUnit:
    """Create a unit and give the CoE and auditors their rights on it."""
    with transaction.atomic():
        unit = BusinessUnit(name=name, slug=slug or slugify(name), kind=kind)
        unit.full_clean()
        unit.save()
        audit.record(
            audit.Event.BUSINESS_UNIT_CREATED,
            actor=actor,
            obj=unit,
            new={"name": unit.name, "slug": unit.slug, "kind": unit.kind},
        )
        access.sync_organization_on_new_unit(unit=unit, actor=actor)
    return unit


def goal_create(
    *, actor: AbstractBaseUser | None, title: str, description: str = "", active: bool = True
) -> StrategicGoal:
    with transaction.atomic():
        goal = StrategicGoal(title=title, description=description, active=active)
        goal.full_clean()
        goal.save()
        audit.record(
            audit.Event.GOAL_CREATED,
            actor=actor,
            obj=goal,
            new={"title": title, "description": description, "active": active},
        )
    return goal


def membership_set(
    *,
    actor: AbstractBaseUser | None,
    user: AbstractBaseUser,
    business_unit: BusinessUnit,
    role: Membership.Role,
) -> Membership:
    """Make the user a member or lead of the unit (creating or changing the
    membership) and adjust their rights on it."""
    with transaction.atomic():
        membership, created = Membership.objects.select_for_update().get_or_create(
            user=user, business_unit=business_unit, defaults={"role": role}
        )
        old_role = None if created else membership.role
        if old_role != role:
            membership.role = role
            membership.save(update_fields=["role"])
            audit.record(
                audit.Event.MEMBERSHIP_SET,
                actor=actor,
                obj=membership,
                old={"role": old_role} if old_role else None,
                new={
                    "user": user.get_username(),
                    "business_unit": business_unit.slug,
                    "role": str(role),
                },
            )
            access.sync_unit_permissions(user=user, actor=actor, units=[business_unit])
    return membership


def membership_remove(
    *, actor: AbstractBaseUser | None, user: AbstractBaseUser, business_unit: BusinessUnit
) -> None:
    """Remove the user from the unit; the rights it gave go with it."""
    with transaction.atomic():
        membership = Membership.objects.filter(user=user, business_unit=business_unit).first()
        if membership is None:
            return
        audit.record(
            audit.Event.MEMBERSHIP_REMOVED,
            actor=actor,
            obj=membership,
            old={
                "user": user.get_username(),
                "business_unit": business_unit.slug,
                "role": membership.role,
            },
        )
        membership.delete()
        access.sync_unit_permissions(user=user, actor=actor, units=[business_unit])


def organization_role_grant(
    *, actor: AbstractBaseUser | None, user: AbstractBaseUser, role: OrganizationRole.Role
) -> OrganizationRole:
    """Make the user CoE lead, CoE member or auditor, with rights on every unit."""
    with transaction.atomic():
        row, created = OrganizationRole.objects.get_or_create(user=user, role=role)
        if created:
            audit.record(
                audit.Event.ORGANIZATION_ROLE_GRANTED,
                actor=actor,
                obj=row,
                new={"user": user.get_username(), "role": str(role)},
            )
            access.sync_unit_permissions(user=user, actor=actor)
    return row


def organization_role_revoke(
    *, actor: AbstractBaseUser | None, user: AbstractBaseUser, role: OrganizationRole.Role
) -> None:
    with transaction.atomic():
        row = OrganizationRole.objects.filter(user=user, role=role).first()
        if row is None:
            return
        audit.record(
            audit.Event.ORGANIZATION_ROLE_REVOKED,
            actor=actor,
            obj=row,
            old={"user": user.get_username(), "role": str(role)},
        )
        row.delete()
        access.sync_unit_permissions(user=user, actor=actor)


def maturity_assessment_record(
    *,
    actor: AbstractBaseUser,
    business_unit: BusinessUnit | None,
    answers: dict[str, bool],
) -> MaturityAssessment:
    """Record an assessment of a unit (by its lead or the CoE lead) or of the
    organization (by the CoE lead): the answers, every criterion's result and
    the stage, kept as history. Raises PermissionDenied for anyone else and
    ValidationError for answers to unknown or evidence-only criteria."""
    from governance import maturity

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
        merged = maturity.latest_answers(business_unit) | answers
        result = maturity.assess(business_unit, merged)
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
    *, actor: AbstractBaseUser, criterion: MaturityCriterion, changes: dict[str, Any]
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
