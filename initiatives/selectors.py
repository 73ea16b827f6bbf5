"""Reads of initiatives, always through what the user may see. Whether a user
may take a transition is governance.transitions' answer, from the rights the
models declare."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import OrderBy
from django.urls import reverse
from django.utils import timezone

from governance import access, transitions
from governance.models import StrategicGoal
from governance.transitions import Rule
from initiatives import amendment_parts
from initiatives.models import (
    PENDING_AMENDMENT_STATES,
    Amendment,
    Decision,
    Initiative,
    RoutingRuleSet,
    State,
)

UserLike = User | AnonymousUser


# Every transition of the initiative and of an amendment, by name, with its rule.
TRANSITIONS: dict[str, Rule] = transitions.rules(Initiative)
AMENDMENT_TRANSITIONS: dict[str, Rule] = transitions.rules(Amendment)


def _as_shown(initiatives: QuerySet[Initiative]) -> QuerySet[Initiative]:
    return initiatives.select_related("business_unit", "owner").prefetch_related("goals")


def initiative_visibility(
    *,
    user: UserLike,
    unit: str = "business_unit_id",
    pk: str = "pk",
    granted_ids: list[int] | None = None,
) -> Q:
    """Which initiatives the user may see, as a condition on a unit column and
    an id column: those of units they may see, and those a committee or a
    working group they sit on decides on or owns (per-object grants: the ids
    in `granted_ids` where the caller read them already, else a short
    subquery). `visible_initiatives` reads it on the initiatives; search reads
    it on its documents, which keep their initiative's unit."""
    condition = Q(**{f"{unit}__in": access.visible_unit_ids(user)})
    if granted_ids is None:
        return condition | Q(
            **{f"{pk}__in": access.object_ids(user, Initiative, access.VIEW_INITIATIVE)}
        )
    # No grant at all (most users): the units alone, which their indexes serve.
    return condition | Q(**{f"{pk}__in": granted_ids}) if granted_ids else condition


def visible_initiatives(*, user: UserLike) -> QuerySet[Initiative]:
    """The initiatives the user may see (`initiative_visibility`)."""
    return _as_shown(Initiative.objects.filter(initiative_visibility(user=user)))


