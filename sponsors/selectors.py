"""Reads for sponsors: the portfolio of the units a caller oversees.

Every figure comes from a fixed number of aggregate queries, whatever the
number of initiatives."""

import datetime
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import connections
from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from governance import access
from governance.csv_export import text_cell
from governance.models import (
    BusinessUnit,
    Membership,
    OrganizationRole,
)
from initiatives.models import GoalTally, Initiative, State, UnitTally
from initiatives.preconditions import Unmet
from initiatives.selectors import (
    COE_STATES,
    Wait,
    awaiting_decision_condition,
    overdue_condition,
    waiting,
    without_goal_condition,
)
from policies.models import Acknowledgment, ExceptionState, PolicyException
from policies.selectors import policies_in_force_for_units, shown_version
from sponsors.models import Delegation, Sponsorship

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

UserLike = User | AnonymousUser


class Scored(TypedDict):
    """The score initiatives.scoring annotates."""

    score: float


class _AwaitingDecision(Scored):
    """What the portfolio adds to an initiative awaiting a decision: its score,
    its rank by score, and its wait."""

    priority_rank: int
    wait: Wait


class Overdue(TypedDict):
    """What the portfolio adds to an overdue initiative: its wait."""

    wait: Wait


# The budget an organization has committed: approved and not yet finished.
COMMITTED = (State.APPROVED, State.ACTIVE, State.PAUSED)
# Approved and after: committed or completed. The portfolio sums their budgets
# in the passes it makes anyway, for its sections to reuse (impact's planned spend).
APPROVED_AND_AFTER = (*COMMITTED, State.COMPLETED)
PENDING = (*COE_STATES, State.AWAITING_SPONSOR)


def portfolio_units(*, user: UserLike, business_unit: int | None = None) -> QuerySet[BusinessUnit]:
    """The units a caller's portfolio covers: those they can see (a sponsor's
    units, the whole organization for the CoE and auditors, a member's own
    units), optionally narrowed to one."""
    units = BusinessUnit.objects.filter(pk__in=access.visible_unit_ids(user))
    if business_unit is not None:
        units = units.filter(pk=business_unit)
    return units.order_by("name")


def has_portfolio(*, user: UserLike) -> bool:
    """Whether the user oversees any unit, so that a portfolio page has something to show."""
    return access.sees_any_unit(user)


def sets_scoring(*, user: UserLike) -> bool:
    """Whether the navigation offers the scoring weights: to the CoE, who set
    and apply them (the page itself is open to everyone signed in, as the API)."""
    return bool(
        access.organization_roles(user)
        & {OrganizationRole.Role.COE_LEAD, OrganizationRole.Role.COE_MEMBER}
    )


def sponsor_unit_roles(*, user: User, unit_ids: list[int]) -> list[tuple[int, str]]:
    """The sponsor's role on each of the given units the user sponsors
    (registered with governance.registry.unit_roles)."""
    return [
        (unit_id, access.Role.SPONSOR)
        for unit_id in Sponsorship.objects.filter(
            sponsor__user=user, business_unit_id__in=unit_ids
        ).values_list("business_unit_id", flat=True)
    ]


class SponsorDelegations:
    """Sign-off delegated by a sponsor, for governance.access (registered with
    governance.registry.delegations)."""

    def unit_ids(self, user: UserLike, day: datetime.date) -> QuerySet[Any]:
        return Sponsorship.objects.filter(
            sponsor__delegations__delegate_id=user.pk,
            sponsor__delegations__starts_on__lte=day,
            sponsor__delegations__ends_on__gte=day,
            sponsor__delegations__ended_at__isnull=True,
        ).values("business_unit_id")

    def delegator(self, user: UserLike, unit_id: int, day: datetime.date) -> User | None:
        delegation = (
            Delegation.objects.filter(
                delegate_id=user.pk,
                starts_on__lte=day,
                ends_on__gte=day,
                ended_at__isnull=True,
                sponsor__business_units__id=unit_id,
            )
            .select_related("sponsor__user")
            .order_by("starts_on", "id")
            .first()
        )
        return delegation.sponsor.user if delegation else None

    def delegators(self, user: UserLike, day: datetime.date) -> dict[int, User]:
        # The earliest delegation wins a unit two sponsors delegated, as in `delegator`.
        delegations = (
            Delegation.objects.filter(
                delegate_id=user.pk,
                starts_on__lte=day,
                ends_on__gte=day,
                ended_at__isnull=True,
                sponsor__business_units__isnull=False,
            )
            .annotate(unit_id=F("sponsor__business_units__id"))
            .select_related("sponsor__user")
            .order_by("starts_on", "id")
        )
        found: dict[int, User] = {}
        for delegation in delegations:
            found.setdefault(delegation.unit_id, delegation.sponsor.user)
        return found


