"""Writes to executive sponsors and their portfolios."""

from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from governance import access, audit
from governance.models import BusinessUnit
from sponsors.models import ExecutiveSponsor, Sponsorship


def sponsor_set(
    *, actor: AbstractBaseUser | None, user: AbstractBaseUser, approval_threshold: Decimal
) -> ExecutiveSponsor:
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
    *, actor: AbstractBaseUser | None, sponsor: ExecutiveSponsor, business_unit: BusinessUnit
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
    *, actor: AbstractBaseUser | None, sponsor: ExecutiveSponsor, business_unit: BusinessUnit
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
