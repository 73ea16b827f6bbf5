"""Writes to the organization: units, goals, memberships and organization roles.

Each service changes the data, brings object permissions in line and writes
the audit events in one transaction."""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.text import slugify

from governance import access, audit
from governance.models import (
    BusinessUnit,
    Membership,
    OrganizationRole,
    StrategicGoal,
)
from governance.signals import goal_changed


def business_unit_create(
    *, actor: User | None, name: str, kind: str, slug: str = ""
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
    *, actor: User | None, title: str, description: str = "", active: bool = True
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


def goal_update(
    *,
    actor: User | None,
    goal: StrategicGoal,
    title: str | None = None,
    description: str | None = None,
    active: bool | None = None,
) -> StrategicGoal:
    """Change a strategic goal's title, description or `active` flag (None
    leaves a field as it is). Records the changed fields and tells the apps
    above (`goal_changed`), in the same transaction: the initiatives' priority
    score counts only active goals. Invalid values raise ValidationError."""
    with transaction.atomic():
        locked = StrategicGoal.objects.select_for_update().get(pk=goal.pk)
        wanted = {"title": title, "description": description, "active": active}
        old, new = {}, {}
        for field, value in wanted.items():
            if value is not None and getattr(locked, field) != value:
                old[field] = getattr(locked, field)
                new[field] = value
                setattr(locked, field, value)
        if new:
            locked.full_clean()
            locked.save(update_fields=sorted(new))
            audit.record(audit.Event.GOAL_UPDATED, actor=actor, obj=locked, old=old, new=new)
            goal_changed.send(StrategicGoal, goal=locked, changed=frozenset(new))
    return locked


def membership_set(
    *,
    actor: User | None,
    user: User,
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


def membership_remove(*, actor: User | None, user: User, business_unit: BusinessUnit) -> None:
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
    *, actor: User | None, user: User, role: OrganizationRole.Role
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
    *, actor: User | None, user: User, role: OrganizationRole.Role
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
