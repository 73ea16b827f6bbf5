"""Reads of business impact: an initiative's KPIs with their latest values,
the checks the workflow asks before submitting and completing, and the
portfolio's impact figures, aggregated in SQL in a fixed number of queries
whatever the number of initiatives, KPIs and measurements.

Definitions the figures use (the README repeats them):
- a KPI's *current value* is its latest measurement (by date, then by id)
  that no correction superseded;
- a KPI is *met* when its current value reaches the target in its direction
  (at least the target when higher is better, at most when lower is);
- a KPI is *behind* when its due date has passed and it is not met; an
  initiative is behind target when one of its KPIs is;
- *planned* spend is the budget of approved, active, paused and completed
  initiatives; *actual* spend is the spend recorded for them; an initiative
  is *over budget* when its recorded spend exceeds its budget;
- an outcome review is *due* for an active or paused initiative past its
  end date without an accepted review, and *awaiting acceptance* once
  submitted;
- the *results* of accepted outcome reviews count each KPI's result (met,
  partly met, missed), in all, by unit and by the goal the KPI serves."""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from governance.models import BusinessUnit, StrategicGoal
from governance.registry import UserLike
from impact.models import Direction, Kpi, KpiResult, Measurement, OutcomeReview, ReviewState, Spend
from initiatives.models import RUNNING_STATES, Initiative, State
from initiatives.preconditions import Unmet
from initiatives.selectors import visible_initiatives
from sponsors.selectors import ApprovedBudget

# Initiatives whose KPIs and spend count in the portfolio: approved and after.
COUNTED_STATES = (State.APPROVED, State.ACTIVE, State.PAUSED, State.COMPLETED)
# How many initiatives a list of the summary shows (its count says how many in all).
LISTED = 10
OUTCOMES = ("met", "partly", "missed")


def visible_initiative(*, user: UserLike, pk: int) -> Initiative:
    """The initiative, if the user may see it; 404 otherwise."""
    initiative = visible_initiatives(user=user).filter(pk=pk).first()
    if initiative is None:
        raise Http404("No such initiative.")
    return initiative


def visible_kpi(*, user: UserLike, pk: int) -> Kpi:
    kpi = (
        Kpi.objects.select_related("initiative", "goal")
        .filter(pk=pk, initiative__in=visible_initiatives(user=user).values("pk"))
        .annotate(current=_latest_value())
        .first()
    )
    if kpi is None:
        raise Http404("No such KPI.")
    return kpi


def visible_measurement(*, user: UserLike, pk: int) -> Measurement:
    measurement = (
        Measurement.objects.select_related("kpi__initiative")
        .filter(pk=pk, kpi__initiative__in=visible_initiatives(user=user).values("pk"))
        .first()
    )
    if measurement is None:
        raise Http404("No such measurement.")
    return measurement


def current_measurements() -> QuerySet[Measurement]:
    """Measurements that no correction superseded."""
    return Measurement.objects.filter(superseded_by__isnull=True)


def _latest_value() -> Subquery:
    return Subquery(
        current_measurements()
        .filter(kpi=OuterRef("pk"))
        .order_by("-measured_on", "-id")
        .values("value")[:1]
    )


MET = Q(direction=Direction.HIGHER, current__gte=F("target")) | Q(
    direction=Direction.LOWER, current__lte=F("target")
)


def kpis_of(*, initiative: Initiative) -> QuerySet[Kpi]:
    """The initiative's KPIs with their current value (`current`) and goal."""
    return (
        Kpi.objects.filter(initiative=initiative)
        .select_related("goal")
        .annotate(current=_latest_value())
        .order_by("id")
    )


def kpi_count(*, initiative: Initiative) -> int:
    return Kpi.objects.filter(initiative=initiative).count()


def measurements_of(*, initiative: Initiative) -> QuerySet[Measurement]:
    """Every measurement of the initiative's KPIs, corrected ones included,
    newest first, with what corrected them."""
    return (
        Measurement.objects.filter(kpi__initiative=initiative)
        .select_related("kpi", "recorded_by", "superseded_by")
        .order_by("kpi_id", "-measured_on", "-id")
    )


def spend_of(*, initiative: Initiative) -> QuerySet[Spend]:
    return Spend.objects.filter(initiative=initiative).order_by("period")


def outcome_review_of(*, initiative: Initiative) -> OutcomeReview | None:
    return (
        OutcomeReview.objects.filter(initiative=initiative)
        .select_related("submitted_by", "decided_by")
        .prefetch_related("results__kpi")
        .first()
    )


# Checks the workflow asks (registered in initiatives.preconditions).


