"""The demo's business impact (`seed_demo`): every initiative has a KPI for
each of its goals before it is submitted; the running ones record monthly
measurements (one corrected) and spend, "Employer brand stories" spends more
than its budget, and "Social selling training" closes with an outcome review
the CoE lead accepted; "Community forum moderation" has an amendment under
review that tightens a KPI's target. Everything goes through the services."""

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from impact import services
from impact.models import Direction, Kpi
from initiatives import services as workflow
from initiatives.models import Amendment, Initiative, State

# Goal title: (KPI name, unit of measure, baseline, target, direction).
KPIS: dict[str, tuple[str, str, int, int, str]] = {
    "Grow brand awareness": ("Reach per month", "people", 200000, 350000, Direction.HIGHER),
    "Resolve customer issues faster": (
        "Median first response",
        "minutes",
        180,
        60,
        Direction.LOWER,
    ),
    "Attract talent": ("Applications from social", "applications", 120, 300, Direction.HIGHER),
    "Increase social selling": ("Pipeline from social", "EUR thousand", 150, 400, Direction.HIGHER),
    "Learn from customers": ("Insights shared with product", "insights", 5, 20, Direction.HIGHER),
}
OVER_BUDGET = "Employer brand stories"
REVIEWED = "Social selling training"
AMENDED_KPI = "Community forum moderation"


def _months_back(n: int) -> datetime.date:
    today = timezone.localdate().replace(day=1)
    year, month = divmod(today.year * 12 + today.month - 1 - n, 12)
    return datetime.date(year, month + 1, 1)


def kpis_before_submit(initiative: Initiative, actor: User) -> None:
    """A KPI for each goal of the initiative, due six months ahead."""
    due = timezone.localdate() + datetime.timedelta(days=180)
    for goal in initiative.goals.order_by("title"):
        name, unit, baseline, target, direction = KPIS.get(
            goal.title, ("Engagement rate", "%", 2, 4, Direction.HIGHER)
        )
        if not Kpi.objects.filter(initiative=initiative, goal=goal).exists():
            services.kpi_create(
                actor=actor,
                initiative=initiative,
                goal_id=goal.pk,
                name=name,
                unit=unit,
                baseline=Decimal(baseline),
                target=Decimal(target),
                due_on=due,
                direction=direction,
            )


def _record(initiative: Initiative, actor: User, *, share: Decimal) -> None:
    """Three monthly measurements moving from the baseline toward the target,
    and three months of spend at `share` of the budget each."""
    for kpi in Kpi.objects.filter(initiative=initiative):
        if kpi.measurements.exists():
            continue
        step = (kpi.target - kpi.baseline) / 4
        for n, months in enumerate((3, 2, 1), start=1):
            services.measurement_record(
                actor=actor,
                kpi=kpi,
                value=(kpi.baseline + step * n).quantize(Decimal(1)),
                measured_on=_months_back(months) + datetime.timedelta(days=27),
                source="Platform analytics",
            )
    if not initiative.spend_set.exists():
        for months in (3, 2, 1):
            services.spend_record(
                actor=actor,
                initiative=initiative,
                period=_months_back(months),
                amount=(initiative.budget * share).quantize(Decimal(1)),
            )


def outcome_review_before_complete(initiative: Initiative, lead: User, coe_lead: User) -> None:
    """Results, spend and an outcome review accepted by the CoE lead."""
    _record(initiative, lead, share=Decimal("0.3"))
    kpi = Kpi.objects.filter(initiative=initiative).order_by("id").first()
    if kpi is not None:
        services.measurement_record(
            actor=lead,
            kpi=kpi,
            value=kpi.target,
            measured_on=timezone.localdate(),
            source="CRM report",
        )
    review = services.outcome_review_submit(
        actor=lead,
        initiative=initiative,
        results={k.pk: "met" for k in Kpi.objects.filter(initiative=initiative)},
        lessons="Short, regular sessions worked better than one long course; "
        "pair each seller with a coach for the first month.",
    )
    services.outcome_review_decide(
        actor=coe_lead, review=review, name="accept", comment="Clear results."
    )


def seed_impact(user: Callable[[str], User], unit_leads: dict[str, str]) -> None:
    """Measurements and spend for the running initiatives; one over budget,
    and one measurement corrected."""
    running = Initiative.objects.filter(
        state__in=[State.APPROVED, State.ACTIVE, State.PAUSED]
    ).select_related("business_unit")
    for initiative in running:
        lead = user(unit_leads[initiative.business_unit.name])
        share = Decimal("0.45") if initiative.title == OVER_BUDGET else Decimal("0.2")
        _record(initiative, lead, share=share)
    forum = Kpi.objects.filter(initiative__title="Community forum moderation").first()
    if forum is not None and not forum.measurements.filter(supersedes__isnull=False).exists():
        latest = forum.measurements.order_by("-measured_on", "-id").first()
        if latest is not None:
            services.measurement_correct(
                actor=user(unit_leads[forum.initiative.business_unit.name]),
                measurement=latest,
                value=latest.value + 5,
                measured_on=latest.measured_on,
                source="Helpdesk export",
                note="The first export left out weekend tickets.",
            )


def seed_kpi_amendment(user: Callable[[str], User], unit_leads: dict[str, str]) -> None:
    """An amendment in the CoE's review that tightens the target of a running
    initiative's KPI: its page shows the approved target against the proposed one."""
    initiative = Initiative.objects.filter(title=AMENDED_KPI, state=State.ACTIVE).first()
    if initiative is None or Amendment.objects.filter(initiative=initiative).exists():
        return
    kpi = Kpi.objects.filter(initiative=initiative, retired_at=None).order_by("id").first()
    if kpi is None:
        return
    tighter = kpi.target - (kpi.baseline - kpi.target) / 4
    if kpi.direction == Direction.HIGHER:
        tighter = kpi.target + (kpi.target - kpi.baseline) / 4
    amendment = workflow.amendment_propose(
        actor=user(unit_leads[initiative.business_unit.name]),
        initiative=initiative,
        changes={},
        reason="The first months beat the plan; the target should ask for more.",
        parts={
            "kpi_changes": [
                {"action": "change", "kpi": kpi.pk, "target": str(tighter.quantize(Decimal(1)))}
            ]
        },
    )
    # The CoE is reviewing it: the CoE lead can approve it from the page.
    workflow.amendment_transition(
        actor=user("coe_analyst"), amendment=amendment, name="start_review"
    )