def as_listed(*, queryset: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """The initiatives as the API lists them: the owner's name read with the
    row (`owner_username`) instead of the unit and the owner as objects. A
    subquery, not a join, so that the page's COUNT does not read the users."""
    owner = User.objects.filter(pk=OuterRef("owner_id")).values("username")[:1]
    return queryset.select_related(None).annotate(owner_username=Subquery(owner))


# More committee grants than this and the list filters on the grants' subquery.
LITERAL_GRANTS = 1000


def listed_initiatives(*, user: UserLike) -> QuerySet[Initiative]:
    """`visible_initiatives` as the API lists them (`as_listed`), with the
    user's committee grants read first: the condition is then over constants
    (`business_unit_id IN (...) OR id IN (...)`, or the units alone for most
    users), which the page and its COUNT read from the unit's indexes instead
    of filtering every initiative through the grants' subquery."""
    granted = access.object_id_list(
        user, Initiative, access.VIEW_INITIATIVE, at_most=LITERAL_GRANTS
    )
    condition = initiative_visibility(user=user, granted_ids=granted)
    return as_listed(queryset=_as_shown(Initiative.objects.filter(condition)))


# The columns of a listed initiative (`listed_rows`), the goals aside.
LISTED_COLUMNS = (
    "id",
    "title",
    "summary",
    "business_unit_id",
    "owner_username",
    "audiences",
    "functions",
    "channels",
    "budget",
    "risk",
    "kpis",
    "expected_impact",
    "effort",
    "start_date",
    "end_date",
    "state",
    "score",
    "waiting_since",
    "created_at",
    "updated_at",
)


def listed_rows(*, queryset: QuerySet[Initiative]) -> QuerySet[Any]:
    """The rows of an `as_listed` queryset as values (LISTED_COLUMNS): what
    the API's list answers with, without building an initiative per row."""
    return queryset.prefetch_related(None).values(*LISTED_COLUMNS)


def goal_ids_of(*, initiative_ids: list[int]) -> dict[int, list[int]]:
    """The goal ids of each initiative, in the goals' own order (as
    `initiative.goals.all()` gives them), in one query over the links."""
    ordering = [
        f"-strategicgoal__{name[1:]}" if name.startswith("-") else f"strategicgoal__{name}"
        for name in StrategicGoal._meta.ordering or ()
    ]
    found: dict[int, list[int]] = {pk: [] for pk in initiative_ids}
    links = (
        Initiative.goals.through.objects.filter(initiative_id__in=initiative_ids)
        .order_by(*ordering, "strategicgoal_id")
        .values_list("initiative_id", "strategicgoal_id")
    )
    for initiative_id, goal_id in links:
        found[initiative_id].append(goal_id)
    return found


def reread(*, initiative: Initiative) -> Initiative:
    """The initiative as pages show it, read again after a change, for a request
    that has already found it visible."""
    return _as_shown(Initiative.objects.filter(pk=initiative.pk)).get()


def decisions_of(*, initiative: Initiative) -> QuerySet[Decision]:
    return initiative.decisions.select_related("actor", "on_behalf_of").order_by("at", "id")


# Review SLAs. The CoE's clock starts at the latest submission; the sponsor's
# when the initiative entered awaiting_sponsor.
COE_STATES = frozenset({State.SUBMITTED, State.IN_REVIEW})
REVIEW_QUEUE_STATES = (State.SUBMITTED, State.IN_REVIEW)

# How a list may be ordered: the public key and the ordering it stands for.
SORTS: dict[str, tuple[str | OrderBy, ...]] = {
    "created": ("-created_at", "-id"),
    "title": ("title", "id"),
    "budget": (F("budget").desc(), "-id"),
    # Longest waiting first; initiatives not waiting for a decision come last.
    "waiting": (F("waiting_since").asc(nulls_last=True), "id"),
    # Highest priority score first: the stored score, read with its index.
    "score": ("-score", "-id"),
}


def business_days_between(*, start: datetime.date, end: datetime.date) -> int:
    """Whole business days (Monday to Friday) after `start` up to and including `end`."""
    if end <= start:
        return 0
    days = (end - start).days
    weeks, extra = divmod(days, 7)
    count = weeks * 5
    for offset in range(1, extra + 1):
        if (start + datetime.timedelta(days=offset)).weekday() < 5:
            count += 1
    return count


@dataclass(frozen=True)
class Wait:
    """How long an initiative has waited for its current decision: business
    days (what the target counts) and calendar days (what people read)."""

    waiting_days: int | None
    overdue: bool
    days: int | None = None

    def __bool__(self) -> bool:
        # Falsy when nothing is awaited, so that templates can write {% if waiting %}.
        return self.waiting_days is not None


def waiting(*, initiative: Any, today: datetime.date | None = None) -> Wait:
    """How many business days the initiative has waited for its current decision
    (since `waiting_since`), and whether that is past the target."""
    return wait_of(
        state=initiative.state,
        since=initiative.waiting_since,
        today=today or timezone.localdate(),
    )


def wait_of(*, state: str, since: datetime.datetime | None, today: datetime.date) -> Wait:
    """`waiting` of an initiative in `state` waiting since `since`, for rows
    read as values."""
    if state in COE_STATES:
        target = settings.COE_REVIEW_SLA_DAYS
    elif state == State.AWAITING_SPONSOR:
        target = settings.SPONSOR_SLA_DAYS
    else:
        return Wait(None, False)
    if since is None:
        return Wait(None, False)
    start = timezone.localtime(since).date()
    days = business_days_between(start=start, end=today)
    return Wait(days, days > target, max((today - start).days, 0))


def last_approval(*, initiative: Initiative) -> Decision | None:
    """The latest decision that approved the initiative or one of its amendments."""
    return (
        initiative.decisions.filter(approved_version__isnull=False)
        .select_related("actor", "on_behalf_of", "approved_version")
        .order_by("-at", "-id")
        .first()
    )


def amendments_of(*, initiative: Initiative) -> QuerySet[Amendment]:
    return (
        initiative.amendments.select_related("proposed_by")
        .prefetch_related(*amendment_parts.prefetches())
        .order_by("-created_at", "-id")
    )


def pending_amendment(*, initiative: Initiative) -> Amendment | None:
    """The initiative's amendment under review, if any (there is at most one)."""
    return (
        amendments_of(initiative=initiative)
        .filter(state__in=PENDING_AMENDMENT_STATES)
        .select_related("initiative__business_unit", "initiative__owner")
        .first()
    )


def amendment_visibility(*, user: UserLike, unit: str = "initiative__business_unit_id") -> Q:
    """Which amendments the user may see, as a condition on their initiative's
    unit: those of initiatives of units they may see (a per-object grant on an
    initiative does not show its amendments). Search reads it on its
    documents, which keep the initiative's unit."""
    return Q(**{f"{unit}__in": access.visible_unit_ids(user)})


def visible_amendments(*, user: UserLike) -> QuerySet[Amendment]:
    return (
        Amendment.objects.filter(amendment_visibility(user=user))
        .select_related("proposed_by", "initiative__business_unit", "initiative__owner")
        .prefetch_related(*amendment_parts.prefetches())
    )


def review_queue(*, user: UserLike) -> QuerySet[Initiative]:
    """Submitted and in-review initiatives the user may see, oldest submission first."""
    return (
        visible_initiatives(user=user)
        .filter(state__in=REVIEW_QUEUE_STATES)
        .order_by(F("waiting_since").asc(nulls_last=True), "id")
    )


def awaiting_sponsor(*, user: UserLike) -> QuerySet[Initiative]:
    """Initiatives waiting for the user's sign-off: awaiting a sponsor in a unit
    they sponsor, or whose sponsor delegated to them today. Not their own
    (nobody decides on what they own). Longest waiting first."""
    return (
        visible_initiatives(user=user)
        .filter(state=State.AWAITING_SPONSOR)
        .filter(
            Q(business_unit_id__in=access.visible_unit_ids(user, access.SPONSOR))
            | Q(business_unit_id__in=access.delegated_unit_ids(user))
        )
        .exclude(owner_id=user.pk)
        .order_by(F("waiting_since").asc(nulls_last=True), "id")
    )


def _first_day_not_overdue(today: datetime.date, target: int) -> datetime.date:
    """The earliest day a wait may have begun on without being past `target`
    business days by `today`: the business-day count only grows as the start
    moves back, so every earlier start is overdue."""
    day = today
    while business_days_between(start=day - datetime.timedelta(days=1), end=today) <= target:
        day -= datetime.timedelta(days=1)
    return day


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def overdue_condition(*, today: datetime.date | None = None) -> Q:
    """`waiting(...).overdue` as a database condition on `waiting_since`, so
    that overdue items are counted and paged in SQL, with its index."""
    today = today or timezone.localdate()
    coe = _start_of(_first_day_not_overdue(today, settings.COE_REVIEW_SLA_DAYS))
    sponsor = _start_of(_first_day_not_overdue(today, settings.SPONSOR_SLA_DAYS))
    return Q(state__in=COE_STATES, waiting_since__lt=coe) | Q(
        state=State.AWAITING_SPONSOR, waiting_since__lt=sponsor
    )


def serves_active_goal() -> Q:
    """Serves at least one active strategic goal: the flag stored with the
    score (initiatives.scoring), so that an aggregate over many initiatives
    reads no goal links."""
    return Q(aligned=True)


def without_goal_condition() -> Q:
    """No strategic goal at all (an inactive one still counts as a goal)."""
    return Q(has_goal=False)


def decision_rights(*, user: UserLike) -> dict[str, set[int]]:
    """Units where the user reviews, decides or signs off (own right or delegated)."""
    rights = access.unit_rights(user)
    return {
        access.REVIEW: set(rights.get(access.REVIEW, ())),
        access.DECIDE: set(rights.get(access.DECIDE, ())),
        access.SPONSOR: set(rights.get(access.SPONSOR, ()))
        | set(access.delegated_unit_ids(user).values_list("business_unit_id", flat=True)),
    }


def awaiting_decision_condition(*, user: UserLike) -> Q:
    """Waiting for a decision the user may take: a review in a unit they
    review, a decision in one they review or decide, a sign-off in one they
    sponsor (or sign off for as a delegate); never their own, once submitted."""
    rights = decision_rights(user=user)
    reviewable = rights[access.REVIEW]
    decidable = rights[access.DECIDE]
    signable = rights[access.SPONSOR]
    return (
        Q(state=State.SUBMITTED, business_unit_id__in=sorted(reviewable))
        | Q(state=State.IN_REVIEW, business_unit_id__in=sorted(reviewable | decidable))
        | Q(state=State.AWAITING_SPONSOR, business_unit_id__in=sorted(signable))
    ) & ~(Q(owner_id=user.pk) & ~Q(state=State.SUBMITTED))


# What the list's `attention` filter selects; the portfolio links to each.
ATTENTION = ("awaiting", "overdue", "without_goal")


def search_initiatives(
    *,
    user: UserLike,
    state: str = "",
    business_unit: int | None = None,
    goal: int | None = None,
    text: str = "",
    sort: str = "created",
    attention: str = "",
) -> QuerySet[Initiative]:
    """The visible initiatives matching every given filter, in the order `sort`
    names."""
    queryset = visible_initiatives(user=user)
    if state:
        queryset = queryset.filter(state=state)
    if business_unit:
        queryset = queryset.filter(business_unit_id=business_unit)
    if goal:
        # A subquery, not a join, so that an initiative with two goals is listed once.
        queryset = queryset.filter(
            pk__in=Initiative.goals.through.objects.filter(strategicgoal_id=goal).values(
                "initiative_id"
            )
        )
    if text:
        queryset = queryset.filter(Q(title__icontains=text) | Q(summary__icontains=text))
    if attention:
        queryset = queryset.filter(attention_condition(user=user, attention=attention))
    return queryset.order_by(*SORTS.get(sort, SORTS["created"]))


def attention_condition(*, user: UserLike, attention: str) -> Q:
    """The condition of one of ATTENTION's filters."""
    if attention == "awaiting":
        return awaiting_decision_condition(user=user)
    if attention == "overdue":
        return overdue_condition()
    if attention == "without_goal":
        return without_goal_condition()
    raise ValueError(attention)


def _numeric(ids: list[str]) -> list[int]:
    # Ids as the audit log records them (text); only numbers can be ours.
    return [int(pk) for pk in ids if pk.isdigit() and len(pk) < 19]


def initiative_audit_links(*, user: UserLike, ids: list[str]) -> dict[str, str]:
    """The page of each initiative among `ids` that the user may see (the audit page's links)."""
    found = Initiative.objects.filter(
        pk__in=_numeric(ids), business_unit_id__in=access.visible_unit_ids(user)
    ).values_list("pk", flat=True)
    return {str(pk): reverse("initiatives:detail", args=[pk]) for pk in found}


def amendment_audit_links(*, user: UserLike, ids: list[str]) -> dict[str, str]:
    """For each amendment among `ids` that the user may see, its initiative's
    page, where the amendment is shown."""
    found = Amendment.objects.filter(
        pk__in=_numeric(ids), initiative__business_unit_id__in=access.visible_unit_ids(user)
    ).values_list("pk", "initiative_id")
    return {str(pk): reverse("initiatives:detail", args=[initiative]) for pk, initiative in found}


def routing_rules_in_force() -> RoutingRuleSet | None:
    return RoutingRuleSet.objects.select_related("published_by").order_by("-version").first()


def routing_versions() -> QuerySet[RoutingRuleSet]:
    return RoutingRuleSet.objects.select_related("published_by").order_by("-version")


def unit_names() -> list[tuple[int, str]]:
    from governance.models import BusinessUnit

    return list(BusinessUnit.objects.values_list("pk", "name"))
