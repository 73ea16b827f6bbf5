"""Reads of policies, acknowledgments, attestations and exceptions, always
through what the user may see.

Who sees what: the CoE and auditors see every policy, drafts and history
included. Unit staff and sponsors see the version in force of the policies
that apply to a unit they belong to or sponsor; a policy never published, or
retired, does not exist for them.
"""

import datetime
import difflib
import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.db import DEFAULT_DB_ALIAS
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

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


def applying_to(*, units: QuerySet[BusinessUnit] | list[int]) -> Q:
    """Policies for all units (none named) or naming one of `units`."""
    through = Policy.business_units.through
    return ~Exists(through.objects.filter(policy_id=OuterRef("pk"))) | Exists(
        through.objects.filter(policy_id=OuterRef("pk"), businessunit__in=units)
    )


# Which version applies on a day: the one rule every reader asks (the detail
# page, acknowledgments, coverage, attestation, the portfolio, maturity).
#
# A published version takes effect on its effective date. Until then it is
# "scheduled" (upcoming), and the version before it stays in force: no job has
# to run for the answer to change on the day. A policy retired by the day has
# no version in force. `Policy.version`/`current_version` name the newest
# published version, which may still be scheduled.


def is_published() -> Q:
    """Published once and not retired; its version may be in force or scheduled."""
    return Q(current_version__isnull=False) & ~Q(state=State.RETIRED)


# The names with_version_in_force annotates.
VERSION_IN_FORCE = "version_in_force"
HAS_VERSION_IN_FORCE = Q(version_in_force__isnull=False)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _taken_effect_by(day: datetime.date) -> QuerySet[PolicyVersion]:
    """The outer policy's versions published and in effect by the end of `day`,
    newest first."""
    end = _start_of(day + datetime.timedelta(days=1))
    return PolicyVersion.objects.filter(
        policy_id=OuterRef("pk"), effective_date__lte=day, published_at__lt=end
    ).order_by("-version")


def _not_retired_by(day: datetime.date) -> Q:
    return Q(retired_at__isnull=True) | Q(
        retired_at__gte=_start_of(day + datetime.timedelta(days=1))
    )


def with_version_in_force(
    *, policies: QuerySet[Policy], on: datetime.date | None = None
) -> QuerySet[Policy]:
    """Annotate the version in force on `on` (today by default): its number
    (`version_in_force`) and id (`version_in_force_id`), None when none is."""
    day = on or timezone.localdate()
    versions = _taken_effect_by(day)
    retired = ~_not_retired_by(day)
    return policies.annotate(
        version_in_force=Case(
            When(retired, then=Value(None)),
            default=Subquery(versions.values("version")[:1]),
            output_field=IntegerField(),
        ),
        version_in_force_id=_version_in_force_id(day),
    )


def _version_in_force_id(day: datetime.date) -> Case:
    return Case(
        When(~_not_retired_by(day), then=Value(None)),
        default=Subquery(_taken_effect_by(day).values("pk")[:1]),
        output_field=IntegerField(),
    )


def policies_in_force(*, on: datetime.date | None = None) -> QuerySet[Policy]:
    """Policies with a version in force on `on` (today by default), annotated with it."""
    return with_version_in_force(policies=Policy.objects.all(), on=on).filter(HAS_VERSION_IN_FORCE)


def version_in_force(*, policy: Policy, on: datetime.date | None = None) -> PolicyVersion | None:
    """The version of one policy in force on `on` (today by default); None when
    none was (not yet in effect, or retired by then)."""
    day = on or timezone.localdate()
    if policy.retired_at is not None and timezone.localdate(policy.retired_at) <= day:
        return None
    end = _start_of(day + datetime.timedelta(days=1))
    return (
        policy.versions.filter(effective_date__lte=day, published_at__lt=end)
        .select_related("published_by")
        .order_by("-version")
        .first()
    )


def upcoming_version(*, policy: Policy, on: datetime.date | None = None) -> PolicyVersion | None:
    """The newest published version not yet in effect on `on` (a scheduled one)."""
    day = on or timezone.localdate()
    if policy.retired_at is not None:
        return None
    return (
        policy.versions.filter(effective_date__gt=day)
        .select_related("published_by")
        .order_by("-version")
        .first()
    )


def shown_version(*, policy: Policy) -> int | None:
    """The number of the version in force a policy was read with
    (with_version_in_force)."""
    version: int | None = getattr(policy, "version_in_force", None)
    return version