def portfolio_initiatives(*, units: QuerySet[BusinessUnit] | list[int]) -> QuerySet[Initiative]:
    if isinstance(units, list):
        return Initiative.objects.filter(business_unit_id__in=units)
    return Initiative.objects.filter(business_unit__in=units.values("pk"))


EXPORT_CHUNK = 2000
_EXPORTED = (
    "id",
    "title",
    "business_unit__name",
    "state",
    "owner__username",
    "budget",
    "risk",
    "start_date",
    "end_date",
    "created_at",
    "waiting_since",
    "score",
)


def export_chunks(*, units: QuerySet[BusinessUnit]) -> Iterator[list[list[Any]]]:
    """Every initiative of the units as rows of the CSV export, by unit name
    and id, EXPORT_CHUNK rows at a time: read as tuples (a server-side cursor
    on PostgreSQL), with the goals read once per chunk and the stored score.
    Text that people typed (titles, names) is already neutralised for
    spreadsheets (governance.csv_export.text_cell); no other cell can start
    like a formula."""
    tuples = (
        portfolio_initiatives(units=units)
        .order_by("business_unit__name", "id")
        .values_list(*_EXPORTED)
        .iterator(chunk_size=EXPORT_CHUNK)
    )
    chunk: list[tuple[Any, ...]] = []
    for row in tuples:
        chunk.append(row)
        if len(chunk) == EXPORT_CHUNK:
            yield _export_chunk(chunk)
            chunk = []
    if chunk:
        yield _export_chunk(chunk)


def _export_chunk(chunk: list[tuple[Any, ...]]) -> list[list[Any]]:
    goals: dict[int, list[str]] = defaultdict(list)
    for initiative_id, title in (
        Initiative.goals.through.objects.filter(initiative_id__in=[row[0] for row in chunk])
        .order_by("strategicgoal__title", "strategicgoal_id")
        .values_list("initiative_id", "strategicgoal__title")
    ):
        goals[initiative_id].append(title)
    today = timezone.localdate()
    currency = settings.CURRENCY
    rows = []
    for (
        pk,
        title,
        unit_name,
        state,
        owner,
        budget,
        risk,
        start_date,
        end_date,
        created_at,
        waiting_since,
        score,
    ) in chunk:
        wait = (
            waiting(initiative=_Waiting(state, waiting_since), today=today)
            if waiting_since is not None
            else _NOT_WAITING
        )
        rows.append(
            [
                pk,
                text_cell(title),
                text_cell(unit_name),
                state,
                text_cell(owner),
                budget,
                # Every budget is in the one currency; the column repeats its code
                # so that a row read alone still says what its amount means.
                currency,
                risk,
                text_cell("; ".join(goals.get(pk, ()))),
                f"{score:.1f}",
                "" if wait.waiting_days is None else wait.waiting_days,
                "yes" if wait.overdue else "no",
                start_date or "",
                end_date or "",
                created_at.isoformat(),
            ]
        )
    return rows


_NOT_WAITING = Wait(None, False)


@dataclass(frozen=True)
class _Waiting:
    """What `waiting` reads of an initiative."""

    state: str
    waiting_since: datetime.datetime | None = None


