"""Writes to executive sponsors and their portfolios."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from governance import access, audit
from governance.errors import Conflict
from governance.models import BusinessUnit, OrganizationRole
from initiatives import scoring
from initiatives.models import ScoringCriterion
from sponsors.models import (
    Delegation,
    ExecutiveSponsor,
    NotificationKind,
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
        errors["delegate"] = gettext("You cannot delegate to yourself.")
    elif not delegate.is_active:
        errors["delegate"] = gettext("This user is inactive.")
    if ends_on < starts_on:
        errors["ends_on"] = gettext("The delegation ends before it starts.")
    elif ends_on < timezone.localdate():
        errors["ends_on"] = gettext("The delegation would be over already.")
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
    unknown criteria or negative weights raise ValidationError. A change stores
    every initiative's new score in the same transaction (one UPDATE)."""
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
            scoring.scores_refresh()
            audit.record(
                audit.Event.SCORING_WEIGHTS_CHANGED,
                actor=actor,
                obj=current[next(iter(new))],
                old=old,
                new=new,
            )
    return {key: c.weight for key, c in sorted(current.items())}


def notifications_set(
    *,
    actor: User,
    email_enabled: bool | None = None,
    kinds: dict[str, bool] | None = None,
    language: str | None = None,
) -> NotificationPreference:
    """Change the actor's own notification choices: email at all, email per
    kind (NotificationKind values) and the language of their emails and
    notifications ("" for the site's). What is None stays as it is. Records
    one audit event for the email choices and one for the language, each only
    when it changes. Raises ValidationError for an unknown kind or language."""
    kinds = kinds or {}
    unknown = set(kinds) - set(NotificationKind.values)
    if unknown:
        raise ValidationError({key: gettext("Unknown kind of notification.") for key in unknown})
    if language is not None and language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": gettext("Choose one of the languages offered.")})
    with transaction.atomic():
        preference, _ = NotificationPreference.objects.select_for_update().get_or_create(user=actor)
        wanted = {f"email_{kind}": bool(value) for kind, value in kinds.items()}
        if email_enabled is not None:
            wanted["email_enabled"] = email_enabled
        changed = {
            field: value for field, value in wanted.items() if getattr(preference, field) != value
        }
        old_language = preference.language
        for field, value in changed.items():
            setattr(preference, field, value)
        if language is not None:
            preference.language = language
        if changed or preference.language != old_language:
            preference.save()
        if changed:
            audit.record(
                audit.Event.NOTIFICATIONS_CHANGED, actor=actor, obj=preference, new=changed
            )
        if preference.language != old_language:
            audit.record(
                audit.Event.USER_LANGUAGE_CHANGED,
                actor=actor,
                obj=preference,
                old={"language": old_language},
                new={"language": preference.language},
            )
    return preference


def languages(*, user_ids: list[int]) -> dict[int, str]:
    """The language each of the users chose, for governance.registry.user_languages."""
    return dict(
        NotificationPreference.objects.filter(user_id__in=user_ids)
        .exclude(language="")
        .values_list("user_id", "language")
    )
