"""Reads of the registry of social accounts. Anyone who sees a business unit
sees its accounts (the CoE and auditors see every unit)."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils import timezone

from governance import access, transitions
from governance.models import OrganizationRole
from governance.registry import Registry, UserLike
from initiatives.models import Initiative
from initiatives.models import State as InitiativeState
from policies.models import Policy, add_months
from policies.models import State as PolicyState
from social_accounts.models import CLOSED_STATES, LIVE_STATES, Reassignment, SocialAccount, State

TRANSITIONS: dict[str, transitions.Rule] = transitions.rules(SocialAccount)

# Initiatives that keep an account in use: it does not become dormant while one runs.
RUNNING_INITIATIVE_STATES = (InitiativeState.ACTIVE, InitiativeState.PAUSED)
# Initiatives a deactivated owner still holds (not finished one way or another).
OPEN_INITIATIVE_STATES = tuple(
    s
    for s in InitiativeState
    if s not in (InitiativeState.REJECTED, InitiativeState.COMPLETED, InitiativeState.WITHDRAWN)
)


def account_visibility(*, user: UserLike, unit: str = "business_unit_id") -> Q:
    """Which accounts the user may see, as a condition on a unit column: those
    of the units they see. Search reads it on its documents, which keep the
    account's unit."""
    return Q(**{f"{unit}__in": access.visible_unit_ids(user)})


def visible_accounts(*, user: UserLike) -> QuerySet[SocialAccount]:
    """The accounts of the units the user sees, with what every list shows."""
    return SocialAccount.objects.filter(account_visibility(user=user)).select_related(
        "business_unit", "owner", "backup_owner"
    )


def account_list(
    *,
    user: UserLike,
    state: str = "",
    business_unit: int | None = None,
    channel: str = "",
    overdue: bool = False,
    today: datetime.date | None = None,
) -> QuerySet[SocialAccount]:
    accounts = visible_accounts(user=user)
    if state:
        accounts = accounts.filter(state=state)
    if business_unit:
        accounts = accounts.filter(business_unit_id=business_unit)
    if channel:
        accounts = accounts.filter(channel=channel)
    if overdue:
        accounts = overdue_accounts(accounts=accounts, today=today)
    return accounts.order_by("channel", "handle", "id")


def recertification_due_from(day: datetime.date) -> datetime.date:
    """When an account recertified (or activated) on `day` is due again."""
    return add_months(day, settings.ACCOUNT_RECERTIFY_MONTHS)


def overdue_accounts(
    *, accounts: QuerySet[SocialAccount] | None = None, today: datetime.date | None = None
) -> QuerySet[SocialAccount]:
    """Live accounts whose recertification is past due."""
    today = today or timezone.localdate()
    accounts = SocialAccount.objects.all() if accounts is None else accounts
    return accounts.filter(state__in=LIVE_STATES, recertification_due__lt=today)


def due_soon_accounts(*, today: datetime.date, within_days: int = 30) -> QuerySet[SocialAccount]:
    """Live accounts due for recertification within the next days, not yet overdue."""
    return SocialAccount.objects.filter(
        state__in=LIVE_STATES,
        recertification_due__gte=today,
        recertification_due__lte=today + datetime.timedelta(days=within_days),
    )


def dormancy_candidates(*, today: datetime.date) -> QuerySet[SocialAccount]:
    """Active accounts that no running initiative uses and nobody recertified
    for ACCOUNT_DORMANT_MONTHS."""
    cutoff = add_months(today, -settings.ACCOUNT_DORMANT_MONTHS)
    in_use = Initiative.objects.filter(
        state__in=RUNNING_INITIATIVE_STATES, social_accounts__isnull=False
    ).values("social_accounts")
    return (
        SocialAccount.objects.filter(state=State.ACTIVE)
        .filter(Q(last_recertified_at__isnull=True) | Q(last_recertified_at__date__lt=cutoff))
        .exclude(pk__in=in_use)
    )


def is_coe_lead(user: UserLike) -> bool:
    return OrganizationRole.Role.COE_LEAD in access.organization_roles(user)


def is_coe(user: UserLike) -> bool:
    return bool(
        access.organization_roles(user)
        & {OrganizationRole.Role.COE_LEAD, OrganizationRole.Role.COE_MEMBER}
    )