# The items a portfolio shows of each of its lists; the count says how many
# there are, and a link opens the initiative list filtered to all of them.
LIST_SIZE = 10


def _list_url(attention: str, business_unit: int | None) -> str:
    query = f"?attention={attention}"
    if business_unit is not None:
        query += f"&business_unit={business_unit}"
    return reverse("initiatives:list") + query


def awaiting_decision(
    *, user: UserLike, units: QuerySet[BusinessUnit] | list[int], limit: int | None = LIST_SIZE
) -> "list[WithAnnotations[Initiative, _AwaitingDecision]]":
    """Initiatives waiting for a decision the user may take, oldest wait first
    (at most `limit`), each with its stored score and its rank by score among
    all of them (1 is the highest), ranked in the database."""
    awaiting = portfolio_initiatives(units=units).filter(awaiting_decision_condition(user=user))
    return _awaiting_first(awaiting, limit)[0]


def _awaiting_first(
    awaiting: QuerySet[Initiative], limit: int | None
) -> "tuple[list[WithAnnotations[Initiative, _AwaitingDecision]], int]":
    """The first `limit` of `awaiting` with their ranks, and how many there are
    in all (counted by the ranking's window, which reads them all anyway)."""
    queryset = awaiting.select_related("business_unit", "owner").order_by(
        Coalesce("waiting_since", "created_at"), "id"
    )
    items = cast(
        "list[WithAnnotations[Initiative, _AwaitingDecision]]",
        list(queryset if limit is None else queryset[:limit]),
    )
    ranks, count = _ranks(awaiting, [item.pk for item in items])
    for item in items:
        item.priority_rank = ranks[item.pk]
        item.wait = waiting(initiative=item)
    return items, count


def _ranks(initiatives: QuerySet[Initiative], ids: list[int]) -> tuple[dict[int, int], int]:
    """The rank by score (highest first, then by id) among `initiatives` of each
    of `ids`, and how many `initiatives` there are: the window runs over the
    id and the score alone, and only the rows asked for leave the database (a
    filter on the rows would narrow what is ranked, so it is applied around
    the window). None of them (no `ids`): nothing to rank or count."""
    if not ids:
        return {}, 0
    ranked = (
        initiatives.annotate(
            rank=Window(RowNumber(), order_by=[F("score").desc(), F("id").asc()]),
            total=Window(Count("id")),
        )
        .order_by()
        .values_list("id", "rank", "total")
    )
    sql, params = ranked.query.sql_with_params()
    wanted = ", ".join(["%s"] * len(ids))
    with connections[ranked.db].cursor() as cursor:
        cursor.execute(
            "SELECT ranked.id, ranked.rank, ranked.total"
            f" FROM ({sql}) ranked WHERE ranked.id IN ({wanted})",
            [*params, *ids],
        )
        rows = cursor.fetchall()
    return {pk: rank for pk, rank, _total in rows}, rows[0][2]


def overdue_items(
    *, units: QuerySet[BusinessUnit] | list[int], limit: int | None = LIST_SIZE
) -> "list[WithAnnotations[Initiative, Overdue]]":
    """Initiatives past their review target, longest wait first (at most
    `limit`); decided in the database."""
    queryset = (
        _overdue(units).select_related("business_unit", "owner").order_by("waiting_since", "id")
    )
    items = cast(
        "list[WithAnnotations[Initiative, Overdue]]",
        list(queryset if limit is None else queryset[:limit]),
    )
    for item in items:
        item.wait = waiting(initiative=item)
    return items


def _overdue(units: QuerySet[BusinessUnit] | list[int]) -> QuerySet[Initiative]:
    return portfolio_initiatives(units=units).filter(state__in=PENDING).filter(overdue_condition())


@dataclass(frozen=True)
class ApprovedBudget:
    """The budget of the portfolio's initiatives approved and after (committed
    or completed): in all, by unit and by goal (an initiative that serves two
    goals counts toward each). Only units and goals that have such an
    initiative are keys."""

    total: Decimal
    by_business_unit: dict[int, Decimal]
    by_goal: dict[int, Decimal]


