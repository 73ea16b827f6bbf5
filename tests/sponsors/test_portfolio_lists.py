"""The portfolio's lists (awaiting the caller, overdue, without a goal) are a
count, the first items and a link to the initiative list filtered the same
way; the list and the API answer that filter with the same initiatives."""

import datetime
from decimal import Decimal

from django.utils import timezone

from initiatives import services as workflow
from initiatives.models import Decision, Initiative
from initiatives.scoring import score_expression
from sponsors import selectors
from tests.conftest import Org, api_client, bring_to, propose, signed_in


def ids(answer: dict) -> set[int]:
    return {row["id"] for row in answer["results"]}


def age(initiative: Initiative, days: int) -> None:
    Decision.objects.filter(initiative=initiative).update(
        at=timezone.now() - datetime.timedelta(days=days)
    )
    workflow.initiative_waits_refresh(initiatives=Initiative.objects.filter(pk=initiative.pk))


def test_each_list_counts_shows_the_first_and_links_to_all(org: Org) -> None:
    pending = [bring_to(org, "in_review") for _ in range(selectors.LIST_SIZE + 2)]
    for item in pending:
        age(item, 30)
    fresh = bring_to(org, "submitted")
    goalless = propose(org, goals=[])

    answer = api_client(org.coe_lead).get("/api/portfolio/").json()

    assert answer["overdue_count"] == len(pending)
    assert len(answer["overdue"]) == selectors.LIST_SIZE
    assert answer["awaiting_decision_count"] == len(pending) + 1
    assert len(answer["awaiting_decision"]) == selectors.LIST_SIZE
    assert answer["without_goal_count"] == 1
    assert [row["id"] for row in answer["without_goal"]] == [goalless.pk]

    for name, expected in (
        ("overdue", {i.pk for i in pending}),
        ("awaiting_decision", {i.pk for i in pending} | {fresh.pk}),
        ("without_goal", {goalless.pk}),
    ):
        url = answer[f"{name}_url"]
        assert url.startswith("/initiatives/?attention=")
        api = api_client(org.coe_lead).get("/api" + url + "&page_size=100").json()
        assert ids(api) == expected, name
        page = signed_in(org.coe_lead).get(url)
        assert page.status_code == 200
        body = page.content.decode()
        assert all(f"/initiatives/{pk}/" in body for pk in expected), name


def test_the_overdue_condition_agrees_with_the_wait_shown(org: Org) -> None:
    items = {days: bring_to(org, "in_review") for days in (0, 1, 3, 5, 8, 20)}
    for days, item in items.items():
        age(item, days)
    overdue = {i.pk for i in selectors.overdue_items(units=[org.marketing.pk], limit=None)}
    for item in selectors.awaiting_decision(
        user=org.coe_lead, units=[org.marketing.pk], limit=None
    ):
        assert (item.pk in overdue) == item.wait.overdue, item.wait


def test_the_priority_rank_orders_every_item_by_score(org: Org) -> None:
    for budget in (0, 90_000, 40_000, 10_000):
        bring_to(org, "submitted", budget=Decimal(budget))
    items = selectors.awaiting_decision(user=org.coe_lead, units=[org.marketing.pk], limit=2)
    everything = selectors.awaiting_decision(
        user=org.coe_lead, units=[org.marketing.pk], limit=None
    )
    by_score = sorted(everything, key=lambda i: (-i.score, i.pk))
    ranks = {i.pk: n for n, i in enumerate(by_score, start=1)}
    assert [i.priority_rank for i in items] == [ranks[i.pk] for i in items]


def test_the_stored_score_is_the_score_the_database_computes(org: Org) -> None:
    for n, (budget, risk, goals) in enumerate(
        [(0, "low", [org.goal]), (250_000, "high", []), (33_333, "medium", [org.inactive_goal])]
    ):
        propose(
            org,
            title=f"Scored {n}",
            budget=Decimal(budget),
            risk=risk,
            goals=goals,
            expected_impact=n + 2,
            effort=5 - n,
        )
    in_sql = dict(
        Initiative.objects.annotate(computed=score_expression()).values_list("pk", "computed")
    )
    assert dict(Initiative.objects.values_list("pk", "score")) == in_sql

    listed = api_client(org.coe_lead).get("/api/initiatives/").json()["results"]
    by_score = api_client(org.coe_lead).get("/api/initiatives/?ordering=-score").json()["results"]
    assert {r["id"]: r["score"] for r in listed} == {r["id"]: r["score"] for r in by_score}
