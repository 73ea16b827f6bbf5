"""Roles and object permissions: the only module that talks to django-guardian.

Every right is an object permission. Unit-wide rights (seeing, proposing,
leading, reviewing, deciding, sponsoring a unit's initiatives) are granted on
the business unit, so their number grows with units, not initiatives; the
owner's right is granted on the one initiative.

A user's rights on a unit are derived from every role they hold there, and
`sync_unit_permissions` brings the stored grants in line with that: a role
lost takes its rights with it, but not rights another role still gives. It
does the same for per-object roles tied to working in the object's unit (the
owner's right on an initiative, registered by its app): leaving the unit takes
them away, coming back gives them again.

Rights over policies, exceptions and the audit log are organization-wide, so
they are not stored at all: `organization_rights` derives them, at the time of
the question, from the organization roles a user holds. Nothing is ever granted
globally, so no global permission can leak into an object check.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model, Q, QuerySet, Value
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm
from guardian.utils import get_user_obj_perms_model

from governance import audit, registry
from governance.models import (
    BusinessUnit,
    BusinessUnitUserObjectPermission,
    Membership,
    OrganizationRole,
)

UserLike = User | AnonymousUser


class Role(StrEnum):
    UNIT_MEMBER = "unit_member"
    UNIT_LEAD = "unit_lead"
    SPONSOR = "sponsor"
    COE_MEMBER = "coe_member"
    COE_LEAD = "coe_lead"
    AUDITOR = "auditor"
    OWNER = "owner"
    FINANCE = "finance"
    # A member of a committee that decides on an initiative sees it.
    COMMITTEE_REVIEWER = "committee_reviewer"
    # A member of a working group sees what the group owns (as a unit member
    # sees the unit's), and decides nothing on it.
    GROUP_MEMBER = "group_member"


VIEW = "view_unit_initiatives"
PROPOSE = "propose_initiatives"
LEAD = "lead_initiatives"
REVIEW = "review_initiatives"
DECIDE = "decide_initiatives"
SPONSOR = "sponsor_initiatives"
OWN = "own_initiative"

# Organization-wide rights, derived from OrganizationRole (never stored).
VIEW_ALL_POLICIES = "view_all_policies"  # drafts, every version, coverage
EDIT_POLICIES = "edit_policies"  # draft, edit, submit for review, revise
PUBLISH_POLICIES = "publish_policies"  # publish and retire
DECIDE_EXCEPTIONS = "decide_exceptions"
READ_AUDIT_LOG = "read_audit_log"
SET_CONTROLS = "set_controls"  # switch controls such as the policies' two-person rule
FINANCE_SIGNOFF = "finance_signoff"  # the finance step of an approval chain
EDIT_ROUTING = "edit_routing"  # publish routing rules, set up committees
# Per-object: see one initiative (a committee member deciding on it).
VIEW_INITIATIVE = "view_initiative"
# Per-object: see one published policy (a working group one sits on owns it).
VIEW_POLICY = "view_owned_policy"
ORGANIZATION = "organization"

# The role table: role -> model label -> codenames granted on objects of that model.
# The pseudo-label ORGANIZATION holds the organization-wide rights of a role.
# Reading published policies needs no entry: it follows from seeing a unit the
# policy applies to (VIEW), and acknowledging from working in one (PROPOSE).
ROLE_PERMISSIONS: dict[Role, dict[str, frozenset[str]]] = {
    Role.UNIT_MEMBER: {"governance.businessunit": frozenset({VIEW, PROPOSE})},
    Role.UNIT_LEAD: {"governance.businessunit": frozenset({VIEW, PROPOSE, LEAD})},
    Role.SPONSOR: {"governance.businessunit": frozenset({VIEW, SPONSOR})},
    Role.COE_MEMBER: {
        "governance.businessunit": frozenset({VIEW, REVIEW}),
        ORGANIZATION: frozenset({VIEW_ALL_POLICIES, EDIT_POLICIES}),
    },
    Role.COE_LEAD: {
        "governance.businessunit": frozenset({VIEW, REVIEW, DECIDE}),
        ORGANIZATION: frozenset(
            {
                VIEW_ALL_POLICIES,
                EDIT_POLICIES,
                PUBLISH_POLICIES,
                DECIDE_EXCEPTIONS,
                READ_AUDIT_LOG,
                SET_CONTROLS,
                EDIT_ROUTING,
            }
        ),
    },
    Role.AUDITOR: {
        "governance.businessunit": frozenset({VIEW}),
        ORGANIZATION: frozenset({VIEW_ALL_POLICIES, READ_AUDIT_LOG}),
    },
    Role.OWNER: {"initiatives.initiative": frozenset({OWN})},
    Role.FINANCE: {
        "governance.businessunit": frozenset({VIEW}),
        ORGANIZATION: frozenset({FINANCE_SIGNOFF}),
    },
    Role.COMMITTEE_REVIEWER: {"initiatives.initiative": frozenset({VIEW_INITIATIVE})},
    Role.GROUP_MEMBER: {
        "initiatives.initiative": frozenset({VIEW_INITIATIVE}),
        "policies.policy": frozenset({VIEW_POLICY}),
    },
}

_MEMBERSHIP_ROLES = {Membership.Role.MEMBER: Role.UNIT_MEMBER, Membership.Role.LEAD: Role.UNIT_LEAD}
_ORGANIZATION_ROLES = {
    OrganizationRole.Role.COE_LEAD: Role.COE_LEAD,
    OrganizationRole.Role.COE_MEMBER: Role.COE_MEMBER,
    OrganizationRole.Role.AUDITOR: Role.AUDITOR,
    OrganizationRole.Role.FINANCE: Role.FINANCE,
}
_UNIT = "governance.businessunit"


def _unit_roles(user: User, unit_ids: Iterable[int]) -> dict[int, set[Role]]:
    """Every role the user holds on each of the given units: as a member or
    lead, through the apps that registered roles (a sponsor's), and through
    their organization roles."""
    unit_ids = list(unit_ids)
    roles: dict[int, set[Role]] = {uid: set() for uid in unit_ids}
    for unit_id, role in Membership.objects.filter(
        user=user, business_unit_id__in=unit_ids
    ).values_list("business_unit_id", "role"):
        roles[unit_id].add(_MEMBERSHIP_ROLES[Membership.Role(role)])
    for provider in registry.unit_roles:
        for unit_id, app_role in provider(user=user, unit_ids=unit_ids):
            roles[unit_id].add(Role(app_role))
    organization_roles = {
        _ORGANIZATION_ROLES[OrganizationRole.Role(r)]
        for r in OrganizationRole.objects.filter(user=user).values_list("role", flat=True)
    }
    for unit_roles in roles.values():
        unit_roles |= organization_roles
    return roles


def sync_unit_permissions(
    *, user: User, actor: UserLike | None, units: Iterable[BusinessUnit] | None = None
) -> None:
    """Make the user's stored grants on the units (all units when None) match the
    roles they hold now. Each grant and revocation is an audit event. Call inside
    the transaction that changed the role."""
    unit_list = list(units) if units is not None else list(BusinessUnit.objects.all())
    roles = _unit_roles(user, (u.pk for u in unit_list))
    current: dict[int, set[str]] = {u.pk: set() for u in unit_list}
    for unit_id, codename in BusinessUnitUserObjectPermission.objects.filter(
        user=user, content_object_id__in=current.keys()
    ).values_list("content_object_id", "permission__codename"):
        current[unit_id].add(codename)

    kept: dict[int, set[str]] = {}
    for unit in unit_list:
        wanted: set[str] = set()
        for role in roles[unit.pk]:
            wanted |= ROLE_PERMISSIONS[role].get(_UNIT, frozenset())
        kept[unit.pk] = wanted
        to_grant = sorted(wanted - current[unit.pk])
        to_revoke = sorted(current[unit.pk] - wanted)
        for codename in to_grant:
            assign_perm(codename, user, unit)
        for codename in to_revoke:
            remove_perm(codename, user, unit)
        if to_grant:
            audit.record(
                audit.Event.PERMISSION_GRANTED,
                actor=actor,
                obj=unit,
                new={"user": user.get_username(), "permissions": to_grant},
            )
        if to_revoke:
            audit.record(
                audit.Event.PERMISSION_REVOKED,
                actor=actor,
                obj=unit,
                old={"user": user.get_username(), "permissions": to_revoke},
            )
    _sync_unit_object_roles(user=user, actor=actor, unit_rights=kept)


def sync_organization_on_new_unit(*, unit: BusinessUnit, actor: UserLike | None) -> None:
    """A new unit: give the CoE and the auditors their rights on it."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(organization_roles__isnull=False).distinct()
    for user in users:
        sync_unit_permissions(user=user, actor=actor, units=[unit])


def grant(*, role: Role, user: User, obj: Model, actor: UserLike | None) -> None:
    """Grant a per-object role (such as the owner's) on one object."""
    codenames = ROLE_PERMISSIONS[role][obj._meta.label_lower]
    for codename in sorted(codenames):
        assign_perm(codename, user, obj)
    audit.record(
        audit.Event.PERMISSION_GRANTED,
        actor=actor,
        obj=obj,
        new={"user": user.get_username(), "permissions": sorted(codenames)},
    )


def grant_many(*, role: Role, user: User, objects: QuerySet[Any], actor: UserLike | None) -> int:
    """`grant` on every object of a queryset, in bulk: the same rights and one
    audit event per object, for loading data in bulk. Returns how many."""
    codenames = ROLE_PERMISSIONS[role][objects.model._meta.label_lower]
    for codename in sorted(codenames):
        assign_perm(codename, user, objects)  # type: ignore[arg-type]
    entries = [
        {
            "event": audit.Event.PERMISSION_GRANTED,
            "obj": obj,
            "new": {"user": user.get_username(), "permissions": sorted(codenames)},
        }
        for obj in objects
    ]
    return audit.record_many(entries, actor=actor)


def revoke(*, role: Role, user: User, obj: Model, actor: UserLike | None) -> None:
    """Take a per-object role (such as the owner's) away on one object."""
    codenames = ROLE_PERMISSIONS[role][obj._meta.label_lower]
    for codename in sorted(codenames):
        remove_perm(codename, user, obj)
    audit.record(
        audit.Event.PERMISSION_REVOKED,
        actor=actor,
        obj=obj,
        old={"user": user.get_username(), "permissions": sorted(codenames)},
    )


@dataclass(frozen=True)
class UnitObjectRole:
    """A per-object role that its holder keeps only while they hold `requires`
    on the object's unit: an initiative's owner keeps the owner's right while
    they work in its unit (as a member or lead), loses it when they leave and
    has it again when they come back. The app owning the model registers it."""

    role: Role
    model: type[Model]
    holder_field: str  # the field naming who holds the role, such as "owner"
    unit_field: str  # the object's business unit
    requires: str  # the unit right the holder must keep
    permissions: type[Model]  # the model's direct object permission table


_UNIT_OBJECT_ROLES: list[UnitObjectRole] = []


def register_unit_object_role(entry: UnitObjectRole) -> None:
    """Called from the app's `AppConfig.ready()`."""
    if entry not in _UNIT_OBJECT_ROLES:
        _UNIT_OBJECT_ROLES.append(entry)


def _sync_unit_object_roles(
    *, user: User, actor: UserLike | None, unit_rights: dict[int, set[str]]
) -> None:
    """Grant or revoke the user's registered per-object roles on the objects of
    these units they are named on, by whether they keep the unit right each
    role requires. Each grant and revocation is an audit event (`grant`, `revoke`)."""
    for entry in _UNIT_OBJECT_ROLES:
        codenames = ROLE_PERMISSIONS[entry.role][entry.model._meta.label_lower]
        unit_attname = entry.model._meta.get_field(entry.unit_field).attname  # type: ignore[union-attr]
        objects = list(
            entry.model._default_manager.filter(
                **{entry.holder_field: user, f"{unit_attname}__in": list(unit_rights)}
            ).order_by("pk")
        )
        if not objects:
            continue
        held: dict[Any, set[str]] = {obj.pk: set() for obj in objects}
        for pk, codename in entry.permissions._default_manager.filter(
            user_id=user.pk,
            content_object_id__in=held.keys(),
            permission__codename__in=codenames,
        ).values_list("content_object_id", "permission__codename"):
            held[pk].add(codename)
        for obj in objects:
            keeps = entry.requires in unit_rights[getattr(obj, unit_attname)]
            if keeps and held[obj.pk] != codenames:
                grant(role=entry.role, user=user, obj=obj, actor=actor)
            elif not keeps and held[obj.pk]:
                revoke(role=entry.role, user=user, obj=obj, actor=actor)


# Any write may change what a user may see (a grant, a membership, a
# delegation), so a user's rights read once are kept only until the next write
# in this process: every save, delete and many-to-many change moves the
# generation on. A request reads them once however many panels ask.
_generation = [0]


def _next_generation(**kwargs: Any) -> None:
    _generation[0] += 1


for _signal in (post_save, post_delete, m2m_changed):
    _signal.connect(_next_generation, dispatch_uid=f"access-rights-{_signal!r}")


def unit_rights(user: UserLike) -> dict[str, frozenset[int]]:
    """Every unit right the user holds, as codename to unit ids, in one query;
    the units whose sponsors delegated their sign-off to the user today count
    as seen (VIEW). Kept on the user object until the next write."""
    if not user.is_authenticated or not user.is_active:
        return {}
    day = timezone.localdate()
    key = (_generation[0], day)
    cached = _kept_unit_rights(user, key)
    if cached is not None:
        return cached
    rows: QuerySet[Any] = BusinessUnitUserObjectPermission.objects.filter(
        user_id=user.pk
    ).values_list("content_object_id", "permission__codename")
    for provider in registry.delegations:
        rows = rows.union(
            provider.unit_ids(user, day).values_list("business_unit_id", Value(VIEW)), all=True
        )
    found: dict[str, set[int]] = {}
    for unit_id, codename in rows:
        found.setdefault(codename, set()).add(unit_id)
    rights = {codename: frozenset(ids) for codename, ids in found.items()}
    user._unit_rights_cache = (key, rights)  # type: ignore[attr-defined]
    return rights


def _kept_unit_rights(
    user: UserLike, key: tuple[int, datetime.date]
) -> dict[str, frozenset[int]] | None:
    """The rights `unit_rights` kept on the user, if no write or new day came since."""
    cached = getattr(user, "_unit_rights_cache", None)
    return cached[1] if cached is not None and cached[0] == key else None


def visible_unit_ids(user: UserLike, codename: str = VIEW) -> list[int]:
    """The ids of `visible_units`, read once (see `unit_rights`), sorted: a short
    list that a query filters on literally, so that the planner knows how many
    rows it will find and can use the unit's indexes."""
    return sorted(unit_rights(user).get(codename, frozenset()))


def sees_any_unit(user: UserLike) -> bool:
    """Whether `visible_unit_ids` is not empty, without reading every right:
    from the rights already read for this user, else one EXISTS over their
    grants (a page's navigation asks it on every view); only a user with no
    grant of their own has their delegations read."""
    if not user.is_authenticated or not user.is_active:
        return False
    kept = _kept_unit_rights(user, (_generation[0], timezone.localdate()))
    if kept is not None:
        return bool(kept.get(VIEW))
    if BusinessUnitUserObjectPermission.objects.filter(
        user_id=user.pk, permission__codename=VIEW
    ).exists():
        return True
    return bool(visible_unit_ids(user))


def sees_every_unit(user: UserLike) -> bool:
    """Whether the user sees every business unit (the CoE, auditors), and so
    everything that belongs to one: one query on the units, kept on the user
    object until the next write (see `unit_rights`; a new unit is one)."""
    unit_ids = tuple(visible_unit_ids(user))
    if not unit_ids:
        return False
    key = (_generation[0], unit_ids)
    cached = getattr(user, "_sees_every_unit_cache", None)
    if cached is not None and cached[0] == key:
        return bool(cached[1])
    every = not BusinessUnit.objects.exclude(pk__in=unit_ids).exists()
    user._sees_every_unit_cache = (key, every)  # type: ignore[union-attr]
    return every


def visible_units(user: UserLike, codename: str = VIEW) -> QuerySet[BusinessUnit]:
    """Units on which the user holds `codename` as an object permission, and, for
    seeing, the units of sponsors who delegated their sign-off to the user today.
    Global permissions and superuser status give nothing here, by design."""
    if not user.is_authenticated or not user.is_active:
        return BusinessUnit.objects.none()
    granted = get_objects_for_user(
        user,
        f"governance.{codename}",
        klass=BusinessUnit,
        use_groups=False,
        with_superuser=False,
        accept_global_perms=False,
    )
    if codename != VIEW:
        return granted
    return BusinessUnit.objects.filter(
        Q(pk__in=granted.values("pk")) | Q(pk__in=delegated_unit_ids(user))
    )


def delegated_unit_ids(user: UserLike, on: datetime.date | None = None) -> QuerySet[Any]:
    """Ids of the units whose sponsors delegated their sign-off to the user on
    the day (today by default), as values of `business_unit_id`. Delegated
    rights are never passed on. Delegations are registered by an app (sponsors)."""
    day = on or timezone.localdate()
    found: QuerySet[Any] | None = None
    for provider in registry.delegations:
        ids = provider.unit_ids(user, day)
        found = ids if found is None else found.union(ids)
    return found if found is not None else Membership.objects.none().values("business_unit_id")


def delegating_sponsor(
    user: UserLike, unit_id: int, on: datetime.date | None = None
) -> User | None:
    """The sponsor of the unit on whose behalf the user may sign off today, if any."""
    if not user.is_authenticated or not user.is_active:
        return None
    day = on or timezone.localdate()
    for provider in registry.delegations:
        sponsor = provider.delegator(user, unit_id, day)
        if sponsor is not None:
            return sponsor
    return None


def delegating_sponsors(user: UserLike, on: datetime.date | None = None) -> dict[int, User]:
    """Unit id to the sponsor on whose behalf the user may sign off for it today,
    for every unit delegated to the user: one query per provider, however many."""
    if not user.is_authenticated or not user.is_active:
        return {}
    day = on or timezone.localdate()
    found: dict[int, User] = {}
    for provider in registry.delegations:
        for unit_id, sponsor in provider.delegators(user, day).items():
            found.setdefault(unit_id, sponsor)
    return found


def unit_codenames(user: UserLike, unit_id: int) -> frozenset[str]:
    """Every right the user holds on one unit, in one query."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    return frozenset(
        BusinessUnitUserObjectPermission.objects.filter(
            user_id=user.pk, content_object_id=unit_id
        ).values_list("permission__codename", flat=True)
    )


def object_codenames(user: UserLike, obj: Model) -> frozenset[str]:
    """The user's per-object rights on one object (for example the owner's)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    model = get_user_obj_perms_model(obj)
    return frozenset(
        model._default_manager.filter(user_id=user.pk, content_object_id=obj.pk).values_list(
            "permission__codename", flat=True
        )
    )


