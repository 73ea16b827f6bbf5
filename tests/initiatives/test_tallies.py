"""The database keeps the tallies the portfolio reads (initiatives 0011): after
any write, through a service, a bulk create, a queryset update, the goal links
or a delete, they equal a count of the initiatives themselves. On both
databases: the triggers are written for each."""

import threading
import time
from decimal import Decimal
from typing import Any

import pytest
from django.db import close_old_connections, connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from governance import services as org_services
from initiatives import scoring
from initiatives import services as workflow
from initiatives.models import GoalTally, Initiative, UnitTally
from sponsors import selectors as portfolio_selectors
from tests.conftest import Org, bring_to, build_org, on_postgres, propose

ZERO = Decimal(0)


def counted() -> tuple[dict[Any, Any], dict[Any, Any]]:
    """The tallies worked out from the initiatives and their goal links."""
    units = {
        (row["business_unit_id"], row["state"]): (
            row["n"],
            row["total"],
            row["aligned_total"],
            row["goalless"],
        )
        for row in Initiative.objects.values("business_unit_id", "state")
        .annotate(
            n=Count("id"),
            total=Sum("budget"),
            aligned_total=Coalesce(Sum("budget", filter=Q(aligned=True)), ZERO),
            goalless=Count("id", filter=Q(has_goal=False)),
        )
        .order_by()
    }
    goals = {
        (row["goals"], row["business_unit_id"], row["state"]): (row["n"], row["total"])
        for row in Initiative.objects.filter(goals__isnull=False)
        .values("goals", "business_unit_id", "state")
        .annotate(n=Count("id"), total=Sum("budget"))
        .order_by()
    }
    return units, goals


def stored() -> tuple[dict[Any, Any], dict[Any, Any]]:
    """The tallies as the database kept them (a row left at zero counts nothing)."""
    units = {
        (t.business_unit_id, t.state): (
            t.initiatives,
            t.budget,
            t.aligned_budget,
            t.without_goal,
        )
        for t in UnitTally.objects.all()
        if (t.initiatives, t.budget, t.aligned_budget, t.without_goal) != (0, ZERO, ZERO, 0)
    }
    goals = {
        (t.goal_id, t.business_unit_id, t.state): (t.initiatives, t.budget)
        for t in GoalTally.objects.all()
        if (t.initiatives, t.budget) != (0, ZERO)
    }
    return units, goals


def assert_kept() -> None:
    units, goals = counted()
    assert stored() == (units, goals)
    assert units, "nothing was counted"


def test_the_services_writes_keep_the_tallies(org: Org) -> None:
    second = org_services.goal_create(actor=org.admin, title="Win loyal customers")
    draft = propose(org, budget=Decimal("1200.50"), goals=[org.goal, second])
    bring_to(org, "approved", budget=Decimal(7000))
    bring_to(org, "active", unit="sales", budget=Decimal(3000))
    bring_to(org, "rejected")
    assert_kept()

    # The content and the goals of a draft change; one goal is taken away.
    workflow.initiative_update(
        actor=org.people["marketing_member"],
        initiative=draft,
        changes={"budget": Decimal("99.99"), "goals": [second]},
    )
    assert_kept()
    # A goal retired: the stored alignment of everything that served it changes.
    org_services.goal_update(actor=org.admin, goal=org.goal, active=False)
    assert UnitTally.objects.filter(aligned_budget__gt=0).exists()
    assert_kept()
    workflow.initiative_transition(
        actor=org.people["marketing_member"], initiative=draft, name="withdraw"
    )
    assert_kept()


