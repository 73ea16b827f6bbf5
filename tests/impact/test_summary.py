"""The portfolio's impact figures: equal to the figures worked out by hand for
a known set of KPIs, measurements and spend, and read in a number of queries
that does not grow with the initiatives, KPIs and measurements."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from impact import selectors, services
from impact.models import Kpi, Measurement, Spend
from initiatives.models import Initiative, State
from sponsors.selectors import portfolio, portfolio_units
from tests.conftest import Org, api_client, bring_to, propose, signed_in

JAN, FEB = datetime.date(2026, 1, 10), datetime.date(2026, 2, 10)


def _kpi(initiative: Initiative) -> Kpi:
    kpi = Kpi.objects.filter(initiative=initiative).first()
    assert kpi is not None
    return kpi


def _known_set(org: Org) -> dict[str, Initiative]:
    """Every KPI: baseline 1,000, target 5,000, higher is better (conftest).

    A (Marketing, active, budget 1,000, ended 2020): measured 3,000 then
      6,000, the 6,000 corrected to 4,000: measured, not met, not behind
      (due 2030); spend 400; its outcome review is due.
    B (Sales, active, budget 2,000): measured 5,000: met; spend 1,500 + 1,000
      = 2,500: over budget.
    C (Marketing, approved, budget 1,000): due date passed, never measured:
      behind target.
    D (Marketing, draft): not counted.
    """
    a = bring_to(org, "active", end_date=datetime.date(2020, 1, 1), start_date=None)
    b = bring_to(org, "active", unit="sales", budget=Decimal(2000))
    c = bring_to(org, "approved")
    propose(org)
    member, seller = org.marketing_member, org.sales_member
    services.measurement_record(
        actor=member, kpi=_kpi(a), value=Decimal(3000), measured_on=JAN, source="CRM"
    )
    high = services.measurement_record(
        actor=member, kpi=_kpi(a), value=Decimal(6000), measured_on=FEB, source="CRM"
    )
    services.measurement_correct(
        actor=member,
        measurement=high,
        value=Decimal(4000),
        measured_on=FEB,
        source="CRM",
        note="Double count",
    )
    services.measurement_record(
        actor=seller, kpi=_kpi(b), value=Decimal(5000), measured_on=JAN, source="CRM"
    )
    services.spend_record(actor=member, initiative=a, period=JAN, amount=Decimal(400))
    services.spend_record(actor=seller, initiative=b, period=JAN, amount=Decimal(1500))
    services.spend_record(actor=seller, initiative=b, period=FEB, amount=Decimal(1000))
    Kpi.objects.filter(initiative=c).update(due_on=datetime.date(2025, 6, 30))
    return {"a": a, "b": b, "c": c}


def test_figures_equal_the_hand_computed_ones(org: Org) -> None:
    known = _known_set(org)
    data = selectors.impact_summary(unit_ids=[org.marketing.pk, org.sales.pk])

    assert data["kpis"] == {
        "total": 3,
        "measured": 2,
        "met": 1,
        "behind": 1,
        "attainment": Decimal("0.3333"),
    }
    by_unit = {row["name"]: row for row in data["attainment_by_business_unit"]}
    assert {k: by_unit["Marketing"][k] for k in ("kpis", "measured", "met", "behind")} == {
        "kpis": 2,
        "measured": 1,
        "met": 0,
        "behind": 1,
    }
    assert by_unit["Sales"]["attainment"] == Decimal(1)
    (goal,) = data["attainment_by_goal"]
    assert (goal["name"], goal["kpis"], goal["met"]) == ("Grow brand awareness", 3, 1)
    assert data["spend"] == {"planned": Decimal(4000), "actual": Decimal(2900)}
    assert [(r["name"], r["planned"], r["actual"]) for r in data["spend_by_business_unit"]] == [
        ("Marketing", Decimal(2000), Decimal(400)),
        ("Sales", Decimal(2000), Decimal(2500)),
    ]
    assert [(r["planned"], r["actual"]) for r in data["spend_by_goal"]] == [
        (Decimal(4000), Decimal(2900))
    ]
    assert [row["id"] for row in data["over_budget"]["items"]] == [known["b"].pk]
    assert data["over_budget"]["items"][0]["spent"] == Decimal(2500)
    assert [row["id"] for row in data["behind_target"]["items"]] == [known["c"].pk]
    assert [row["id"] for row in data["outcome_reviews_due"]["items"]] == [known["a"].pk]
    assert data["outcome_reviews_awaiting"]["count"] == 0


def test_a_unit_sees_only_its_own_figures(org: Org) -> None:
    _known_set(org)
    data = selectors.impact_summary(unit_ids=[org.sales.pk])
    assert (data["kpis"]["total"], data["spend"]["actual"]) == (1, Decimal(2500))


def test_accepted_reviews_count_their_results(org: Org) -> None:
    bring_to(org, "completed")
    data = selectors.impact_summary(unit_ids=[org.marketing.pk])
    assert data["outcome_results"] == {"met": 1, "partly": 0, "missed": 0}


def test_summary_api_answers_the_same_figures(org: Org) -> None:
    _known_set(org)
    body = api_client(org.coe_lead).get("/api/impact/summary/").json()
    assert body["kpis"]["met"] == 1
    assert body["spend"] == {"planned": "4000.00", "actual": "2900.00"}
    assert len(body["over_budget"]["items"]) == 1


def test_summary_api_of_a_unit_outside_the_portfolio_is_404(org: Org) -> None:
    client = api_client(org.sponsor)
    assert client.get(f"/api/impact/summary/?business_unit={org.sales.pk}").status_code == 404
    assert client.get("/api/impact/summary/?business_unit=x").status_code == 400
    assert client.get(f"/api/impact/summary/?business_unit={org.marketing.pk}").status_code == 200


def test_the_planned_spend_the_portfolio_summed_equals_the_one_read_here(org: Org) -> None:
    """The portfolio page hands the impact section the budgets it already
    summed; they must be the figures the summary reads on its own: completed
    initiatives count, one serving two goals counts to each, drafts do not."""
    _known_set(org)
    bring_to(org, "completed", unit="sales", budget=Decimal(700))
    two_goals = bring_to(org, "active", budget=Decimal(300))
    two_goals.goals.add(org.inactive_goal)
    bring_to(org, "paused", unit="sales", budget=Decimal(50))
    units = portfolio_units(user=org.coe_lead)
    unit_ids = list(units.values_list("pk", flat=True))
    figures = portfolio(user=org.coe_lead, units=units, approved_budget=True)

    reused = selectors.impact_summary(unit_ids=unit_ids, planned=figures["approved_budget"])

    assert reused == selectors.impact_summary(unit_ids=unit_ids)
    assert reused["spend"]["planned"] == Decimal(5050)
    assert [(r["name"], r["planned"]) for r in reused["spend_by_goal"]] == [
        ("Grow brand awareness", Decimal(5050)),
        ("Retired goal", Decimal(300)),
    ]


def test_portfolio_page_shows_the_impact_section(org: Org) -> None:
    known = _known_set(org)
    page = signed_in(org.coe_lead).get("/portfolio/").content.decode()
    assert 'id="impact"' in page
    assert f"/impact/initiatives/{known['b'].pk}/" in page  # over budget


def _bulk(org: Org, count: int) -> None:
    """`count` active initiatives, each with a KPI, three measurements (one
    corrected) and two months of spend, written in bulk: a read benchmark."""
    created = Initiative.objects.bulk_create(
        Initiative(
            title=f"Bulk {i}",
            business_unit=org.marketing if i % 2 else org.sales,
            owner=org.marketing_member,
            budget=Decimal(100),
            state=State.ACTIVE,
            end_date=datetime.date(2020, 1, 1),
        )
        for i in range(count)
    )
    Initiative.goals.through.objects.bulk_create(
        Initiative.goals.through(initiative_id=i.pk, strategicgoal_id=org.goal.pk) for i in created
    )
    kpis = Kpi.objects.bulk_create(
        Kpi(
            initiative=i,
            goal=org.goal,
            name="Reach",
            unit="people",
            baseline=Decimal(0),
            target=Decimal(10),
            due_on=datetime.date(2025, 1, 1),
            created_by=org.marketing_member,
        )
        for i in created
    )
    first = Measurement.objects.bulk_create(
        Measurement(
            kpi=k, value=Decimal(n), measured_on=JAN, source="s", recorded_by=org.marketing_member
        )
        for n, k in enumerate(kpis)
    )
    Measurement.objects.bulk_create(
        Measurement(
            kpi=m.kpi,
            value=Decimal(12),
            measured_on=JAN,
            source="s",
            supersedes=m,
            recorded_by=org.marketing_member,
        )
        for m in first
    )
    Spend.objects.bulk_create(
        Spend(initiative=i, period=p, amount=Decimal(60), recorded_by=org.marketing_member)
        for i in created
        for p in (JAN.replace(day=1), FEB.replace(day=1))
    )


def _queries(org: Org, count: int, url: str, client_for: object) -> int:
    Initiative.objects.all().delete()
    _bulk(org, count)
    client = client_for(org.coe_lead)  # type: ignore[operator]
    client.get(url)  # warm the caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_summary_api_queries_do_not_grow_with_the_data(org: Org) -> None:
    small = _queries(org, 10, "/api/impact/summary/", api_client)
    large = _queries(org, 1000, "/api/impact/summary/", api_client)
    assert small == large
    data = selectors.impact_summary(unit_ids=[org.marketing.pk, org.sales.pk])
    # Every KPI's current value is the correction (12), which meets the target.
    assert (data["kpis"]["total"], data["kpis"]["met"]) == (1000, 1000)
    assert data["over_budget"]["count"] == 1000
    assert data["outcome_reviews_due"]["count"] == 1000


def test_portfolio_page_queries_do_not_grow_with_the_impact_data(org: Org) -> None:
    small = _queries(org, 10, "/portfolio/", signed_in)
    large = _queries(org, 1000, "/portfolio/", signed_in)
    assert small == large


def test_accepted_results_by_unit_and_goal_and_on_the_portfolio(org: Org) -> None:
    """Marketing: one review accepted, its KPI met. Sales: one accepted, its
    KPI missed; one submitted, not accepted yet: not counted."""
    bring_to(org, "completed")
    for result, accept in (("missed", True), ("met", False)):
        initiative = bring_to(org, "active", unit="sales")
        review = services.outcome_review_submit(
            actor=org.sales_lead,  # type: ignore[arg-type]
            initiative=initiative,
            results={k.pk: result for k in Kpi.objects.filter(initiative=initiative)},
            lessons="Noted.",
        )
        if accept:
            services.outcome_review_decide(
                actor=org.coe_lead,  # type: ignore[arg-type]
                review=review,
                name="accept",
            )
    data = selectors.impact_summary(unit_ids=[org.marketing.pk, org.sales.pk])
    assert data["outcome_results"] == {"met": 1, "partly": 0, "missed": 1}
    assert [
        (r["name"], r["met"], r["partly"], r["missed"])
        for r in data["outcome_results_by_business_unit"]
    ] == [("Marketing", 1, 0, 0), ("Sales", 0, 0, 1)]
    assert [
        (r["name"], r["met"], r["partly"], r["missed"]) for r in data["outcome_results_by_goal"]
    ] == [("Grow brand awareness", 1, 0, 1)]
    body = api_client(org.coe_lead).get("/api/impact/summary/").json()
    assert body["outcome_results_by_business_unit"][1] == {
        "id": org.sales.pk,
        "name": "Sales",
        "met": 0,
        "partly": 0,
        "missed": 1,
    }
    page = signed_in(org.coe_lead).get("/portfolio/").content.decode()
    assert 'data-table="results-by-unit"' in page
    assert 'data-table="results-by-goal"' in page