def unit_codenames(user: UserLike, unit_id: int) -> frozenset[str]:
    """The user's rights on one unit, from the cached table (no query after the first)."""
    return frozenset(c for c, ids in access.unit_rights(user).items() if unit_id in ids)


def may_edit(user: UserLike, account: SocialAccount) -> bool:
    """Unit staff, the owners and the CoE edit an account until it is closed."""
    if account.state in CLOSED_STATES:
        return False
    rights = unit_codenames(user, account.business_unit_id)
    return bool(
        rights & {access.PROPOSE, access.LEAD, access.REVIEW, access.DECIDE}
        or user.pk in account.owners()
    )


def may_recertify(user: UserLike, account: SocialAccount) -> bool:
    """The owners, the unit's leads and the CoE lead recertify a live account."""
    return account.state in LIVE_STATES and holds_recertify_right(user, account)


def holds_recertify_right(user: UserLike, account: SocialAccount) -> bool:
    rights = unit_codenames(user, account.business_unit_id)
    return bool(rights & {access.LEAD, access.DECIDE} or user.pk in account.owners())


def may_link_initiatives(user: UserLike, account: SocialAccount) -> bool:
    """The CoE matches initiatives' channels to accounts; the unit's staff and
    the owners name the initiatives that use their account."""
    return may_edit(user, account)


def may_reassign(user: UserLike, account: SocialAccount) -> bool:
    """The unit's leads and the CoE lead hand an account to other owners."""
    return account.state not in CLOSED_STATES and holds_reassign_right(user, account)


def holds_reassign_right(user: UserLike, account: SocialAccount) -> bool:
    return bool(unit_codenames(user, account.business_unit_id) & {access.LEAD, access.DECIDE})


def accounts_for_initiative(*, initiative: Initiative) -> list[SocialAccount]:
    """The registered accounts an initiative uses, in one query."""
    return list(
        initiative.social_accounts.select_related("business_unit", "owner").order_by(
            "channel", "handle"
        )
    )


def matching_accounts(*, initiative: Initiative) -> list[SocialAccount]:
    """Registered live accounts of the initiative's unit that its free-text
    channels name (by channel name or handle), not yet linked: suggestions for
    the CoE's match."""
    names = {str(n).strip().lower().lstrip("@") for n in initiative.channels or []}
    if not names:
        return []
    candidates = (
        SocialAccount.objects.filter(business_unit_id=initiative.business_unit_id)
        .exclude(state__in=CLOSED_STATES)
        .exclude(initiatives=initiative)
        .order_by("channel", "handle")
    )
    return [
        account
        for account in candidates
        if account.channel in names
        or account.get_channel_display().lower() in names
        or account.handle.lower().lstrip("@") in names
    ]


# What a deactivated user still holds, by kind: each entry reads the open
# items of one user as (label, url) pairs. Apps higher up (incidents) register theirs.
@dataclass(frozen=True)
class OpenItems:
    title: Any
    read: Callable[[User], Iterable[tuple[str, str]]]


open_items: Registry[OpenItems] = Registry()


def accounts_held(*, user: User) -> QuerySet[SocialAccount]:
    """The accounts, not closed, that the user owns or backs up."""
    return (
        SocialAccount.objects.exclude(state__in=CLOSED_STATES)
        .filter(Q(owner=user) | Q(backup_owner=user))
        .select_related("business_unit", "owner", "backup_owner")
        .order_by("channel", "handle", "id")
    )


def initiatives_held(*, user: User) -> QuerySet[Initiative]:
    return (
        Initiative.objects.filter(owner=user, state__in=OPEN_INITIATIVE_STATES)
        .select_related("business_unit")
        .order_by("title", "id")
    )


def policies_held(*, user: User) -> QuerySet[Policy]:
    return Policy.objects.filter(owner=user).exclude(state=PolicyState.RETIRED).order_by("title")


def holds_anything(*, user: User) -> bool:
    return (
        accounts_held(user=user).exists()
        or initiatives_held(user=user).exists()
        or policies_held(user=user).exists()
        or any(any(True for _ in entry.read(user)) for entry in open_items)
    )


def open_reassignments() -> QuerySet[Reassignment]:
    return Reassignment.objects.filter(resolved_at__isnull=True).select_related("user")