def with_versions(*, policies: Iterable[Policy], on: datetime.date | None = None) -> list[Policy]:
    """The policies (read with_version_in_force for `on`), each with its
    `in_force_version` and `upcoming_version` (PolicyVersion or None) set, and
    `reader_version`, what staff read: the version in force, else the
    scheduled one. One query whatever their number."""
    day = on or timezone.localdate()
    policies = list(policies)
    in_force_ids = {
        getattr(p, "version_in_force_id", None)
        for p in policies
        if getattr(p, "version_in_force_id", None) is not None
    }
    published = [p.pk for p in policies if p.current_version_id is not None]
    versions = PolicyVersion.objects.filter(
        Q(pk__in=in_force_ids) | Q(policy_id__in=published, effective_date__gt=day)
    ).select_related("published_by")
    by_id: dict[Any, PolicyVersion] = {}
    upcoming: dict[int, PolicyVersion] = {}
    for version in versions:
        by_id[version.pk] = version
        if version.effective_date > day:
            newest = upcoming.get(version.policy_id)
            if newest is None or version.version > newest.version:
                upcoming[version.policy_id] = version
    for policy in policies:
        policy.in_force_version = by_id.get(getattr(policy, "version_in_force_id", None))  # type: ignore[attr-defined]
        policy.upcoming_version = (  # type: ignore[attr-defined]
            upcoming.get(policy.pk) if policy.retired_at is None else None
        )
        policy.reader_version = policy.in_force_version or policy.upcoming_version  # type: ignore[attr-defined]
    return policies


def version_number_in_force(*, policy: Policy) -> int | None:
    """The number of the version in force today: the annotation the policy was
    read with, else asked."""
    if hasattr(policy, "version_in_force"):
        return shown_version(policy=policy)
    version = version_in_force(policy=policy)
    return version.version if version is not None else None


def visible_policies(*, user: UserLike) -> QuerySet[Policy]:
    """What the user may see, annotated with the version in force today."""
    policies = with_version_in_force(
        policies=Policy.objects.select_related("owner", "current_version").prefetch_related(
            "business_units"
        )
    )
    if sees_all_policies(user=user):
        return policies
    # A working group the user sits on owns it: seen as its units' staff see it.
    owned = Q(pk__in=access.object_ids(user, Policy, access.VIEW_POLICY))
    units = access.visible_units(user)
    if not units.exists():
        # A policy for every unit is not a policy for someone outside them all.
        return policies.filter(is_published()).filter(owned)
    # Published and not retired: in force, or scheduled to take effect (staff
    # see it as upcoming and may acknowledge it in advance).
    return policies.filter(is_published()).filter(applying_to(units=units) | owned)


def shown_version_ids(*, user: UserLike) -> RawSQL | QuerySet[Any] | None:
    """The ids of the policy versions the user may read, as visible_policies
    decides (None: every version, for those who see every policy and its
    history); for everyone else, of each published policy for a unit they see
    (or for all units) or owned by a working group they sit on, the version in
    force today, else the scheduled one.

    A subquery for a condition that every request builds anew (search): its
    SQL depends on the day (in the time zone), the units and the user alone,
    so it is compiled once for them (building the version-in-force
    expressions costs more than the database takes to run them)."""
    if sees_all_policies(user=user):
        return None
    if not user.is_authenticated or not user.is_active:
        return PolicyVersion.objects.none().values("pk")
    sql, params = _shown_version_sql(
        timezone.get_current_timezone_name(),
        timezone.localdate(),
        tuple(access.visible_unit_ids(user)),
        user.pk,
    )
    return RawSQL(sql, params)


@functools.lru_cache(maxsize=512)
def _shown_version_sql(
    zone: str, day: datetime.date, unit_ids: tuple[int, ...], user_id: int
) -> tuple[str, tuple[Any, ...]]:
    owned = Q(pk__in=access.object_ids_of(user_id, Policy, access.VIEW_POLICY))
    # A policy for every unit is not a policy for someone outside them all.
    seen = applying_to(units=list(unit_ids)) | owned if unit_ids else owned
    policies = Policy.objects.filter(is_published()).filter(seen)
    shown = Coalesce(_version_in_force_id(day), "current_version_id", output_field=IntegerField())
    query = policies.annotate(shown_version_id=shown).values("shown_version_id").query
    sql, params = query.get_compiler(using=DEFAULT_DB_ALIAS).as_sql()
    return sql, tuple(params)


class MyAcknowledgment(TypedDict):
    """What with_my_acknowledgment annotates: the latest version the user
    acknowledged (None if none), and whether they acknowledged the version in
    force today."""

    my_acknowledged_version: int | None
    my_acknowledged_in_force: bool


