"""Writes to identity: the group-to-role mapping, the roles a single sign-on
brings, and API tokens. Each in one transaction with its audit events."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from governance import access, audit
from governance import services as org_services
from governance.errors import Conflict
from governance.models import BusinessUnit, Membership, OrganizationRole
from identity.models import ApiToken, MappedRole, RoleMapping
from sponsors import services as sponsor_services
from sponsors.models import ExecutiveSponsor, Sponsorship

_ORGANIZATION = {
    MappedRole.COE_LEAD: OrganizationRole.Role.COE_LEAD,
    MappedRole.COE_MEMBER: OrganizationRole.Role.COE_MEMBER,
    MappedRole.AUDITOR: OrganizationRole.Role.AUDITOR,
}


def may_edit_role_mappings(user: User) -> bool:
    """The CoE lead keeps the mapping (and superusers, through the admin)."""
    return user.is_superuser or access.SET_CONTROLS in access.organization_rights(user)


def _require_mapping_editor(actor: User) -> None:
    if not may_edit_role_mappings(actor):
        raise PermissionDenied(gettext("Only the CoE lead may change the role mapping."))


def role_mapping_create(
    *,
    actor: User,
    group: str,
    role: MappedRole | str,
    business_unit: BusinessUnit | None = None,
    approval_threshold: Decimal | None = None,
) -> RoleMapping:
    """Members of the provider's `group` get `role` at their next sign-on.

    Raises PermissionDenied (not the CoE lead), ValidationError (a unit role
    without a unit, a sponsor without threshold, a duplicate)."""
    _require_mapping_editor(actor)
    with transaction.atomic():
        mapping = RoleMapping(
            group=group.strip(),
            role=MappedRole(role),
            business_unit=business_unit,
            approval_threshold=approval_threshold,
        )
        mapping.full_clean()
        mapping.save()
        audit.record(
            audit.Event.ROLE_MAPPING_CREATED,
            actor=actor,
            obj=mapping,
            new=_mapping_values(mapping),
        )
    return mapping


def role_mapping_delete(*, actor: User, mapping: RoleMapping) -> None:
    """Remove a mapping; its holders lose the role at their next sign-on."""
    _require_mapping_editor(actor)
    with transaction.atomic():
        audit.record(
            audit.Event.ROLE_MAPPING_DELETED, actor=actor, obj=mapping, old=_mapping_values(mapping)
        )
        mapping.delete()


def _mapping_values(mapping: RoleMapping) -> dict[str, object]:
    return {
        "group": mapping.group,
        "role": str(mapping.role),
        "business_unit": mapping.business_unit.slug if mapping.business_unit else None,
        "approval_threshold": mapping.approval_threshold,
    }


def sso_roles_sync(*, user: User, groups: Iterable[str]) -> dict[str, list[str]]:
    """Bring the user's roles in line with the provider's groups, through the
    mapping: roles a group gives are granted, roles none gives are revoked.
    Every change goes through the service an administrator would use, so each
    is its own audit event; one more event (`auth.sso_roles_synced`) names the
    groups and the changes. The actor is the system (None).

    Returns {"granted": [...], "revoked": [...]} as readable labels."""
    group_set = {g for g in groups if isinstance(g, str)}
    mappings = list(RoleMapping.objects.filter(group__in=group_set).select_related("business_unit"))
    wanted_org = {_ORGANIZATION[MappedRole(m.role)] for m in mappings if m.role in _ORGANIZATION}
    wanted_units: dict[int, Membership.Role] = {}
    for m in mappings:
        if m.role == MappedRole.UNIT_LEAD and m.business_unit_id is not None:
            wanted_units[m.business_unit_id] = Membership.Role.LEAD
    for m in mappings:
        if m.role == MappedRole.UNIT_MEMBER and m.business_unit_id is not None:
            wanted_units.setdefault(m.business_unit_id, Membership.Role.MEMBER)
    sponsored = {m.business_unit_id for m in mappings if m.role == MappedRole.SPONSOR}
    thresholds = [
        m.approval_threshold
        for m in mappings
        if m.role == MappedRole.SPONSOR and m.approval_threshold is not None
    ]
    granted: list[str] = []
    revoked: list[str] = []
    units = BusinessUnit.objects.in_bulk(
        set(wanted_units)
        | {u for u in sponsored if u is not None}
        | set(Membership.objects.filter(user=user).values_list("business_unit_id", flat=True))
        | set(
            Sponsorship.objects.filter(sponsor__user=user).values_list(
                "business_unit_id", flat=True
            )
        )
    )
    with transaction.atomic():
        held_org = {
            OrganizationRole.Role(r)
            for r in OrganizationRole.objects.filter(user=user).values_list("role", flat=True)
        }
        for org_role in sorted(wanted_org - held_org):
            org_services.organization_role_grant(actor=None, user=user, role=org_role)
            granted.append(str(org_role))
        for org_role in sorted(held_org - wanted_org):
            org_services.organization_role_revoke(actor=None, user=user, role=org_role)
            revoked.append(str(org_role))

        held_units = dict(
            Membership.objects.filter(user=user).values_list("business_unit_id", "role")
        )
        for unit_id, unit_role in sorted(wanted_units.items()):
            if held_units.get(unit_id) != unit_role:
                org_services.membership_set(
                    actor=None, user=user, business_unit=units[unit_id], role=unit_role
                )
                granted.append(f"{unit_role}:{units[unit_id].slug}")
        for unit_id in sorted(set(held_units) - set(wanted_units)):
            org_services.membership_remove(actor=None, user=user, business_unit=units[unit_id])
            revoked.append(f"{held_units[unit_id]}:{units[unit_id].slug}")

        sponsor = ExecutiveSponsor.objects.filter(user=user).first()
        if sponsored:
            sponsor = sponsor_services.sponsor_set(
                actor=None, user=user, approval_threshold=max(thresholds, default=Decimal(0))
            )
        held_sponsored = (
            set(sponsor.business_units.values_list("pk", flat=True)) if sponsor else set()
        )
        if sponsor is not None:
            for unit_id in sorted(u for u in sponsored - held_sponsored if u is not None):
                sponsor_services.sponsorship_add(
                    actor=None, sponsor=sponsor, business_unit=units[unit_id]
                )
                granted.append(f"sponsor:{units[unit_id].slug}")
            for unit_id in sorted(held_sponsored - sponsored):
                sponsor_services.sponsorship_remove(
                    actor=None, sponsor=sponsor, business_unit=units[unit_id]
                )
                revoked.append(f"sponsor:{units[unit_id].slug}")

        audit.record(
            audit.Event.SSO_ROLES_SYNCED,
            actor=None,
            obj=user,
            new={
                "user": user.get_username(),
                "groups": sorted(group_set),
                "granted": granted,
                "revoked": revoked,
            },
        )
    return {"granted": granted, "revoked": revoked}


def api_token_create(
    *, actor: User, name: str, session_expiry: datetime.datetime | None = None
) -> tuple[ApiToken, str]:
    """A new API token for the actor, named, valid for API_TOKEN_TTL_HOURS (and
    never past `session_expiry`, when given: a single sign-on user's token ends
    with the session the provider granted). Returns the row and the token,
    which is never stored and cannot be shown again.

    Raises Conflict when the user already holds the most tokens allowed."""
    name = name.strip()[:100] or gettext("API token")
    limit = settings.REST_KNOX.get("TOKEN_LIMIT_PER_USER")
    with transaction.atomic():
        live = ApiToken.objects.filter(user=actor, expiry__gt=timezone.now())
        if limit is not None and live.count() >= limit:
            raise Conflict(
                gettext("You already hold %(limit)s tokens: revoke one first.") % {"limit": limit}
            )
        ttl = datetime.timedelta(hours=settings.API_TOKEN_TTL_HOURS)
        if session_expiry is not None:
            ttl = min(ttl, max(session_expiry - timezone.now(), datetime.timedelta(0)))
        instance, token = ApiToken.objects.create(user=actor, expiry=ttl, name=name)
        # Recorded on the holder: a token's own key is its digest, kept out of the log.
        audit.record(
            audit.Event.API_TOKEN_CREATED,
            actor=actor,
            obj=actor,
            new={"name": instance.name, "token_key": instance.token_key, "expiry": instance.expiry},
        )
    return instance, token


def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    """Revoke the token at once. Only its holder may (others get 404 from the caller)."""
    if token.user_id != actor.pk:
        raise PermissionDenied
    with transaction.atomic():
        audit.record(
            audit.Event.API_TOKEN_REVOKED,
            actor=actor,
            obj=actor,
            old={"name": token.name, "token_key": token.token_key, "expiry": token.expiry},
        )
        token.delete()
