"""Writes to the registry of social accounts. Each function is one act: it
checks the actor's right, changes the account, writes its history row and its
audit event in one transaction, and tells the people concerned after commit."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy
from django_fsm import TransitionNotAllowed

from governance import access, audit, history, transitions
from governance.errors import Conflict, UnknownAction
from governance.models import BusinessUnit
from governance.signals import notify
from initiatives.models import Initiative
from policies.models import Policy
from social_accounts import selectors
from social_accounts.models import CLOSED_STATES, Channel, Reassignment, SocialAccount, State

# The audit event of each transition.
TRANSITION_EVENTS = {
    "approve": audit.Event.SOCIAL_ACCOUNT_APPROVED,
    "reject": audit.Event.SOCIAL_ACCOUNT_REJECTED,
    "activate": audit.Event.SOCIAL_ACCOUNT_ACTIVATED,
    "mark_dormant": audit.Event.SOCIAL_ACCOUNT_MARKED_DORMANT,
    "reactivate": audit.Event.SOCIAL_ACCOUNT_REACTIVATED,
    "retire": audit.Event.SOCIAL_ACCOUNT_RETIRED,
}

# Notification event names (inbox kinds).
DECIDED = "social_account.decided"
RECERTIFICATION_OVERDUE = "reminder.account_recertification"
DORMANT = "social_account.dormant"
REASSIGNED = "social_account.reassigned"

EDITABLE_FIELDS = ("channel", "handle", "url", "purpose", "policies")


def _lock(account: SocialAccount) -> SocialAccount:
    """Re-read the account under a row lock, so that the state we decide on is
    the state we change."""
    return (
        SocialAccount.objects.select_for_update(of=("self",))
        .select_related("business_unit", "owner", "backup_owner")
        .get(pk=account.pk)
    )


def _check_people(owner: User, backup_owner: User | None) -> None:
    errors: dict[str, str] = {}
    if not owner.is_active:
        errors["owner"] = gettext("The owner must be an active user.")
    if backup_owner is not None:
        if not backup_owner.is_active:
            errors["backup_owner"] = gettext("The backup owner must be an active user.")
        elif backup_owner.pk == owner.pk:
            errors["backup_owner"] = gettext("The backup owner must be someone else.")
    if errors:
        raise ValidationError(errors)


def _check_fields(*, channel: str, handle: str) -> str:
    errors: dict[str, str] = {}
    if channel not in Channel.values:
        errors["channel"] = gettext("Choose a channel from the list.")
    handle = handle.strip()
    if not handle:
        errors["handle"] = gettext("Name the account's handle or address.")
    if errors:
        raise ValidationError(errors)
    return handle


def _check_initiatives(unit_id: int, initiatives: Iterable[Initiative]) -> list[Initiative]:
    found = list(initiatives)
    if any(i.business_unit_id != unit_id for i in found):
        raise ValidationError(
            {"initiatives": gettext("An account serves the initiatives of its own unit.")}
        )
    return found


def _save(account: SocialAccount) -> None:
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError as error:
        raise ValidationError(
            {"handle": gettext("This account is already in the registry.")}
        ) from error


def account_request(
    *,
    actor: User,
    business_unit: BusinessUnit,
    channel: str,
    handle: str,
    owner: User,
    url: str = "",
    backup_owner: User | None = None,
    purpose: str = "",
    initiatives: Iterable[Initiative] = (),
    policies: Iterable[Policy] = (),
) -> SocialAccount:
    """Ask the CoE for a new account of the unit (state: requested).

    Needs the right to propose in the unit (PermissionDenied). Raises
    ValidationError naming the field for an unknown channel, an empty handle,
    a handle the registry holds already, an inactive owner or backup owner,
    the owner as their own backup, and initiatives of another unit.
    """
    if access.PROPOSE not in selectors.unit_codenames(actor, business_unit.pk):
        raise PermissionDenied(gettext("You may not request accounts for this unit."))
    handle = _check_fields(channel=channel, handle=handle)
    _check_people(owner, backup_owner)
    linked = _check_initiatives(business_unit.pk, initiatives)
    with transaction.atomic():
        account = SocialAccount(
            business_unit=business_unit,
            channel=channel,
            handle=handle,
            url=url,
            owner=owner,
            backup_owner=backup_owner,
            purpose=purpose,
            requested_by=actor,
        )
        history.stamp(account, actor, "requested")
        try:
            with transaction.atomic():
                history.create(account, {"initiatives": linked, "policies": list(policies)})
        except IntegrityError as error:
            raise ValidationError(
                {"handle": gettext("This account is already in the registry.")}
            ) from error
        audit.record(
            audit.Event.SOCIAL_ACCOUNT_REQUESTED,
            actor=actor,
            obj=account,
            new={
                "channel": channel,
                "handle": handle,
                "business_unit": business_unit.pk,
                "owner": owner.pk,
                "backup_owner": backup_owner.pk if backup_owner else None,
                "initiatives": [i.pk for i in linked],
            },
        )
    return account


def account_update(*, actor: User, account: SocialAccount, **changes: Any) -> SocialAccount:
    """Change an account's channel, handle, address, purpose or policies.

    PermissionDenied unless the actor may edit it (selectors.may_edit: unit
    staff, its owners, the CoE); Conflict once it is rejected or retired;
    ValidationError naming the field for bad values.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: gettext("This field cannot be changed.") for name in unknown})
    with transaction.atomic():
        locked = _lock(account)
        if locked.state in CLOSED_STATES:
            raise Conflict(
                gettext("An account that is %(state)s cannot be edited.")
                % {"state": locked.get_state_display().lower()}
            )
        if not selectors.may_edit(actor, locked):
            raise PermissionDenied(gettext("You may not edit this account."))
        old: dict[str, Any] = {}
        new: dict[str, Any] = {}
        policies = changes.pop("policies", None)
        for name, value in changes.items():
            if getattr(locked, name) != value:
                old[name], new[name] = getattr(locked, name), value
                setattr(locked, name, value)
        locked.handle = _check_fields(channel=locked.channel, handle=locked.handle)
        if policies is not None:
            before = sorted(locked.policies.values_list("pk", flat=True))
            after = sorted(p.pk for p in policies)
            if before != after:
                old["policies"], new["policies"] = before, after
                history.set_relation(locked, "policies", policies)
        if not new:
            return locked
        history.stamp(locked, actor, "updated")
        _save(locked)
        audit.record(audit.Event.SOCIAL_ACCOUNT_UPDATED, actor=actor, obj=locked, old=old, new=new)
    return locked