def with_my_acknowledgment(
    *, policies: QuerySet[Policy], user: User
) -> "QuerySet[WithAnnotations[Policy, MyAcknowledgment]]":
    """Annotate the latest version the user acknowledged and whether it covers
    the version in force (annotated here unless the policies already are)."""
    if "version_in_force" not in policies.query.annotations:
        policies = with_version_in_force(policies=policies)
    mine = Acknowledgment.objects.filter(policy_id=OuterRef("pk"), user=user)
    return cast(
        "QuerySet[WithAnnotations[Policy, MyAcknowledgment]]",
        policies.annotate(
            my_acknowledged_version=Subquery(mine.order_by("-version").values("version")[:1]),
            my_acknowledged_in_force=Exists(mine.filter(version=OuterRef("version_in_force"))),
        ),
    )


def my_acknowledged_version(*, policy: Policy) -> int | None:
    """The version with_my_acknowledgment annotated on the policy: None if the
    user acknowledged none, or if the policy was read without the annotation."""
    version: int | None = getattr(policy, "my_acknowledged_version", None)
    return version


def acknowledged_in_force(*, policy: Policy) -> bool:
    """Whether the user acknowledged the version in force (with_my_acknowledgment)."""
    return bool(getattr(policy, "my_acknowledged_in_force", False))


def overdue_policies(*, today: datetime.date | None = None) -> QuerySet[Policy]:
    """Policies in force whose next review date has passed, most overdue first."""
    today = today or timezone.localdate()
    return (
        policies_in_force(on=today)
        .filter(next_review_due__lt=today)
        .select_related("owner", "current_version")
        .prefetch_related("business_units")
        .order_by("next_review_due", "id")
    )


def policies_in_force_for_units(
    *, units: QuerySet[BusinessUnit], on: datetime.date | None = None
) -> QuerySet[Policy]:
    """Policies in force on `on` (today) that apply to one of `units`, annotated
    with the version in force."""
    return policies_in_force(on=on).filter(applying_to(units=units))


def policies_in_force_for_unit(
    *, unit_id: int, on: datetime.date | None = None
) -> QuerySet[Policy]:
    return policies_in_force_for_units(units=BusinessUnit.objects.filter(pk=unit_id), on=on)


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


def version_records(*, policy: Policy, versions: Iterable[int]) -> dict[int, Any]:
    """For each published version number asked for, the history row recorded
    when that version was published (the first published row carrying the
    number); numbers never published are absent."""
    rows = (
        history_of(policy=policy)
        .filter(version__in=set(versions), state=State.PUBLISHED)
        .order_by("-history_id")
    )
    # Newest first, so that the earliest row of each version is the one kept.
    return {row.version: row for row in rows}


def version_label(*, version: int, state: str) -> dict[str, Any]:
    """What a history row says of its version: a published or retired row
    carries the number it was published as; a draft or a draft in review is
    the working text of the next version (never "version 0")."""
    if state in (State.PUBLISHED, State.RETIRED):
        return {"number": version, "draft_of": None}
    return {"number": None, "draft_of": version + 1}


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
                "version_label": version_label(version=row.version, state=row.state),
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


# Acknowledgments


