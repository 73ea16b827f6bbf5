"""The list's SQL works in proportion to the page: on PostgreSQL, with enough
rows for the planner to choose, a member's page and its count use the unit's
index, and the score's alignment never reads every goal link."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.models import BusinessUnit
from initiatives.models import Initiative
from tests.conftest import Org, api_client, on_postgres


def plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres
def test_a_members_list_page_is_an_index_path(org: Org) -> None:
    if not on_postgres():
        pytest.skip("The plan is PostgreSQL's.")
    others = BusinessUnit.objects.bulk_create(
        BusinessUnit(name=f"Unit {n}", slug=f"unit-{n}", kind="sales") for n in range(30)
    )
    units = [org.marketing, *others]
    rows = Initiative.objects.bulk_create(
        Initiative(
            title=f"Initiative {n}",
            business_unit=units[n % len(units)],
            owner=org.marketing_member,
            budget=Decimal(n),
        )
        for n in range(12_000)
    )
    Initiative.goals.through.objects.bulk_create(
        Initiative.goals.through(initiative_id=i.pk, strategicgoal_id=org.goal.pk)
        for i in rows[::2]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    with CaptureQueriesContext(connection) as context:
        response = api_client(org.marketing_member).get("/api/initiatives/")
    assert response.status_code == 200
    assert json.loads(response.content)["count"] == 12_000 // len(units) + 1

    statements = [q["sql"] for q in context.captured_queries]
    page = next(s for s in statements if s.startswith('SELECT "initiatives_initiative"."id"'))
    count = next(s for s in statements if s.startswith("SELECT COUNT(*)"))
    for sql in (page, count):
        shown = plan(sql)
        assert "Seq Scan on initiatives_initiative " not in shown + " ", shown
        assert "initiatives_initiative_goals" not in shown, shown
        assert "Index" in shown, shown
        assert "business_unit_id" in shown, shown