def account_transition(
    *, actor: User | None, account: SocialAccount, name: str, comment: str = ""
) -> SocialAccount:
    """Take transition `name` on the account, as `actor` (None: the system,
    for dormancy, which needs no right).

    Checks, in this order: the transition exists (UnknownAction), the actor has
    the right (PermissionDenied), the state allows it (TransitionNotAllowed),
    a required comment is given (ValidationError). Activating starts the
    recertification cycle. Decisions on a request are told to the requester
    and the owners.
    """
    if name not in selectors.TRANSITIONS:
        raise UnknownAction(f"No transition named {name!r}.")
    with transaction.atomic():
        locked = _lock(account)
        act = transitions.begin(
            actor,
            locked,
            name,
            comment=comment,
            refused=gettext_lazy("Cannot %(action)s an account that is %(state)s."),
        )
        if name == "activate":
            act.take(selectors.recertification_due_from(timezone.localdate()))
        else:
            act.take()
        act.stamp()
        locked.save()
        act.record(TRANSITION_EVENTS[name])
        _tell_of_transition(locked, name, actor)
    return locked


def _tell_of_transition(account: SocialAccount, name: str, actor: User | None) -> None:
    if name in ("approve", "reject"):
        recipients = {account.requested_by, account.owner}
        text = (
            gettext_lazy("The CoE approved the account “{object}”.")
            if name == "approve"
            else gettext_lazy("The CoE rejected the account “{object}”.")
        )
        event = DECIDED
    elif name == "mark_dormant":
        recipients = {account.owner, *([account.backup_owner] if account.backup_owner else [])}
        text = gettext_lazy(
            "The account “{object}” is dormant: no initiative uses it and nobody recertified it."
        )
        event = DORMANT
    else:
        return
    recipients = {u for u in recipients if u.is_active and (actor is None or u.pk != actor.pk)}
    if recipients:
        notify.send(
            sender=SocialAccount,
            recipients=sorted(recipients, key=lambda u: u.pk),
            actor=actor,
            target=account,
            event=event,
            text=format_lazy(text, object=str(account)),
        )