def object_ids(user: UserLike, model: type[Model], codename: str) -> QuerySet[Any]:
    """The ids of the objects of `model` on which the user holds the per-object
    right `codename` (a subquery; never global grants)."""
    if not user.is_authenticated or not user.is_active:
        return model._default_manager.none().values("pk")
    return object_ids_of(user.pk, model, codename)


def object_id_list(
    user: UserLike, model: type[Model], codename: str, *, at_most: int
) -> list[Any] | None:
    """`object_ids` read now, sorted, in one query: a short list that a query
    filters on literally, so that an `OR` with a condition on the object's own
    columns stays an index condition. None when there are more than `at_most`
    (then filter on `object_ids`, the subquery)."""
    if not user.is_authenticated or not user.is_active:
        return []
    ids = sorted(
        object_ids_of(user.pk, model, codename).values_list("content_object_id", flat=True)[
            : at_most + 1
        ]
    )
    return ids if len(ids) <= at_most else None


def object_ids_of(user_id: int, model: type[Model], codename: str) -> QuerySet[Any]:
    """`object_ids` of the user with this id (who must be signed in and active):
    for SQL compiled once and kept, where only the id is at hand."""
    perms = get_user_obj_perms_model(model)  # type: ignore[arg-type]
    return perms._default_manager.filter(user_id=user_id, permission__codename=codename).values(
        "content_object_id"
    )


def organization_rights(user: UserLike) -> frozenset[str]:
    """The organization-wide rights of the user's organization roles, in one
    query. Superuser status gives nothing here, by design."""
    rights: set[str] = set()
    for role in organization_roles(user):
        rights |= ROLE_PERMISSIONS[_ORGANIZATION_ROLES[OrganizationRole.Role(role)]].get(
            ORGANIZATION, frozenset()
        )
    return frozenset(rights)


def organization_roles(user: UserLike) -> frozenset[str]:
    """The organization-wide roles (OrganizationRole.Role values) the user holds,
    in one query; kept on the user object until the next write (see `unit_rights`)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_organization_roles_cache", None)
    if cached is not None and cached[0] == _generation[0]:
        return frozenset(cached[1])
    roles = frozenset(
        OrganizationRole.objects.filter(user_id=user.pk).values_list("role", flat=True)
    )
    user._organization_roles_cache = (_generation[0], roles)  # type: ignore[attr-defined]
    return roles


def is_auditor_or_coe_lead(user: UserLike) -> bool:
    """Who may read the whole audit log: auditors and the CoE lead."""
    return bool(
        organization_roles(user) & {OrganizationRole.Role.AUDITOR, OrganizationRole.Role.COE_LEAD}
    )
