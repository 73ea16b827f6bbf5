"""Maturity evidence from business impact: "KPIs recorded" reads the KPI
records and their measurements, and "Visible business impact" reads the
accepted outcome reviews of the initiatives completed in the last year. The
figures are worked out by hand, and read in a fixed number of queries."""

import datetime
from decimal import Decimal

from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from impact import services as impact
from impact.models import Kpi, KpiResult, Measurement, OutcomeReview, ReviewState
from initiatives import services as workflow
from initiatives.models import Decision, Initiative, State
from maturity import selectors as maturity
from tests.conftest import CASTS, Org, api_client, bring_to

TODAY = datetime.date(2026, 1, 15)


def _result(unit: object, key: str) -> maturity.Result:
    assessment = maturity.assess(unit=unit)  # type: ignore[arg-type]
    return next(r for r in assessment.results if r.key == key)


def _measure(org: Org, initiative: Initiative, unit: str = "marketing") -> None:
    for kpi in Kpi.objects.filter(initiative=initiative):
        impact.measurement_record(
            actor=org.people[CASTS[unit]["unit_member"]],  # type: ignore[arg-type]
            kpi=kpi,
            value=Decimal(2000),
            measured_on=TODAY,
            source="Analytics",
        )


def _completed(org: Org, results: list[str], unit: str = "marketing") -> Initiative:
    """A completed initiative of `unit` whose accepted outcome review gives its
    KPIs these results (one KPI per result: the first is the conftest's)."""
    initiative = bring_to(org, "active", unit=unit)
    lead = org.people[CASTS[unit]["unit_lead"]]
    first = Kpi.objects.get(initiative=initiative)
    kpis = [first] + [
        Kpi.objects.create(
            initiative=initiative,
            goal=first.goal,
            name=f"KPI {n}",
            unit="people",
            baseline=Decimal(1),
            target=Decimal(2),
            due_on=first.due_on,
            created_by=lead,
        )
        for n in range(1, len(results))
    ]
    review = impact.outcome_review_submit(
        actor=lead,  # type: ignore[arg-type]
        initiative=initiative,
        results={k.pk: r for k, r in zip(kpis, results, strict=True)},
        lessons="Noted.",
    )
    impact.outcome_review_decide(
        actor=org.coe_lead,  # type: ignore[arg-type]
        review=review,
        name="accept",
    )
    return workflow.initiative_transition(actor=lead, initiative=initiative, name="complete")


# KPIs recorded: every active initiative has KPIs, each measured.


def test_an_active_initiative_needs_a_measurement_of_each_kpi(org: Org) -> None:
    """Marketing, active: A (one KPI, measured); B (two KPIs, one measured);
    C (one KPI, measured, the measurement corrected); D (approved, not
    measured: not active, not counted). 2 of 3."""
    a, b, c = (bring_to(org, "active") for _ in range(3))
    bring_to(org, "approved")
    _measure(org, a)
    _measure(org, b)
    first = Kpi.objects.get(initiative=b)
    Kpi.objects.create(
        initiative=b,
        goal=first.goal,
        name="Leads",
        unit="leads",
        baseline=Decimal(1),
        target=Decimal(9),
        due_on=first.due_on,
        created_by=org.marketing_member,
    )
    _measure(org, c)
    impact.measurement_correct(
        actor=org.marketing_member,  # type: ignore[arg-type]
        measurement=Measurement.objects.get(kpi__initiative=c),
        value=Decimal(2100),
        measured_on=TODAY,
        source="Analytics",
        note="Late export.",
    )

    result = _result(org.marketing, "kpis_recorded")
    assert not result.met
    assert result.detail == "2 of 3 active initiatives have KPIs, each measured."

    _measure(org, b)
    result = _result(org.marketing, "kpis_recorded")
    assert result.met
    assert result.detail == "3 of 3 active initiatives have KPIs, each measured."


def test_an_active_initiative_without_a_kpi_record_does_not_count(org: Org) -> None:
    # The free-text KPI field no longer counts: only KPI records do.
    initiative = bring_to(org, "active", kpis="Reach")
    Kpi.objects.filter(initiative=initiative).delete()
    result = _result(org.marketing, "kpis_recorded")
    assert (result.met, result.detail) == (
        False,
        "0 of 1 active initiatives have KPIs, each measured.",
    )


def test_no_active_initiative_is_no_evidence(org: Org) -> None:
    assert _result(org.marketing, "kpis_recorded").detail == "No active initiative."


# Visible business impact: half of those completed in the last 365 days.