def account_recertify(*, actor: User, account: SocialAccount, comment: str = "") -> SocialAccount:
    """The actor states that the account still exists, serves its purpose and
    has the right owners: the next recertification is due a cycle from today.
    A dormant account becomes active again.

    PermissionDenied unless the actor owns or backs up the account, leads its
    unit or is the CoE lead; Conflict unless it is active or dormant.
    """
    with transaction.atomic():
        locked = _lock(account)
        if locked.state not in (State.ACTIVE, State.DORMANT):
            raise Conflict(
                gettext("An account that is %(state)s is not recertified.")
                % {"state": locked.get_state_display().lower()}
            )
        if not selectors.may_recertify(actor, locked):
            raise PermissionDenied(gettext("You may not recertify this account."))
        if locked.state == State.DORMANT:
            account_transition(actor=actor, account=locked, name="reactivate", comment=comment)
            locked = _lock(account)
        old_due = locked.recertification_due
        locked.last_recertified_at = timezone.now()
        locked.recertification_due = selectors.recertification_due_from(timezone.localdate())
        locked.reminded_at = None
        history.stamp(locked, actor, "recertified")
        locked.save()
        audit.record(
            audit.Event.SOCIAL_ACCOUNT_RECERTIFIED,
            actor=actor,
            obj=locked,
            old={"recertification_due": old_due},
            new={"recertification_due": locked.recertification_due},
            comment=comment.strip(),
        )
    return locked


def account_reassign(
    *,
    actor: User,
    account: SocialAccount,
    owner: User,
    backup_owner: User | None,
    comment: str = "",
) -> SocialAccount:
    """Hand the account to another owner and backup owner, and tell them.

    PermissionDenied unless the actor leads the unit or is the CoE lead;
    Conflict for a rejected or retired account; ValidationError for an
    inactive owner or backup, or the owner as their own backup.
    """
    _check_people(owner, backup_owner)
    with transaction.atomic():
        locked = _lock(account)
        if locked.state in CLOSED_STATES:
            raise Conflict(
                gettext("An account that is %(state)s is not reassigned.")
                % {"state": locked.get_state_display().lower()}
            )
        if not selectors.may_reassign(actor, locked):
            raise PermissionDenied(gettext("You may not reassign this account."))
        old = {"owner": locked.owner_id, "backup_owner": locked.backup_owner_id}
        new = {"owner": owner.pk, "backup_owner": backup_owner.pk if backup_owner else None}
        if old == new:
            return locked
        locked.owner, locked.backup_owner = owner, backup_owner
        history.stamp(locked, actor, "reassigned")
        locked.save()
        audit.record(
            audit.Event.SOCIAL_ACCOUNT_REASSIGNED,
            actor=actor,
            obj=locked,
            old=old,
            new=new,
            comment=comment.strip(),
        )
        newcomers = [u for u in (owner, backup_owner) if u is not None and u.pk not in old.values()]
        if newcomers:
            notify.send(
                sender=SocialAccount,
                recipients=newcomers,
                actor=actor,
                target=locked,
                event=REASSIGNED,
                text=format_lazy(
                    gettext_lazy("You are now responsible for the account “{object}”."),
                    object=str(locked),
                ),
            )
    return locked


def account_initiatives_set(
    *, actor: User, account: SocialAccount, initiatives: Iterable[Initiative]
) -> SocialAccount:
    """Name the initiatives that use the account (the CoE's match of an
    initiative's free-text channels, or the owners' own list).

    PermissionDenied unless the actor may edit the account; Conflict once it is
    closed; ValidationError for initiatives of another unit.
    """
    with transaction.atomic():
        locked = _lock(account)
        if locked.state in CLOSED_STATES:
            raise Conflict(
                gettext("An account that is %(state)s cannot be edited.")
                % {"state": locked.get_state_display().lower()}
            )
        if not selectors.may_link_initiatives(actor, locked):
            raise PermissionDenied(gettext("You may not edit this account."))
        linked = _check_initiatives(locked.business_unit_id, initiatives)
        before = sorted(locked.initiatives.values_list("pk", flat=True))
        after = sorted({i.pk for i in linked})
        if before == after:
            return locked
        history.set_relation(locked, "initiatives", linked)
        history.stamp(locked, actor, "initiatives")
        locked.save()
        audit.record(
            audit.Event.SOCIAL_ACCOUNT_INITIATIVES_CHANGED,
            actor=actor,
            obj=locked,
            old={"initiatives": before},
            new={"initiatives": after},
        )
    return locked


def account_link_initiative(
    *, actor: User, account: SocialAccount, initiative: Initiative
) -> SocialAccount:
    """Add one initiative to those that use the account (see account_initiatives_set)."""
    current = list(account.initiatives.all())
    if initiative in current:
        return account
    return account_initiatives_set(actor=actor, account=account, initiatives=[*current, initiative])