def kpis_for_each_goal(*, user: UserLike, initiative: Initiative) -> Unmet | None:
    """Submitting needs at least one KPI for each strategic goal the initiative serves."""
    missing = list(
        StrategicGoal.objects.filter(initiatives=initiative)
        .exclude(
            pk__in=Kpi.objects.filter(initiative=initiative, retired_at__isnull=True).values("goal")
        )
        .order_by("title")
        .values_list("title", flat=True)
    )
    if not missing:
        return None
    return Unmet(
        ngettext(
            "Add a KPI for the strategic goal %(goals)s before submitting.",
            "Add a KPI for each of the strategic goals %(goals)s before submitting.",
            len(missing),
        )
        % {"goals": ", ".join(missing)},
        {"goals_without_kpi": missing},
    )


def outcome_review_accepted(*, user: UserLike, initiative: Initiative) -> Unmet | None:
    """Completing needs an outcome review the CoE accepted."""
    state = (
        OutcomeReview.objects.filter(initiative=initiative).values_list("state", flat=True).first()
    )
    if state == ReviewState.ACCEPTED:
        return None
    message = (
        gettext("Completing needs an outcome review accepted by the CoE; it awaits acceptance.")
        if state == ReviewState.SUBMITTED
        else gettext("Completing needs an outcome review accepted by the CoE.")
    )
    return Unmet(message, {"outcome_review": state or "missing"})


# The portfolio's impact figures.


