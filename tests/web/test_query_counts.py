"""The pages that list initiatives run the same number of SQL queries for 10
initiatives as for 300: no query per row. A transition taken in the page
decides the permission once."""

import datetime
import re
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance.models import StrategicGoal
from initiatives import services as workflow
from initiatives.models import Initiative
from sponsors import services as sponsor_services
from tests.conftest import Org, bring_to, propose
from tests.policies.conftest import policy_in


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
    # Measured with the header's counts cached, as every size is: the writes
    # that grow the data forget them.
    client.get(path)
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


def _rights_reads(queries: list[dict[str, str]]) -> list[str]:
    """The queries that read a user's stored rights or a sponsor's delegation."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith('SELECT "auth_permission"."codename"')
        or re.match(r'SELECT .* FROM "sponsors_delegation"', q["sql"])
    ]


def _take(client: Client, initiative: Initiative, name: str, **data: str) -> list[str]:
    url = reverse("initiatives:transition", args=[initiative.pk, name])
    with CaptureQueriesContext(connection) as context:
        response = client.post(url, data, headers={"HX-Request": "true"})
        assert response.status_code == 200
    return _rights_reads(context.captured_queries)


def test_a_transition_in_the_page_reads_the_users_rights_once(org: Org) -> None:
    initiative = bring_to(org, "submitted")
    client = Client()
    client.force_login(org.coe_member)
    client.get("/")  # warm the per-process caches (content types) once

    reads = _take(client, initiative, "start_review")

    # One decision: the page's answer is the service's, and the re-rendered
    # body (the transitions left, whether it can be edited) reuses it.
    assert len(reads) == 1
    initiative.refresh_from_db()
    assert initiative.state == "in_review"


def test_a_delegate_signing_off_in_the_page_reads_the_delegation_once(org: Org) -> None:
    sponsor_services.delegation_create(
        actor=org.sponsor,
        delegate=org.outsider,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + datetime.timedelta(days=3),
        reason="Travelling",
    )
    initiative = bring_to(org, "awaiting_sponsor")
    client = Client()
    client.force_login(org.outsider)
    client.get("/")

    reads = _take(client, initiative, "sponsor_approve")

    # The unit's rights (none) and the delegation, each once.
    assert len(reads) == 2
    initiative.refresh_from_db()
    assert initiative.state == "approved"


def test_acknowledging_in_the_page_decides_once_and_rereads_nothing(org: Org) -> None:
    policy = policy_in(org, "published")
    client = Client()
    client.force_login(org.marketing_member)
    client.get("/")
    url = reverse("policies:acknowledge", args=[policy.pk])

    with CaptureQueriesContext(connection) as context:
        response = client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "You acknowledged version 1" in response.content.decode()

    sql = [q["sql"] for q in context.captured_queries]
    written = next(i for i, s in enumerate(sql) if s.startswith('INSERT INTO "policies_ack'))
    # The answer is drawn from the service's decision: nothing about the user's
    # rights or the policy's visibility is read again after the write.
    after = sql[written:]
    assert not [s for s in after if "userobjectpermission" in s or "organizationrole" in s]
    assert not [s for s in after if s.startswith('SELECT "policies_policy"')]
