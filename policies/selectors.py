"""Reads of policies, acknowledgments, attestations and exceptions, always
through what the user may see.

Who sees what: the CoE and auditors see every policy, drafts and history
included. Unit staff and sponsors see the version in force of the policies
that apply to a unit they belong to or sponsor; a policy never published, or
retired, does not exist for them.
"""

import datetime
import difflib
import re
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from governance import access, transitions
from governance.models import BusinessUnit, Membership
from governance.transitions import Rule
from initiatives.models import Initiative
from policies.models import (
    Acknowledgment,
    Attestation,
    ExceptionState,
    Policy,
    PolicyException,
    PolicyVersion,
    State,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

UserLike = User | AnonymousUser

TRANSITIONS: dict[str, Rule] = transitions.rules(Policy)
EXCEPTION_TRANSITIONS: dict[str, Rule] = transitions.rules(PolicyException)

HistoricalPolicy = Policy.history.model
# The fields a history row compares with its predecessor, in the order they are
# shown; the many-to-many relation last.
HISTORY_FIELDS = (
    "title",
    "category",
    "body",
    "owner",
    "effective_date",
    "review_interval_months",
    "next_review_due",
    "version",
    "state",
    "retired_at",
    "business_units",
)
_M2M_ROWS = "historicalpolicy_business_units_set"


def sees_all_policies(*, user: UserLike) -> bool:
    return access.VIEW_ALL_POLICIES in access.organization_rights(user)


def applying_to(*, units: QuerySet[BusinessUnit]) -> Q:
    """Policies for all units (none named) or naming one of `units`."""
    through = Policy.business_units.through
    return ~Exists(through.objects.filter(policy_id=OuterRef("pk"))) | Exists(
        through.objects.filter(policy_id=OuterRef("pk"), businessunit__in=units)
    )


def in_force() -> Q:
    return Q(current_version__isnull=False) & ~Q(state=State.RETIRED)


def visible_policies(*, user: UserLike) -> QuerySet[Policy]:
    policies = Policy.objects.select_related("owner", "current_version").prefetch_related(
        "business_units"
    )
    if sees_all_policies(user=user):
        return policies
    units = access.visible_units(user)
    if not units.exists():
        # A policy for every unit is not a policy for someone outside them all.
        return policies.none()
    return policies.filter(in_force()).filter(applying_to(units=units))


class MyAcknowledgment(TypedDict):
    """What with_my_acknowledgment annotates: the latest version the user
    acknowledged, None if none."""

    my_acknowledged_version: int | None


def with_my_acknowledgment(
    *, policies: QuerySet[Policy], user: User
) -> "QuerySet[WithAnnotations[Policy, MyAcknowledgment]]":
    """Annotate the latest version the user acknowledged (None if none)."""
    latest = (
        Acknowledgment.objects.filter(policy_id=OuterRef("pk"), user=user)
        .order_by("-version")
        .values("version")[:1]
    )
    return cast(
        "QuerySet[WithAnnotations[Policy, MyAcknowledgment]]",
        policies.annotate(my_acknowledged_version=Subquery(latest)),
    )


def my_acknowledged_version(*, policy: Policy) -> int | None:
    """The version with_my_acknowledgment annotated on the policy: None if the
    user acknowledged none, or if the policy was read without the annotation."""
    version: int | None = getattr(policy, "my_acknowledged_version", None)
    return version


def overdue_policies(*, today: datetime.date | None = None) -> QuerySet[Policy]:
    """Policies in force whose next review date has passed, most overdue first."""
    today = today or timezone.localdate()
    return (
        Policy.objects.filter(in_force(), next_review_due__lt=today)
        .select_related("owner", "current_version")
        .prefetch_related("business_units")
        .order_by("next_review_due", "id")
    )


def policies_in_force_for_units(*, units: QuerySet[BusinessUnit]) -> QuerySet[Policy]:
    return Policy.objects.filter(in_force()).filter(applying_to(units=units))


def policies_in_force_for_unit(*, unit_id: int) -> QuerySet[Policy]:
    return policies_in_force_for_units(units=BusinessUnit.objects.filter(pk=unit_id))


# History


def history_of(*, policy: Policy) -> QuerySet[Any]:
    """Every recorded version of the policy, newest first, with who made it and
    the units it applied to, in a fixed number of queries."""
    return (
        HistoricalPolicy.objects.filter(id=policy.pk)
        .select_related("history_user")
        .prefetch_related(Prefetch(_M2M_ROWS, to_attr="unit_rows"))
        .order_by("-history_date", "-history_id")
    )


def _units_of(row: Any) -> list[int]:
    rows = getattr(row, "unit_rows", None)
    if rows is None:
        rows = list(getattr(row, _M2M_ROWS).all())
    return sorted(r.businessunit_id for r in rows)


def _in_order(changes: list[Any]) -> list[Any]:
    # diff_against sorts by name; pages and the API show HISTORY_FIELDS' order.
    return sorted(changes, key=lambda change: HISTORY_FIELDS.index(change.field))


def changed_fields(*, row: Any, previous: Any | None) -> list[str]:
    """The fields this history row changed; every field for the first row."""
    if previous is None:
        return list(HISTORY_FIELDS)
    # The units are compared from the rows history_of prefetched: diff_against
    # would query them for every row, and a page of history costs a fixed
    # number of queries.
    delta = row.diff_against(
        previous, included_fields=HISTORY_FIELDS, excluded_fields=["business_units"]
    )
    changed = [change.field for change in _in_order(delta.changes)]
    if _units_of(row) != _units_of(previous):
        changed.append("business_units")
    return changed


def history_page(*, rows: list[Any], predecessor: Any | None) -> list[dict[str, Any]]:
    """`rows` newest first, and the row just older than the last of them."""
    result = []
    for i, row in enumerate(rows):
        previous = rows[i + 1] if i + 1 < len(rows) else predecessor
        result.append(
            {
                "history_id": row.history_id,
                "version": row.version,
                "state": row.state,
                "at": row.history_date,
                "user": row.history_user.get_username() if row.history_user else None,
                "change_reason": row.history_change_reason or "",
                "changed_fields": changed_fields(row=row, previous=previous),
            }
        )
    return result


def _shown(name: str, value: Any, owners: dict[int, str]) -> Any:
    if name == "business_units":
        return sorted(row["businessunit"] for row in value)
    if name == "owner":
        return owners.get(value)
    return value


def diff(*, older: Any, newer: Any) -> dict[str, Any]:
    """Field by field old and new values between two history rows of one
    policy, and a unified diff of the body."""
    delta = newer.diff_against(older, included_fields=HISTORY_FIELDS)
    owners = {
        u.pk: u.get_username()
        for u in get_user_model().objects.filter(pk__in={older.owner_id, newer.owner_id})
    }
    changes = [
        {
            "field": change.field,
            "old": _shown(change.field, change.old, owners),
            "new": _shown(change.field, change.new, owners),
        }
        for change in _in_order(delta.changes)
    ]
    body_diff = "".join(
        difflib.unified_diff(
            older.body.splitlines(keepends=True),
            newer.body.splitlines(keepends=True),
            fromfile=f"history {older.history_id} (version {older.version}, {older.state})",
            tofile=f"history {newer.history_id} (version {newer.version}, {newer.state})",
        )
    )
    return {
        "from": older.history_id,
        "to": newer.history_id,
        "changes": changes,
        "body_diff": body_diff,
    }


def version_as_of(*, policy: Policy, day: datetime.date) -> PolicyVersion | None:
    """The published version in force on `day`: the latest version that had
    taken effect by then, unless the policy was retired by then."""
    if policy.retired_at is not None and timezone.localdate(policy.retired_at) <= day:
        return None
    return (
        policy.versions.filter(effective_date__lte=day, published_at__date__lte=day)
        .select_related("published_by")
        .order_by("-version")
        .first()
    )


# Acknowledgments


def coverage(*, policy: Policy) -> list[dict[str, Any]]:
    """Per business unit the policy applies to: which staff acknowledged the
    current version, which an older one, which none."""
    named = list(policy.business_units.order_by("name"))
    units = named or list(BusinessUnit.objects.order_by("name"))
    latest: dict[int, int] = {}
    for user_id, version in Acknowledgment.objects.filter(policy=policy).values_list(
        "user_id", "version"
    ):
        latest[user_id] = max(version, latest.get(user_id, 0))
    staff: dict[int, list[User]] = {}
    for membership in (
        Membership.objects.filter(business_unit__in=units)
        .select_related("user")
        .order_by("user__username")
    ):
        staff.setdefault(membership.business_unit_id, []).append(membership.user)
    result = []
    for unit in units:
        current: list[str] = []
        outdated: list[dict[str, Any]] = []
        missing: list[str] = []
        for user in staff.get(unit.pk, []):
            acknowledged = latest.get(user.pk)
            if acknowledged is None:
                missing.append(user.get_username())
            elif acknowledged == policy.version:
                current.append(user.get_username())
            else:
                outdated.append({"user": user.get_username(), "version": acknowledged})
        result.append(
            {
                "business_unit": unit.pk,
                "business_unit_name": unit.name,
                "acknowledged": current,
                "outdated": outdated,
                "missing": missing,
            }
        )
    return result


def attested_versions(*, initiative: Initiative) -> list[dict[str, Any]]:
    """The policy versions attested at the initiative's latest submission, and
    whether each policy has been republished since."""
    rows = list(
        Attestation.objects.filter(initiative=initiative)
        .select_related("policy", "user")
        .order_by("-at", "-id")
    )
    if not rows:
        return []
    latest_at = rows[0].at
    result = []
    for row in sorted((r for r in rows if r.at == latest_at), key=lambda r: r.policy.title):
        result.append(
            {
                "policy": row.policy_id,
                "title": row.policy.title,
                "version": row.version,
                "current_version": row.policy.version,
                "republished_since": row.policy.version > row.version,
                "attested_by": row.user.get_username(),
                "at": row.at,
            }
        )
    return result


# Exceptions


def visible_exceptions(*, user: UserLike) -> QuerySet[PolicyException]:
    """Exceptions for initiatives the user can see."""
    return PolicyException.objects.filter(
        initiative__business_unit__in=access.visible_units(user)
    ).select_related("initiative", "policy", "requested_by", "decided_by")


def active_exceptions(*, today: datetime.date | None = None) -> QuerySet[PolicyException]:
    today = today or timezone.localdate()
    return PolicyException.objects.filter(state=ExceptionState.APPROVED, expires_on__gt=today)


def word_diff(*, old: str, new: str) -> list[tuple[str, str]]:
    """The new text against the old, word by word: (`equal` | `delete` | `insert`,
    text) pieces in reading order, whitespace kept. Plain text: whoever shows
    it escapes it."""
    old_words = re.split(r"(\s+)", old)
    new_words = re.split(r"(\s+)", new)
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    # (old text, new text, equal?) per run of the matcher.
    runs: list[list[Any]] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        old_text, new_text = "".join(old_words[a1:a2]), "".join(new_words[b1:b2])
        equal = op == "equal"
        # A lone space between two changes reads as part of one change:
        # "<del>one day</del><ins>four hours</ins>", not four pieces.
        if runs and not equal and not runs[-1][2]:
            runs[-1][0] += old_text
            runs[-1][1] += new_text
        elif (
            len(runs) >= 2
            and not equal
            and runs[-1][2]
            and not runs[-1][0].strip()
            and not runs[-2][2]
        ):
            space = runs.pop()[0]
            runs[-1][0] += space + old_text
            runs[-1][1] += space + new_text
        else:
            runs.append([old_text, new_text, equal])
    pieces: list[tuple[str, str]] = []
    for old_text, new_text, equal in runs:
        if equal:
            pieces.append(("equal", old_text))
        else:
            pieces += [("delete", old_text), ("insert", new_text)]
    return [(op, text) for op, text in pieces if text]


def missing_acknowledgments(*, user: User) -> QuerySet[Policy]:
    """The policies in force for the units the user works in whose current
    version the user has not acknowledged."""
    units = access.visible_units(user, access.PROPOSE)
    if not units.exists():
        return Policy.objects.none()
    policies = policies_in_force_for_units(units=units).select_related("current_version")
    return (
        with_my_acknowledgment(policies=policies, user=user)
        .filter(
            Q(my_acknowledged_version__isnull=True) | Q(my_acknowledged_version__lt=F("version"))
        )
        .order_by("title", "id")
    )


def may_acknowledge(*, user: UserLike, policy: Policy) -> bool:
    """Whether the user works in a unit the policy in force applies to (the
    service checks the same before it writes)."""
    units = access.visible_units(user, access.PROPOSE)
    # A policy for every unit is not a policy for someone outside them all.
    return units.exists() and policies_in_force_for_units(units=units).filter(pk=policy.pk).exists()