def coverage(*, policy: Policy, on: datetime.date | None = None) -> list[dict[str, Any]]:
    """Per business unit the policy applies to: which staff acknowledged the
    version in force on `on` (today), which another version only, which none."""
    in_force = version_in_force(policy=policy, on=on)
    wanted = in_force.version if in_force is not None else None
    named = list(policy.business_units.order_by("name"))
    units = named or list(BusinessUnit.objects.order_by("name"))
    versions: dict[int, set[int]] = {}
    for user_id, version in Acknowledgment.objects.filter(policy=policy).values_list(
        "user_id", "version"
    ):
        versions.setdefault(user_id, set()).add(version)
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
            acknowledged = versions.get(user.pk)
            if not acknowledged:
                missing.append(user.get_username())
            elif wanted in acknowledged:
                current.append(user.get_username())
            else:
                outdated.append({"user": user.get_username(), "version": max(acknowledged)})
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
    whether a newer version of each has taken effect since."""
    rows = list(
        Attestation.objects.filter(initiative=initiative)
        .select_related("policy", "user")
        .order_by("-at", "-id")
    )
    if not rows:
        return []
    latest_at = rows[0].at
    latest = [r for r in rows if r.at == latest_at]
    in_force = dict(
        with_version_in_force(
            policies=Policy.objects.filter(pk__in=[r.policy_id for r in latest])
        ).values_list("pk", VERSION_IN_FORCE)
    )
    result = []
    for row in sorted(latest, key=lambda r: r.policy.title):
        current = in_force.get(row.policy_id)
        result.append(
            {
                "policy": row.policy_id,
                "title": row.policy.title,
                "version": row.version,
                "current_version": current,
                "republished_since": current is not None and current > row.version,
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


def exceptions_listed(
    *, user: UserLike, state: str = "", policy_id: int | None = None
) -> QuerySet[PolicyException]:
    """The exceptions the user may see, newest request first, optionally of one
    state or one policy; what a row shows is read with it (no query per row)."""
    exceptions = visible_exceptions(user=user)
    if state:
        exceptions = exceptions.filter(state=state)
    if policy_id is not None:
        exceptions = exceptions.filter(policy_id=policy_id)
    return exceptions.select_related("initiative__business_unit").order_by("-requested_at", "-id")


def initiatives_for_exceptions(*, user: UserLike) -> QuerySet[Initiative]:
    """The initiatives the user may ask an exception for: those they own and
    those of the units they lead (services.exception_request decides)."""
    if not user.is_authenticated:
        return Initiative.objects.none()
    lead_units = access.visible_unit_ids(user, access.LEAD)
    return (
        Initiative.objects.filter(business_unit_id__in=access.visible_unit_ids(user))
        .filter(Q(owner_id=user.pk) | Q(business_unit_id__in=lead_units))
        .select_related("business_unit")
        .order_by("title", "id")
    )


def may_request_exceptions(*, user: UserLike) -> bool:
    """Whether the user owns an initiative or leads a unit: who may ask for an exception."""
    return initiatives_for_exceptions(user=user).exists()


def policies_for_exceptions(*, user: UserLike) -> QuerySet[Policy]:
    """The policies in force the user may see: what an exception may waive."""
    return visible_policies(user=user).filter(HAS_VERSION_IN_FORCE).order_by("title", "id")


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


def unacknowledged_in_force(
    *, user: User, units: QuerySet[BusinessUnit], on: datetime.date | None = None
) -> QuerySet[Policy]:
    """The policies in force on `on` (today) for `units` whose version in force
    the user has not acknowledged, by title, annotated with that version."""
    acknowledged = Acknowledgment.objects.filter(
        policy_id=OuterRef("pk"), user=user, version=OuterRef("version_in_force")
    )
    return (
        policies_in_force_for_units(units=units, on=on)
        .filter(~Exists(acknowledged))
        .select_related("current_version")
        .order_by("title", "id")
    )


def missing_acknowledgments(*, user: User) -> QuerySet[Policy]:
    """The policies in force for the units the user works in whose version in
    force the user has not acknowledged."""
    units = access.visible_units(user, access.PROPOSE)
    if not units.exists():
        return Policy.objects.none()
    return unacknowledged_in_force(user=user, units=units)


def may_acknowledge(*, user: UserLike, policy: Policy) -> bool:
    """Whether the user works in a unit the policy applies to and it has a
    version in force or scheduled (the service checks the same before it writes)."""
    units = access.visible_units(user, access.PROPOSE)
    # A policy for every unit is not a policy for someone outside them all.
    if not units.exists() or policy.current_version_id is None or policy.retired_at is not None:
        return False
    return Policy.objects.filter(pk=policy.pk).filter(applying_to(units=units)).exists()


def policy_audit_links(*, user: UserLike, ids: list[str]) -> dict[str, str]:
    """The page of each policy among `ids` that the user may see (the audit page's links)."""
    numeric = [int(pk) for pk in ids if pk.isdigit() and len(pk) < 19]
    policies = Policy.objects.filter(pk__in=numeric)
    if not sees_all_policies(user=user):
        # visible_policies' rule, without the version it annotates.
        units = access.visible_units(user)
        policies = policies.filter(is_published()).filter(applying_to(units=units))
    found = policies.values_list("pk", flat=True)
    return {str(pk): reverse("policies:detail", args=[pk]) for pk in found}


def attested_as_read(*, values: list[Any]) -> list[str]:
    """Attestations as the audit log recorded them (`[{"policy": id, "version":
    n}]`) as people read them: "Social media policy, version 2". One query for
    all of them; an unknown policy keeps its number."""
    wanted = {
        item["policy"]
        for value in values
        if isinstance(value, list)
        for item in value
        if isinstance(item, dict) and isinstance(item.get("policy"), int)
    }
    titles = dict(Policy.objects.filter(pk__in=wanted).values_list("pk", "title"))

    def one(item: Any) -> str:
        if not isinstance(item, dict):
            return str(item)
        title = titles.get(item.get("policy"), f"#{item.get('policy')}")
        return gettext("%(title)s, version %(version)s") % {
            "title": title,
            "version": item.get("version", "?"),
        }

    return [
        "; ".join(one(item) for item in value) if isinstance(value, list) else str(value)
        for value in values
    ]
