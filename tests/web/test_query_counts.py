"""The pages that list initiatives run the same number of SQL queries for 10
initiatives as for 300: no query per row."""

from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from governance.models import StrategicGoal
from initiatives import services as workflow
from tests.conftest import Org, propose


def grow_to(org: Org, count: int, extra_goal: StrategicGoal) -> None:
    """`count` initiatives, each with two goals; half of them in review."""
    for n in range(count):
        initiative = propose(
            org, title=f"Initiative {n:03d}", goals=[org.goal, extra_goal], budget=Decimal(n)
        )
        if n % 2:
            for name, actor in (("submit", org.marketing_member), ("start_review", org.coe_member)):
                initiative = workflow.initiative_transition(
                    actor=actor, initiative=initiative, name=name
                )


def queries_for(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
        assert response.status_code == 200
    return len(context.captured_queries)


PAGES = [
    "/",  # the CoE lead's review queue
    "/initiatives/",
    "/initiatives/?sort=waiting",
    "/initiatives/?sort=budget&state=in_review",
    "/initiatives/?sort=score",
]


def test_listing_pages_run_a_constant_number_of_queries(org: Org) -> None:
    from governance import services as org_services

    extra_goal = org_services.goal_create(actor=org.admin, title="Second goal")
    client = Client()
    client.force_login(org.coe_lead)

    grow_to(org, 10, extra_goal)
    for path in PAGES:
        client.get(path)  # warm the per-process caches (content types) once
    at_10 = {path: queries_for(client, path) for path in PAGES}
    grow_to(org, 290, extra_goal)
    at_300 = {path: queries_for(client, path) for path in PAGES}

    print(f"queries at 10 initiatives: {at_10}; at 300: {at_300}")
    assert at_10 == at_300