# The periodic job: reminders of overdue recertifications, and dormancy.

REMIND_EVERY_DAYS = 7


def accounts_remind_overdue(*, today: datetime.date) -> int:
    """Remind the owners of each overdue account (in-app, and by email where
    they chose it), at most once a week per account. Returns the accounts reminded."""
    cutoff = timezone.now() - datetime.timedelta(days=REMIND_EVERY_DAYS)
    due = (
        selectors.overdue_accounts(today=today)
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=cutoff))
        .select_related("owner", "backup_owner")
    )
    count = 0
    for account in due:
        with transaction.atomic():
            recipients = [
                u for u in (account.owner, account.backup_owner) if u is not None and u.is_active
            ]
            SocialAccount.objects.filter(pk=account.pk).update(reminded_at=timezone.now())
            if recipients:
                notify.send(
                    sender=SocialAccount,
                    recipients=recipients,
                    actor=None,
                    target=account,
                    event=RECERTIFICATION_OVERDUE,
                    text=format_lazy(
                        gettext_lazy(
                            "The account “{object}” was due for recertification on {due}."
                        ),
                        object=str(account),
                        due=account.recertification_due.isoformat()
                        if account.recertification_due
                        else "",
                    ),
                )
        count += 1
    return count


def accounts_mark_dormant(*, today: datetime.date) -> int:
    """Mark dormant every active account that no running initiative uses and
    nobody recertified for ACCOUNT_DORMANT_MONTHS (an audited transition by
    the system). Returns how many."""
    count = 0
    for account in selectors.dormancy_candidates(today=today):
        try:
            account_transition(actor=None, account=account, name="mark_dormant")
        except TransitionNotAllowed:
            continue  # changed meanwhile
        count += 1
    return count


# Deactivated users: their accounts and open items wait on the CoE's inbox.


def reassignment_open(*, user: User) -> Reassignment | None:
    """List a deactivated user's accounts and open items for the CoE, once
    (an open reassignment of the same user is kept). Nothing when they hold
    nothing. Must run inside the transaction that deactivated them."""
    if not selectors.holds_anything(user=user):
        return None
    existing = Reassignment.objects.filter(user=user, resolved_at__isnull=True).first()
    if existing is not None:
        return existing
    reassignment = Reassignment.objects.create(user=user)
    audit.record(
        audit.Event.REASSIGNMENT_OPENED,
        actor=None,
        obj=reassignment,
        new={
            "user": user.pk,
            "accounts": list(selectors.accounts_held(user=user).values_list("pk", flat=True)),
        },
    )
    return reassignment


def reassignment_resolve(
    *, actor: User, reassignment: Reassignment, comment: str = ""
) -> Reassignment:
    """The CoE lead marks a reassignment done. PermissionDenied for anyone else;
    Conflict when it is done already, or while the user still owns or backs up
    an account that is not closed (reassign those first)."""
    if not selectors.is_coe_lead(actor):
        raise PermissionDenied(gettext("Only the CoE lead completes reassignments."))
    with transaction.atomic():
        locked = Reassignment.objects.select_for_update().get(pk=reassignment.pk)
        if locked.resolved_at is not None:
            raise Conflict(gettext("This reassignment is complete already."))
        if selectors.accounts_held(user=locked.user).exists():
            raise Conflict(gettext("Reassign every account this person still holds first."))
        locked.resolved_at = timezone.now()
        locked.resolved_by = actor
        locked.save(update_fields=["resolved_at", "resolved_by"])
        audit.record(
            audit.Event.REASSIGNMENT_RESOLVED, actor=actor, obj=locked, comment=comment.strip()
        )
    return locked


def on_user_saved(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    """Receiver of post_save for users: a user who was active and is no longer
    (through any service or the admin) gets a reassignment for the CoE."""
    was_active = getattr(instance, "_was_active", None)
    if created or not was_active or instance.is_active:
        return
    with transaction.atomic():
        reassignment_open(user=instance)


def on_user_saving(sender: Any, instance: User, update_fields: Any = None, **kwargs: Any) -> None:
    """Receiver of pre_save for users: remember whether they were active."""
    if instance.pk is None or (update_fields is not None and "is_active" not in update_fields):
        instance._was_active = None  # type: ignore[attr-defined]
        return
    instance._was_active = (  # type: ignore[attr-defined]
        User.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
    )
