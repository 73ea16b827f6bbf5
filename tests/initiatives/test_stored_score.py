"""The priority score is stored on the initiative and kept by the services: every
change of one of its inputs (the content, a goal's `active` flag, the weights)
stores the new score in the same transaction, so lists sort on the column and
read it with its index."""

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from governance import services as org_services
from governance.models import AuditEvent, StrategicGoal
from initiatives import scoring
from initiatives import services as workflow
from initiatives.models import Initiative, ScoringCriterion
from sponsors import services as sponsor_services
from tests.conftest import Org, api_client, bring_to, propose, signed_in

RISK = {"low": 1.0, "medium": 0.5, "high": 0.0}


def documented(initiative: Initiative, weights: dict[str, Decimal] | None = None) -> float:
    """The score as the scoring page documents it, worked out here by hand:
    each criterion scaled to 0..1, their weighted mean times 100."""
    w = {
        key: float(value)
        for key, value in (
            weights or dict(ScoringCriterion.objects.values_list("key", "weight"))
        ).items()
    }
    criteria = {
        "alignment": 1.0 if initiative.goals.filter(active=True).exists() else 0.0,
        "impact": (initiative.expected_impact - 1) / 4,
        "cost": 1 - min(float(initiative.budget) / 100_000, 1.0),
        "risk": RISK[initiative.risk],
        "effort": (5 - initiative.effort) / 4,
    }
    total = sum(w.values())
    return sum(w[key] * value for key, value in criteria.items()) * 100 / total if total else 0.0


def stored(initiative: Initiative) -> float:
    return Initiative.objects.values_list("score", flat=True).get(pk=initiative.pk)


def varied(org: Org) -> list[Initiative]:
    return [
        propose(
            org,
            title=f"Scored {n}",
            budget=Decimal(budget),
            risk=risk,
            goals=goals,
            expected_impact=impact,
            effort=effort,
        )
        for n, (budget, risk, goals, impact, effort) in enumerate(
            [
                (0, "low", [org.goal], 5, 1),
                (250_000, "high", [], 1, 5),
                (33_333, "medium", [org.inactive_goal], 2, 4),
                (80_000, "low", [org.goal, org.inactive_goal], 3, 2),
            ]
        )
    ]


def test_a_new_initiative_stores_the_documented_score(org: Org) -> None:
    for initiative in varied(org):
        assert stored(initiative) == pytest.approx(documented(initiative), abs=1e-9)
        # The service's object carries the score it stored.
        assert initiative.score == stored(initiative)


def test_the_api_and_the_page_show_the_stored_score_rounded(org: Org) -> None:
    items = varied(org)
    rows = api_client(org.coe_lead).get("/api/initiatives/?ordering=-score").json()["results"]
    assert [row["id"] for row in rows] == [
        i.pk for i in sorted(items, key=lambda i: (-stored(i), -i.pk))
    ]
    assert {row["id"]: row["score"] for row in rows} == {i.pk: round(stored(i), 1) for i in items}
    page = signed_in(org.coe_lead).get("/initiatives/?sort=score").content.decode()
    positions = [page.index(f"/initiatives/{i.pk}/") for i in items]
    by_score = sorted(items, key=lambda i: (-stored(i), -i.pk))
    assert sorted(positions) == [page.index(f"/initiatives/{i.pk}/") for i in by_score]


def test_editing_an_input_stores_the_new_score(org: Org) -> None:
    initiative = propose(org, budget=Decimal(0), goals=[org.goal])
    before = stored(initiative)
    workflow.initiative_update(
        actor=org.marketing_member,
        initiative=initiative,
        changes={"budget": Decimal(50_000), "goals": [org.inactive_goal]},
    )
    initiative.refresh_from_db()
    assert stored(initiative) == pytest.approx(documented(initiative), abs=1e-9)
    assert stored(initiative) < before


def test_editing_what_the_score_does_not_read_leaves_it_unwritten(org: Org) -> None:
    initiative = propose(org)
    with CaptureQueriesContext(connection) as context:
        workflow.initiative_update(
            actor=org.marketing_member, initiative=initiative, changes={"title": "Renamed"}
        )
    refreshes = [
        q
        for q in context.captured_queries
        if q["sql"].startswith('UPDATE "initiatives_initiative" SET "score"')
    ]
    assert not refreshes
    assert stored(initiative) == pytest.approx(documented(initiative), abs=1e-9)


def test_an_approved_amendment_stores_the_new_score(org: Org) -> None:
    initiative = bring_to(org, "active", budget=Decimal(1000))
    before = stored(initiative)
    amendment = workflow.amendment_propose(
        actor=org.marketing_lead,
        initiative=initiative,
        changes={"budget": Decimal(40_000), "risk": "medium"},
        reason="It grew.",
    )
    assert stored(initiative) == before, "a pending amendment changes nothing yet"
    for actor, name in ((org.coe_member, "start_review"), (org.coe_lead, "approve")):
        amendment = workflow.amendment_transition(actor=actor, amendment=amendment, name=name)
    initiative.refresh_from_db()
    assert initiative.budget == Decimal(40_000)
    assert stored(initiative) == pytest.approx(documented(initiative), abs=1e-9)
    assert stored(initiative) < before


def test_changing_the_weights_stores_every_score_anew(org: Org) -> None:
    items = varied(org)
    weights = {"alignment": Decimal(0), "impact": Decimal(0), "cost": Decimal(1)}
    sponsor_services.scoring_weights_set(actor=org.coe_lead, weights=weights)
    current = scoring.weights()
    assert current["cost"] == 1
    for initiative in items:
        assert stored(initiative) == pytest.approx(documented(initiative, current), abs=1e-9)


