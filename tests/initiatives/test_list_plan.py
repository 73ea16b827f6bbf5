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


def plan(sql: str, *, index_path: bool = False) -> str:
    """The plan of `sql`; with `index_path`, the plan when sequential scans are
    priced out, which still shows one where no index can serve the query."""
    with connection.cursor() as cursor:
        if index_path:
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        shown = "\n".join(row[0] for row in cursor.fetchall())
        if index_path:
            cursor.execute("RESET enable_seqscan")
        return shown


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
    # The page is the planner's own choice; the count of a member's few
    # thousand rows may be costed either way at this size, so it must have an
    # index path, which a seqscan-only plan would not.
    for sql, index_path in ((page, False), (count, True)):
        shown = plan(sql, index_path=index_path)
        assert "Seq Scan on initiatives_initiative " not in shown + " ", shown
        assert "initiatives_initiative_goals" not in shown, shown
        assert "Index" in shown, shown
        assert "business_unit_id" in shown, shown