def test_bulk_writes_updates_and_deletes_keep_the_tallies(org: Org) -> None:
    owner = org.people["marketing_member"]
    made = Initiative.objects.bulk_create(
        Initiative(
            title=f"Bulk {n}",
            business_unit=org.marketing if n % 2 else org.sales,
            owner=owner,
            budget=Decimal(n * 100),
            state="approved" if n % 3 else "draft",
            aligned=bool(n % 2),
            has_goal=bool(n % 2),
        )
        for n in range(12)
    )
    Initiative.goals.through.objects.bulk_create(
        Initiative.goals.through(initiative_id=i.pk, strategicgoal_id=goal.pk)
        for i in made
        for goal in ([org.goal, org.inactive_goal] if i.pk % 2 else [org.goal])
    )
    assert_kept()

    # A queryset update of the state, the budget and the unit at once.
    Initiative.objects.filter(pk__in=[i.pk for i in made[:5]]).update(
        state="active", budget=Decimal(5), business_unit=org.sales
    )
    assert_kept()
    # A change of what the tallies do not count fires nothing and moves nothing.
    before = stored()
    Initiative.objects.update(title="Renamed", score=42.0)
    assert stored() == before
    # The links go, one way and the other.
    made[5].goals.remove(org.goal)
    made[6].goals.clear()
    made[7].goals.add(org.inactive_goal)
    assert_kept()
    # Deleted, one with its links and several at once; then a whole goal.
    made[8].delete()
    Initiative.objects.filter(pk__in=[i.pk for i in made[9:]]).delete()
    assert_kept()
    org.inactive_goal.delete()
    assert_kept()


def test_the_portfolio_reads_what_the_initiatives_say(org: Org) -> None:
    bring_to(org, "approved", budget=Decimal(7000))
    goalless = bring_to(org, "active", unit="sales", budget=Decimal(3000))
    goalless.goals.clear()
    scoring.score_refresh(initiative=goalless)
    bring_to(org, "completed", budget=Decimal(500))
    propose(org, budget=Decimal(40))
    units = portfolio_selectors.portfolio_units(user=org.people["coe_lead"])

    figures = portfolio_selectors.portfolio(
        user=org.people["coe_lead"], units=units, approved_budget=True
    )

    states = dict(Initiative.objects.values_list("state").annotate(n=Count("id")))
    assert {s: n for s, n in figures["counts_by_state"].items() if n} == states
    assert figures["committed_budget"] == Decimal(10000)
    assert figures["aligned_budget"] == Decimal(7000)
    assert figures["without_goal_count"] == 1
    assert figures["budget_by_goal"] == [
        {"id": org.goal.pk, "title": org.goal.title, "active": True, "budget": Decimal(7000)}
    ]
    assert figures["approved_budget"].by_goal == {org.goal.pk: Decimal(7500)}
    assert figures["approved_budget"].by_business_unit == {
        org.marketing.pk: Decimal(7500),
        org.sales.pk: Decimal(3000),
    }


@pytest.mark.django_db(transaction=True)
def test_writers_that_touch_the_tallies_in_opposite_orders_do_not_deadlock() -> None:
    """Two transactions each change an initiative of one unit, then one of the
    other unit, in opposite orders (four initiatives: no row is wanted by both).
    The tally rows they touch would make each wait for the other; the triggers
    take the audit chain's lock first, so the second waits for the first to
    commit and both land."""
    if not on_postgres():
        pytest.skip("SQLite lets one writer at a time in; it cannot deadlock.")
    org = build_org()
    marketing = [propose(org, title=f"Marketing's {n}") for n in range(2)]
    sales = [propose(org, title=f"Sales' {n}", unit=org.sales, by="sales_member") for n in range(2)]
    order = {"a": [marketing[0].pk, sales[0].pk], "b": [sales[1].pk, marketing[1].pk]}
    outcomes: dict[str, str] = {}
    barrier = threading.Barrier(2)

    def work(name: str) -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                for n, pk in enumerate(order[name]):
                    Initiative.objects.filter(pk=pk).update(budget=Decimal(10 + n))
                    time.sleep(0.3)
            outcomes[name] = "landed"
        except Exception as exc:
            outcomes[name] = repr(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work, args=(name,)) for name in order]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes == {"a": "landed", "b": "landed"}
    assert_kept()