def portfolio(
    *,
    user: UserLike,
    units: QuerySet[BusinessUnit],
    business_unit: int | None = None,
    approved_budget: bool = False,
) -> dict[str, Any]:
    """The figures of the portfolio of `units`, as seen by `user`: counts and
    sums in the database; of the initiatives awaiting the user, overdue or
    without a goal, the count, the first LIST_SIZE and a link to all of them
    (`business_unit`: the one unit the portfolio was narrowed to).
    `approved_budget`: also the ApprovedBudget, for the page's sections (its
    join of the goal links then reads the completed initiatives too)."""
    unit_rows = list(units.values("id", "name"))
    unit_ids = [row["id"] for row in unit_rows]
    initiatives = portfolio_initiatives(units=unit_ids)

    # The counts and sums by state and unit, and by goal, from the tallies the
    # database keeps of them (a row per unit and state, and per goal besides)
    # rather than a pass over every initiative: alignment and "without a goal"
    # are counted there from the flags stored with the score.
    by_state = dict.fromkeys(State.values, 0)
    unit_budget: dict[int, Decimal] = {}
    approved_by_unit: dict[int, Decimal] = {}
    total = aligned = Decimal(0)
    without_goal_count = 0
    for state, unit_id, count, budget, aligned_budget, goalless in UnitTally.objects.filter(
        business_unit_id__in=unit_ids, initiatives__gt=0
    ).values_list(
        "state", "business_unit_id", "initiatives", "budget", "aligned_budget", "without_goal"
    ):
        by_state[state] += count
        without_goal_count += goalless
        if state in APPROVED_AND_AFTER:
            approved_by_unit[unit_id] = approved_by_unit.get(unit_id, Decimal(0)) + budget
        if state in COMMITTED:
            unit_budget[unit_id] = unit_budget.get(unit_id, Decimal(0)) + budget
            total += budget
            aligned += aligned_budget
    # An initiative that serves two goals counts toward each of them. The
    # committed budget (the chart), and that of the completed ones besides
    # (approved and after, for the sections).
    sums = {"total": Sum("budget", filter=Q(state__in=COMMITTED))}
    if approved_budget:
        sums["completed"] = Sum("budget", filter=Q(state=State.COMPLETED))
    goal_budget = list(
        GoalTally.objects.filter(
            business_unit_id__in=unit_ids,
            state__in=APPROVED_AND_AFTER if approved_budget else COMMITTED,
            initiatives__gt=0,
        )
        .values("goal_id", "goal__title", "goal__active")
        .annotate(**sums)
        .order_by(F("total").desc(nulls_last=True), "goal__title")
    )
    without_goal = initiatives.filter(without_goal_condition())
    awaiting = portfolio_initiatives(units=unit_ids).filter(awaiting_decision_condition(user=user))
    awaiting_items, awaiting_count = _awaiting_first(awaiting, LIST_SIZE)
    single = business_unit
    return {
        "business_units": unit_rows,
        "counts_by_state": by_state,
        "committed_budget": total,
        "budget_by_business_unit": [
            {"id": u["id"], "name": u["name"], "budget": unit_budget.get(u["id"], Decimal(0))}
            for u in unit_rows
        ],
        "budget_by_goal": [
            {
                "id": g["goal_id"],
                "title": g["goal__title"],
                "active": g["goal__active"],
                "budget": g["total"],
            }
            for g in goal_budget
            if g["total"] is not None
        ],
        "aligned_budget": aligned,
        "aligned_share": (aligned / total).quantize(Decimal("0.0001")) if total else None,
        "without_goal": list(
            without_goal.select_related("business_unit").order_by("created_at", "id")[:LIST_SIZE]
        ),
        "without_goal_count": without_goal_count,
        "without_goal_url": _list_url("without_goal", single),
        "awaiting_decision": awaiting_items,
        "awaiting_decision_count": awaiting_count,
        "awaiting_decision_url": _list_url("awaiting", single),
        "overdue": overdue_items(units=unit_ids),
        "overdue_count": _overdue(unit_ids).count(),
        "overdue_url": _list_url("overdue", single),
        "policy_coverage": policy_coverage(units=units, unit_rows=unit_rows),
        "exceptions_expiring": expiring_exceptions(units=units),
        "approved_budget": ApprovedBudget(
            total=sum(approved_by_unit.values(), Decimal(0)),
            by_business_unit=approved_by_unit,
            by_goal={
                g["goal_id"]: (g["total"] or Decimal(0)) + (g["completed"] or Decimal(0))
                for g in goal_budget
            },
        )
        if approved_budget
        else None,
    }