def _share(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001")) if whole else None


def _attainment(
    rows: Iterable[dict[str, Any]], key: str, names: dict[int, str]
) -> list[dict[str, Any]]:
    return [
        {
            "id": row[key],
            "name": names.get(row[key], ""),
            "kpis": row["kpis"],
            "measured": row["measured"],
            "met": row["met"],
            "behind": row["behind"],
            "attainment": _share(row["met"], row["kpis"]),
        }
        for row in rows
        if row[key] is not None
    ]


def _results(rows: QuerySet[Any], names: dict[int, str]) -> list[dict[str, Any]]:
    """The KPI results of accepted outcome reviews by unit or goal, by name."""
    found = [{"id": row["key"], "name": names.get(row["key"], "")} | row for row in rows]
    for row in found:
        row.pop("key")
    return sorted(found, key=lambda row: (row["name"], row["id"]))


def _spend_rows(
    plan: dict[int, Decimal], actual: QuerySet[Any], names: dict[int, str]
) -> list[dict[str, Any]]:
    """Planned against actual spend by unit or goal (an initiative with
    several goals counts to each)."""
    spent = {row["key"]: row["total"] for row in actual}
    ids = sorted((set(plan) | set(spent)) - {None}, key=lambda i: (names.get(i, ""), i))
    return [
        {
            "id": i,
            "name": names.get(i, ""),
            "planned": plan.get(i) or Decimal(0),
            "actual": spent.get(i) or Decimal(0),
        }
        for i in ids
    ]


def impact_summary(
    *,
    unit_ids: list[int],
    today: datetime.date | None = None,
    planned: ApprovedBudget | None = None,
) -> dict[str, Any]:
    """The impact figures of the initiatives of the units (see the module's
    definitions). A fixed number of queries whatever the data's size.
    `planned`: the budget of the units' initiatives approved and after, when
    the caller already summed it (the portfolio page); read here otherwise."""
    today = today or timezone.localdate()
    counted = Initiative.objects.filter(business_unit_id__in=unit_ids, state__in=COUNTED_STATES)
    kpis = (
        Kpi.objects.filter(initiative__in=counted.values("pk"))
        .annotate(current=_latest_value())
        .annotate(
            is_met=Case(When(MET, then=Value(1)), default=Value(0)),
            is_measured=Case(When(current__isnull=False, then=Value(1)), default=Value(0)),
            is_behind=Case(
                When(Q(due_on__lt=today) & (Q(current__isnull=True) | ~MET), then=Value(1)),
                default=Value(0),
            ),
        )
    )
    figures = {
        "kpis": Count("id"),
        "measured": Sum("is_measured"),
        "met": Sum("is_met"),
        "behind": Sum("is_behind"),
    }
    units = dict(BusinessUnit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    goals = dict(StrategicGoal.objects.values_list("pk", "title"))
    by_unit = list(kpis.values("initiative__business_unit_id").annotate(**figures).order_by())
    # Every KPI counted belongs to an initiative of one of the units: the
    # totals are the sums of the units' rows.
    total = {key: sum(row[key] or 0 for row in by_unit) for key in figures}
    by_goal = kpis.values("goal_id").annotate(**figures).order_by()
    behind = Initiative.objects.filter(
        pk__in=kpis.filter(is_behind=1).values("initiative_id")
    ).order_by("title", "id")
    # Over budget: the spend recorded for each counted initiative, summed once
    # and compared with its budget (only initiatives with spend can exceed it).
    over = (
        Spend.objects.filter(
            initiative__business_unit_id__in=unit_ids, initiative__state__in=COUNTED_STATES
        )
        .values(
            "initiative_id",
            "initiative__title",
            "initiative__business_unit_id",
            "initiative__budget",
        )
        .annotate(spent=Sum("amount"))
        .filter(spent__gt=F("initiative__budget"))
        .order_by("initiative__title", "initiative_id")
    )
    spend = Spend.objects.filter(initiative__in=counted.values("pk"))
    accepted = OutcomeReview.objects.filter(initiative=OuterRef("pk"), state=ReviewState.ACCEPTED)
    due = (
        Initiative.objects.filter(
            business_unit_id__in=unit_ids, state__in=RUNNING_STATES, end_date__lt=today
        )
        .exclude(Exists(accepted))
        .order_by("end_date", "id")
    )
    awaiting = (
        OutcomeReview.objects.filter(
            initiative__business_unit_id__in=unit_ids, state=ReviewState.SUBMITTED
        )
        .select_related("initiative")
        .order_by("submitted_at", "id")
    )
    accepted_results = KpiResult.objects.filter(
        review__state=ReviewState.ACCEPTED,
        review__initiative__business_unit_id__in=unit_ids,
    )
    tally = {r: Count("id", filter=Q(result=r)) for r in OUTCOMES}
    results_by_unit = _results(
        accepted_results.values(key=F("review__initiative__business_unit_id"))
        .annotate(**tally)
        .order_by(),
        units,
    )
    results_by_goal = _results(
        accepted_results.values(key=F("kpi__goal_id")).annotate(**tally).order_by(), goals
    )
    if planned is None:
        planned = ApprovedBudget(
            total=counted.aggregate(t=Sum("budget"))["t"] or Decimal(0),
            by_business_unit=dict(
                counted.values_list("business_unit_id").annotate(t=Sum("budget")).order_by()
            ),
            by_goal=dict(
                counted.filter(goals__isnull=False)
                .values_list("goals")
                .annotate(t=Sum("budget"))
                .order_by()
            ),
        )
    actual_total = spend.aggregate(t=Sum("amount"))["t"] or Decimal(0)

    def listed(queryset: QuerySet[Initiative], *extra: str) -> dict[str, Any]:
        rows = list(queryset.values("id", "title", "business_unit_id", *extra)[:LISTED])
        for row in rows:
            row["business_unit"] = units.get(row.pop("business_unit_id"), "")
        return {"count": queryset.count(), "items": rows}

    over_items = list(over[:LISTED])
    awaiting_items = list(awaiting[:LISTED])

    return {
        "kpis": {
            "total": total["kpis"],
            "measured": total["measured"] or 0,
            "met": total["met"] or 0,
            "behind": total["behind"] or 0,
            "attainment": _share(total["met"] or 0, total["kpis"]),
        },
        "attainment_by_business_unit": _attainment(by_unit, "initiative__business_unit_id", units),
        "attainment_by_goal": _attainment(by_goal, "goal_id", goals),
        "behind_target": listed(behind),
        "spend": {"planned": planned.total, "actual": actual_total},
        "spend_by_business_unit": _spend_rows(
            planned.by_business_unit,
            spend.values(key=F("initiative__business_unit_id"))
            .annotate(total=Sum("amount"))
            .order_by(),
            units,
        ),
        "spend_by_goal": _spend_rows(
            planned.by_goal,
            spend.values(key=F("initiative__goals")).annotate(total=Sum("amount")).order_by(),
            goals,
        ),
        "over_budget": {
            "count": over.count(),
            "items": [
                {
                    "id": row["initiative_id"],
                    "title": row["initiative__title"],
                    "business_unit": units.get(row["initiative__business_unit_id"], ""),
                    "budget": row["initiative__budget"],
                    "spent": row["spent"],
                }
                for row in over_items
            ],
        },
        "outcome_reviews_due": listed(due, "end_date"),
        "outcome_reviews_awaiting": {
            "count": awaiting.count(),
            "items": [
                {"id": r.initiative_id, "title": r.initiative.title, "since": r.submitted_at}
                for r in awaiting_items
            ],
        },
        "outcome_results": {r: sum(row[r] for row in results_by_unit) for r in OUTCOMES},
        "outcome_results_by_business_unit": results_by_unit,
        "outcome_results_by_goal": results_by_goal,
    }