def test_half_of_the_completed_initiatives_show_impact(org: Org) -> None:
    """Marketing: P (met, missed) shows impact; Q (missed) does not; R
    (partly) does; S (met) was completed 400 days ago: outside the window.
    2 of 3, met. Sales: T (missed): 0 of 1. The organization: 2 of 4."""
    _completed(org, ["met", "missed"])
    _completed(org, ["missed"])
    _completed(org, ["partly"])
    old = _completed(org, ["met"])
    Decision.objects.filter(initiative=old, transition="complete").update(
        at=timezone.now() - datetime.timedelta(days=400)
    )
    _completed(org, ["missed"], unit="sales")

    marketing = _result(org.marketing, "business_impact")
    assert marketing.met
    assert marketing.detail.startswith("2 of 3 initiatives completed in the last 365 days")
    sales = _result(org.sales, "business_impact")
    assert not sales.met
    assert sales.detail.startswith("0 of 1 ")
    organization = _result(None, "business_impact")
    assert organization.met
    assert organization.detail.startswith("2 of 4 ")


def test_less_than_half_is_not_enough(org: Org) -> None:
    _completed(org, ["partly"])
    _completed(org, ["missed"])
    _completed(org, ["missed", "missed"])
    result = _result(org.marketing, "business_impact")
    assert not result.met
    assert result.detail.startswith("1 of 3 ")


def test_a_review_not_accepted_or_an_initiative_not_completed_is_no_impact(org: Org) -> None:
    # Accepted but still running: not completed, not counted.
    running = bring_to(org, "active", outcome_accepted=True)
    assert OutcomeReview.objects.get(initiative=running).state == ReviewState.ACCEPTED
    result = _result(org.marketing, "business_impact")
    assert (result.met, result.detail) == (False, "No initiative completed in the last 365 days.")


def test_the_evidence_reads_in_german_and_italian(org: Org) -> None:
    _completed(org, ["met"])
    with translation.override("de"):
        german = _result(org.marketing, "business_impact").detail
    with translation.override("it"):
        italian = _result(org.marketing, "business_impact").detail
    assert german.startswith("1 von 1 ")
    assert italian.startswith("1 su 1 ")


# A fixed number of queries whatever the number of KPIs, measurements and reviews.


def _grow(org: Org, count: int) -> None:
    """`count` active initiatives with a measured KPI, and `count` completed
    ones with an accepted review (half met, half missed), in bulk."""
    goal = org.goal
    with transaction.atomic():
        made = Initiative.objects.bulk_create(
            Initiative(
                title=f"Bulk {n}",
                summary="Bulk",
                business_unit=org.marketing,
                owner=org.marketing_member,
                budget=Decimal(100),
                state=State.ACTIVE if n % 2 else State.COMPLETED,
            )
            for n in range(2 * count)
        )
        kpis = Kpi.objects.bulk_create(
            Kpi(
                initiative=i,
                goal=goal,
                name="Reach",
                unit="people",
                baseline=Decimal(1),
                target=Decimal(2),
                due_on=TODAY,
                created_by=org.marketing_member,
            )
            for i in made
        )
        Measurement.objects.bulk_create(
            Measurement(
                kpi=k, value=Decimal(2), measured_on=TODAY, source="x", recorded_by=k.created_by
            )
            for k in kpis
        )
        completed = [(i, k) for i, k in zip(made, kpis, strict=True) if i.state == State.COMPLETED]
        reviews = OutcomeReview.objects.bulk_create(
            OutcomeReview(
                initiative=i,
                lessons="x",
                budget=Decimal(100),
                spent=Decimal(0),
                state=ReviewState.ACCEPTED,
                submitted_by=org.marketing_lead,
                submitted_at=timezone.now(),
            )
            for i, _k in completed
        )
        KpiResult.objects.bulk_create(
            KpiResult(review=r, kpi=k, result="met" if n % 2 else "missed")
            for n, (r, (_i, k)) in enumerate(zip(reviews, completed, strict=True))
        )
        Decision.objects.bulk_create(
            Decision(
                initiative=i,
                transition="complete",
                source=State.ACTIVE,
                target=State.COMPLETED,
                actor=org.marketing_lead,
            )
            for i, _k in completed
        )


def _queries(org: Org) -> int:
    client = api_client(org.coe_lead)
    client.get("/api/maturity/")
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/maturity/")
    assert response.status_code == 200
    return len(queries)


def test_the_evidence_reads_a_fixed_number_of_queries(org: Org) -> None:
    _grow(org, 10)
    small = _queries(org)
    _grow(org, 990)
    assert _queries(org) == small
    marketing = _result(org.marketing, "business_impact")
    assert marketing.detail.startswith("500 of 1000 ")
    assert marketing.met
    assert _result(org.marketing, "kpis_recorded").detail == (
        "1000 of 1000 active initiatives have KPIs, each measured."
    )
