"""Reads of playbooks and incidents. The CoE and auditors see every playbook;
unit staff see the published ones that cover their units. Whoever sees a unit
sees its incidents."""

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils import timezone

from governance import access, transitions
from governance.models import Membership, OrganizationRole
from governance.registry import UserLike
from incidents.models import (
    TIMELINE_RIGHTS,
    ContactRole,
    Incident,
    IncidentState,
    Playbook,
    PlaybookState,
    PlaybookVersion,
)
from policies.selectors import word_diff
from social_accounts.models import SocialAccount
from sponsors.models import ExecutiveSponsor

PLAYBOOK_TRANSITIONS: dict[str, transitions.Rule] = transitions.rules(Playbook)
INCIDENT_TRANSITIONS: dict[str, transitions.Rule] = transitions.rules(Incident)


def sees_all_playbooks(*, user: UserLike) -> bool:
    return access.VIEW_ALL_POLICIES in access.organization_rights(user)


def visible_playbooks(*, user: UserLike) -> QuerySet[Playbook]:
    playbooks = Playbook.objects.select_related("owner")
    if sees_all_playbooks(user=user):
        return playbooks
    units = access.visible_unit_ids(user)
    if not units:
        return playbooks.none()
    return (
        playbooks.filter(version__gt=0)
        .filter(Q(business_units__isnull=True) | Q(business_units__in=units))
        .distinct()
    )


def in_force(*, on: datetime.date | None = None) -> list[PlaybookVersion]:
    """The version in force of each playbook on the day (newest published and
    effective, of a playbook not retired by then), in one query."""
    day = on or timezone.localdate()
    versions = (
        PlaybookVersion.objects.filter(effective_date__lte=day)
        .exclude(playbook__retired_at__date__lte=day)
        .select_related("playbook")
        .order_by("playbook_id", "-version")
    )
    newest: dict[int, PlaybookVersion] = {}
    for version in versions:
        newest.setdefault(version.playbook_id, version)
    return list(newest.values())


def playbook_for(*, unit_id: int, account_ids: set[int]) -> PlaybookVersion | None:
    """The version in force that covers the unit and accounts: one naming the
    accounts before one covering every account, a unit's own before one for
    every unit, then the newest."""
    covering = [v for v in in_force() if v.covers(unit_id=unit_id, account_ids=account_ids)]
    if not covering:
        return None
    covering.sort(
        key=lambda v: (bool(v.account_ids), bool(v.unit_ids), v.published_at), reverse=True
    )
    return covering[0]


def version_in_force(*, playbook: Playbook) -> PlaybookVersion | None:
    day = timezone.localdate()
    if playbook.retired_at is not None and timezone.localdate(playbook.retired_at) <= day:
        return None
    return playbook.versions.filter(effective_date__lte=day).order_by("-version").first()


def contacts_for(
    *, version: PlaybookVersion, severity: str, unit_id: int, accounts: list[SocialAccount]
) -> list[User]:
    """Exactly the active people the version names at the severity: named
    people, their backups, and the holders of the roles it names (for the
    incident's unit and accounts)."""
    ids: set[int] = set()
    for contact in version.contacts:
        if contact["severity"] != severity:
            continue
        ids |= {pk for pk in (contact.get("person"), contact.get("backup")) if pk}
        role = contact.get("role")
        if role == ContactRole.COE_LEAD:
            ids |= set(
                OrganizationRole.objects.filter(role=OrganizationRole.Role.COE_LEAD).values_list(
                    "user_id", flat=True
                )
            )
        elif role == ContactRole.UNIT_LEAD:
            ids |= set(
                Membership.objects.filter(
                    business_unit_id=unit_id, role=Membership.Role.LEAD
                ).values_list("user_id", flat=True)
            )
        elif role == ContactRole.SPONSOR:
            ids |= set(
                ExecutiveSponsor.objects.filter(business_units__id=unit_id).values_list(
                    "user_id", flat=True
                )
            )
        elif role == ContactRole.ACCOUNT_OWNERS:
            for account in accounts:
                ids |= account.owners()
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("username"))


def visible_incidents(*, user: UserLike) -> QuerySet[Incident]:
    """Incidents of the units the user sees, and those they were called to."""
    if not user.is_authenticated:
        return Incident.objects.none()
    return (
        Incident.objects.filter(
            Q(business_unit_id__in=access.visible_unit_ids(user)) | Q(responders=user)
        )
        .distinct()
        .select_related("business_unit", "declared_by")
    )


def incident_list(*, user: UserLike, state: str = "") -> QuerySet[Incident]:
    incidents = visible_incidents(user=user)
    if state:
        incidents = incidents.filter(state=state)
    return incidents.order_by("-declared_at", "-id")


def may_write(user: UserLike, incident: Incident) -> bool:
    """Responders, the declarer, the unit's leads and the CoE post on the
    timeline of an open incident."""
    if incident.state != IncidentState.OPEN or not user.is_authenticated:
        return False
    rights = {c for c, ids in access.unit_rights(user).items() if incident.business_unit_id in ids}
    return bool(
        rights & TIMELINE_RIGHTS
        or user.pk == incident.declared_by_id
        or incident.responders.filter(pk=user.pk).exists()
    )


def accounts_to_declare_on(*, user: UserLike) -> QuerySet[SocialAccount]:
    """The accounts of the units where the user works, not rejected or retired."""
    return (
        SocialAccount.objects.filter(
            business_unit_id__in=access.visible_unit_ids(user, access.PROPOSE)
        )
        .exclude(state__in=("rejected", "retired", "requested"))
        .select_related("business_unit")
        .order_by("business_unit__name", "channel", "handle")
    )


def playbook_diff(*, older: PlaybookVersion, newer: PlaybookVersion) -> dict[str, Any]:
    return {
        "title_changed": older.title != newer.title,
        "words": word_diff(old=older.body, new=newer.body),
        "contacts_changed": older.contacts != newer.contacts,
        "scope_changed": (older.unit_ids, older.account_ids) != (newer.unit_ids, newer.account_ids),
    }


def open_items_of(user: User) -> list[tuple[str, str]]:
    """Open incidents the user responds to, and playbooks they own (for a
    reassignment when they are deactivated)."""
    from django.urls import reverse

    items = [
        (str(i), reverse("incidents:detail", args=[i.pk]))
        for i in Incident.objects.filter(responders=user, state=IncidentState.OPEN)
    ]
    items += [
        (str(p), reverse("incidents:playbook", args=[p.pk]))
        for p in Playbook.objects.filter(owner=user).exclude(state=PlaybookState.RETIRED)
    ]
    return items
