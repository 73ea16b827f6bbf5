"""Writes to executive sponsors and their portfolios."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from governance import access, audit
from governance.errors import Conflict
from governance.models import BusinessUnit, OrganizationRole
from initiatives.models import ScoringCriterion
from sponsors.models import (
    Delegation,
    ExecutiveSponsor,
    NotificationPreference,
    Sponsorship,
)


def sponsor_set(*, actor: User | None, user: User, approval_threshold: Decimal) -> ExecutiveSponsor:
    """Make the user an executive sponsor, or change their approval threshold."""
    with transaction.atomic():
        sponsor = ExecutiveSponsor.objects.select_for_update().filter(user=user).first()
        old = None if sponsor is None else {"approval_threshold": sponsor.approval_threshold}
        if sponsor is not None and sponsor.approval_threshold == approval_threshold:
            return sponsor
        if sponsor is None:
            sponsor = ExecutiveSponsor(user=user, approval_threshold=approval_threshold)
        sponsor.approval_threshold = approval_threshold
        sponsor.full_clean()
        sponsor.save()
        audit.record(
            audit.Event.SPONSOR_SET,
            actor=actor,
            obj=sponsor,
            old=old,
            new={"user": user.get_username(), "approval_threshold": approval_threshold},
        )
    return sponsor


def sponsorship_add(
    *, actor: User | None, sponsor: ExecutiveSponsor, business_unit: BusinessUnit
) -> Sponsorship:
    """Add the unit to the sponsor's portfolio, with sign-off rights on it."""
    with transaction.atomic():
        sponsorship, created = Sponsorship.objects.get_or_create(
            sponsor=sponsor, business_unit=business_unit
        )
        if created:
            audit.record(
                audit.Event.SPONSORSHIP_ADDED,
                actor=actor,
                obj=sponsorship,
                new={"sponsor": sponsor.user.get_username(), "business_unit": business_unit.slug},
            )
            access.sync_unit_permissions(user=sponsor.user, actor=actor, units=[business_unit])
    return sponsorship


def sponsorship_remove(
    *, actor: User | None, sponsor: ExecutiveSponsor, business_unit: BusinessUnit
) -> None:
    with transaction.atomic():
        sponsorship = Sponsorship.objects.filter(
            sponsor=sponsor, business_unit=business_unit
        ).first()
        if sponsorship is None:
            return
        audit.record(
            audit.Event.SPONSORSHIP_REMOVED,
            actor=actor,
            obj=sponsorship,
            old={"sponsor": sponsor.user.get_username(), "business_unit": business_unit.slug},
        )
        sponsorship.delete()
        access.sync_unit_permissions(user=sponsor.user, actor=actor, units=[business_unit])


def delegation_create(
    *,
    actor: User,
    delegate: User,
    starts_on: datetime.date,
    ends_on: datetime.date,
    reason: str = "",
) -> Delegation:
    """The actor, a sponsor, hands their sign-off to `delegate` for the dates.

    Raises PermissionDenied when the actor is not a sponsor (so a delegate,
    who holds no sign-off of their own, cannot pass one on), ValidationError
    for a delegation to oneself, to an inactive user, or with dates that end
    before they start or in the past.
    """
    sponsor = ExecutiveSponsor.objects.filter(user=actor).first()
    if sponsor is None:
        raise PermissionDenied(gettext("Only an executive sponsor can delegate their sign-off."))
    errors = {}
    if delegate.pk == actor.pk:
        errors["delegate"] = "You cannot delegate to yourself."
    elif not delegate.is_active:
        errors["delegate"] = "This user is inactive."
    if ends_on < starts_on:
        errors["ends_on"] = "The delegation ends before it starts."
    elif ends_on < timezone.localdate():
        errors["ends_on"] = "The delegation would be over already."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        delegation = Delegation.objects.create(
            sponsor=sponsor,
            delegate=delegate,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason.strip(),
        )
        audit.record(
            audit.Event.DELEGATION_CREATED,
            actor=actor,
            obj=delegation,
            new={
                "sponsor": actor.get_username(),
                "delegate": delegate.get_username(),
                "starts_on": starts_on,
                "ends_on": ends_on,
                "reason": delegation.reason,
            },
        )
    return delegation


def delegation_end(*, actor: User, delegation: Delegation) -> Delegation:
    """End a delegation now. Only its sponsor may; ending twice is a conflict."""
    if delegation.sponsor.user_id != actor.pk:
        raise PermissionDenied(gettext("Only the sponsor who delegated can end the delegation."))
    with transaction.atomic():
        locked = Delegation.objects.select_for_update().get(pk=delegation.pk)
        if locked.ended_at is not None or locked.ends_on < timezone.localdate():
            raise Conflict(gettext("This delegation has already ended."))
        locked.ended_at = timezone.now()
        locked.save(update_fields=["ended_at"])
        audit.record(
            audit.Event.DELEGATION_ENDED,
            actor=actor,
            obj=locked,
            new={"ended_at": locked.ended_at},
        )
    return locked


def scoring_weights_set(*, actor: User, weights: dict[str, Decimal]) -> dict[str, Decimal]:
    """Change the weights of the priority score. CoE lead only (PermissionDenied);
    unknown criteria or negative weights raise ValidationError."""
    if not OrganizationRole.objects.filter(
        user=actor, role=OrganizationRole.Role.COE_LEAD
    ).exists():
        raise PermissionDenied(gettext("Only the CoE lead sets the scoring weights."))
    unknown = set(weights) - set(ScoringCriterion.Key.values)
    if unknown:
        raise ValidationError({key: gettext("Unknown criterion.") for key in sorted(unknown)})
    negative = {key: "A weight cannot be negative." for key, w in weights.items() if w < 0}
    if negative:
        raise ValidationError(negative)
    with transaction.atomic():
        current = {c.key: c for c in ScoringCriterion.objects.select_for_update()}
        old, new = {}, {}
        for key, weight in weights.items():
            criterion = current.get(key) or ScoringCriterion(key=key, weight=weight)
            if criterion.pk is None or criterion.weight != weight:
                old[key] = None if criterion.pk is None else criterion.weight
                new[key] = weight
                criterion.weight = weight
                criterion.save()
                current[key] = criterion
        if new:
            audit.record(
                audit.Event.SCORING_WEIGHTS_CHANGED,
                actor=actor,
                obj=current[next(iter(new))],
                old=old,
                new=new,
            )
    return {key: c.weight for key, c in sorted(current.items())}


def notifications_set(*, actor: User, email_enabled: bool) -> NotificationPreference:
    """Switch the actor's own email notifications on or off."""
    with transaction.atomic():
        preference, _ = NotificationPreference.objects.select_for_update().get_or_create(user=actor)
        if preference.email_enabled != email_enabled:
            preference.email_enabled = email_enabled
            preference.save(update_fields=["email_enabled"])
            audit.record(
                audit.Event.NOTIFICATIONS_CHANGED,
                actor=actor,
                obj=preference,
                new={"email_enabled": email_enabled},
            )
    return preference