def policy_coverage(
    *, units: QuerySet[BusinessUnit], unit_rows: Sequence[Mapping[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Per unit: how many of its staff acknowledged the version in force of every
    policy that applies to them. Four queries, whatever the size (three when
    the caller read the units' ids and names, `unit_rows`)."""
    if unit_rows is None:
        unit_rows = [dict(row) for row in units.values("id", "name")]
    policies = list(policies_in_force_for_units(units=units).prefetch_related("business_units"))
    staff: dict[int, set[int]] = {row["id"]: set() for row in unit_rows}
    for unit_id, user_id in Membership.objects.filter(
        business_unit__in=units.values("pk")
    ).values_list("business_unit_id", "user_id"):
        staff[unit_id].add(user_id)
    # The staff as a subquery: a list of every member's id would be as long as the staff.
    acknowledged: set[tuple[int, int, int]] = set(
        Acknowledgment.objects.filter(
            policy__in=[p.pk for p in policies],
            user_id__in=Membership.objects.filter(business_unit__in=units.values("pk")).values(
                "user_id"
            ),
        ).values_list("user_id", "policy_id", "version")
    )
    # Measured against the version in force today, not one scheduled later.
    versions = [(p, shown_version(policy=p)) for p in policies]
    result = []
    for row in unit_rows:
        applying = [
            (p.pk, version)
            for p, version in versions
            if not p.business_units.all() or any(u.pk == row["id"] for u in p.business_units.all())
        ]
        members = staff[row["id"]]
        current = sum(
            1
            for user in members
            if all((user, pk, version) in acknowledged for pk, version in applying)
        )
        result.append(
            {
                "id": row["id"],
                "name": row["name"],
                "policies": len(applying),
                "staff": len(members),
                "acknowledged_current": current,
                "share": round(current / len(members), 4) if members and applying else None,
            }
        )
    return result


def expiring_exceptions(*, units: QuerySet[BusinessUnit], days: int = 30) -> list[Any]:
    """Approved exceptions of the units' initiatives that end within `days`."""
    today = timezone.localdate()
    return list(
        PolicyException.objects.filter(
            state=ExceptionState.APPROVED,
            expires_on__gt=today,
            expires_on__lte=today + datetime.timedelta(days=days),
            initiative__business_unit__in=units.values("pk"),
        )
        .select_related("policy", "initiative")
        .order_by("expires_on", "id")
    )


def delegations_for(*, user: User) -> QuerySet[Delegation]:
    """Delegations the user gave or received; the CoE lead and auditors see all."""
    queryset = Delegation.objects.select_related("sponsor__user", "delegate")
    from governance.models import OrganizationRole

    if OrganizationRole.objects.filter(
        user_id=user.pk,
        role__in=[OrganizationRole.Role.COE_LEAD, OrganizationRole.Role.AUDITOR],
    ).exists():
        return queryset
    return queryset.filter(Q(sponsor__user_id=user.pk) | Q(delegate_id=user.pk))


def unit_has_active_sponsor(*, initiative: Initiative) -> Unmet | None:
    """An approval requirement: the initiative's unit has an executive sponsor
    whose account is active."""
    if Sponsorship.objects.filter(
        business_unit_id=initiative.business_unit_id, sponsor__user__is_active=True
    ).exists():
        return None
    return Unmet(
        gettext("%(unit)s has no active executive sponsor.")
        % {"unit": initiative.business_unit.name}
    )