def test_a_refused_weights_change_leaves_the_scores(org: Org) -> None:
    items = varied(org)
    before = {i.pk: stored(i) for i in items}
    with pytest.raises(PermissionDenied):
        sponsor_services.scoring_weights_set(actor=org.coe_member, weights={"cost": Decimal(9)})
    assert {i.pk: stored(i) for i in items} == before


def _bulk(org: Org, count: int) -> None:
    """`count` initiatives written in bulk, around the services, then scored as
    an import would be."""
    rows = Initiative.objects.bulk_create(
        Initiative(
            title=f"Bulk {n}",
            business_unit=org.marketing,
            owner=org.marketing_member,
            budget=Decimal(n * 100),
            risk=("low", "medium", "high")[n % 3],
        )
        for n in range(count)
    )
    Initiative.goals.through.objects.bulk_create(
        Initiative.goals.through(initiative_id=i.pk, strategicgoal_id=org.goal.pk)
        for i in rows[::2]
    )
    scoring.scores_refresh()


def test_a_weights_change_is_one_update_whatever_the_number_of_initiatives(org: Org) -> None:
    def measure(count: int, weight: int) -> int:
        Initiative.objects.all().delete()
        _bulk(org, count)
        with CaptureQueriesContext(connection) as context:
            sponsor_services.scoring_weights_set(
                actor=org.coe_lead, weights={"risk": Decimal(weight)}
            )
        current = scoring.weights()
        sample = Initiative.objects.order_by("?")[:20]
        for initiative in sample:
            assert initiative.score == pytest.approx(documented(initiative, current), abs=1e-9)
        return len(context.captured_queries)

    assert measure(10, 5) == measure(1000, 7)


def test_deactivating_a_goal_stores_the_scores_of_its_initiatives(org: Org) -> None:
    only_this = propose(org, title="Only the goal", goals=[org.goal])
    other = org_services.goal_create(actor=org.admin, title="Serve customers faster")
    also_other = propose(org, title="Two goals", goals=[org.goal, other])
    unrelated = propose(org, title="Other goal", goals=[other])
    before = {i.pk: stored(i) for i in (only_this, also_other, unrelated)}

    org_services.goal_update(actor=org.admin, goal=org.goal, active=False)

    assert stored(only_this) < before[only_this.pk]
    assert stored(only_this) == pytest.approx(documented(only_this), abs=1e-9)
    assert stored(also_other) == before[also_other.pk]
    assert stored(unrelated) == before[unrelated.pk]
    event = AuditEvent.objects.get(event="goal.updated")
    assert (event.old, event.new, event.actor) == ({"active": True}, {"active": False}, org.admin)

    org_services.goal_update(actor=org.admin, goal=org.goal, active=True)
    assert stored(only_this) == before[only_this.pk]


def test_a_goal_saved_unchanged_records_nothing(org: Org) -> None:
    org_services.goal_update(actor=org.admin, goal=org.goal, title=org.goal.title, active=True)
    assert not AuditEvent.objects.filter(event="goal.updated").exists()


def test_the_admin_changes_a_goal_through_the_service(org: Org) -> None:
    initiative = propose(org, goals=[org.goal])
    before = stored(initiative)
    response = signed_in(org.admin).post(
        f"/admin/governance/strategicgoal/{org.goal.pk}/change/",
        {"title": org.goal.title, "description": "", "active": ""},
    )
    assert response.status_code == 302, response.content[:500]
    assert StrategicGoal.objects.get(pk=org.goal.pk).active is False
    assert AuditEvent.objects.filter(event="goal.updated", actor=org.admin).exists()
    assert stored(initiative) < before


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres
def test_sorting_everything_by_score_reads_the_index_not_every_row(org: Org) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("The plan is PostgreSQL's.")
    _bulk(org, 5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    with CaptureQueriesContext(connection) as context:
        response = api_client(org.coe_lead).get("/api/initiatives/?ordering=-score")
    assert response.status_code == 200
    page = next(
        q["sql"]
        for q in context.captured_queries
        if q["sql"].startswith('SELECT "initiatives_initiative"."id"')
    )
    shown = _plan(page)
    assert "initiative_score" in shown, shown
    assert "Sort" not in shown, shown


# The weights 0003 wrote, and the last migration before the stored score.
BEFORE = [("initiatives", "0006_routing")]
AFTER = [("initiatives", "0007_initiative_score")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_stores_the_score_of_every_existing_initiative() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    user = old.get_model("auth", "User").objects.create(username="owner")
    unit = old.get_model("governance", "BusinessUnit").objects.create(
        name="Marketing", slug="marketing"
    )
    goal_model = old.get_model("governance", "StrategicGoal")
    active = goal_model.objects.create(title="Active")
    retired = goal_model.objects.create(title="Retired", active=False)
    made: list[Any] = []
    for budget, risk, goals in ((0, "low", [active]), (120_000, "high", [retired])):
        initiative = old.get_model("initiatives", "Initiative").objects.create(
            title=f"Old {budget}", business_unit=unit, owner=user, budget=budget, risk=risk
        )
        initiative.goals.set(goals)
        made.append(initiative.pk)

    try:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)
    finally:
        # Back to the newest schema whatever happened, for the tests after this one.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    for pk in made:
        initiative = Initiative.objects.get(pk=pk)
        assert initiative.score == pytest.approx(documented(initiative), abs=1e-9)


def test_refresh_scores_stores_the_score_under_a_new_cost_reference(
    org: Org, settings: Any
) -> None:
    from django.core.management import call_command

    initiative = propose(org, budget=Decimal(50_000))
    before = stored(initiative)
    settings.SCORING_COST_REFERENCE = 200_000
    call_command("refresh_scores", stdout=io.StringIO())
    assert stored(initiative) > before
