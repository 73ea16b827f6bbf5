"""Every list, home panel and dashboard runs the same number of queries for
10 initiatives as for 1,000 (and as many audit events): nothing is read row
by row. The rows are added in bulk, so that the suite stays fast."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance import audit
from initiatives import services as initiatives_services
from initiatives.models import Decision, Initiative, State
from tests.conftest import Org, api_client, signed_in

# A mix of states, so that the review queue, the sign-offs, the overdue and
# the goal-less lists all have rows.
MIX = [
    State.DRAFT,
    State.SUBMITTED,
    State.IN_REVIEW,
    State.AWAITING_SPONSOR,
    State.APPROVED,
    State.ACTIVE,
    State.PAUSED,
    State.COMPLETED,
]


def grow(org: Org, count: int) -> None:
    """`count` more initiatives in both units, half with a goal, the pending
    ones waiting since long ago, each with its audit event."""
    start = Initiative.objects.count()
    rows = [
        Initiative(
            title=f"Initiative {start + n:04d}",
            summary="Bulk",
            business_unit=org.sales if n % 5 == 4 else org.marketing,
            owner=org.sales_member if n % 5 == 4 else org.marketing_member,
            audiences=["customers", "employees"],
            functions=["marketing"],
            budget=Decimal(n * 100),
            risk="high" if n % 4 == 0 else "low",
            kpis="" if n % 5 else "Reach",
            state=MIX[n % len(MIX)],
        )
        for n in range(count)
    ]
    with transaction.atomic():
        created = Initiative.objects.bulk_create(rows)
        Initiative.goals.through.objects.bulk_create(
            Initiative.goals.through(initiative_id=i.pk, strategicgoal_id=org.goal.pk)
            for i in created[::2]
        )
        long_ago = timezone.now() - datetime.timedelta(days=40)
        decisions = [
            Decision(
                initiative=i,
                transition="submit",
                source=State.DRAFT,
                target=State.SUBMITTED,
                actor=i.owner,
            )
            for i in created
            if i.state in (State.SUBMITTED, State.IN_REVIEW, State.AWAITING_SPONSOR)
        ]
        decisions += [
            Decision(
                initiative=i,
                transition="approve",
                source=State.IN_REVIEW,
                target=State.AWAITING_SPONSOR,
                actor=org.coe_lead,
            )
            for i in created
            if i.state == State.AWAITING_SPONSOR
        ]
        made = Decision.objects.bulk_create(decisions)
        Decision.objects.filter(pk__in=[d.pk for d in made]).update(at=long_ago)
        initiatives_services.initiative_waits_refresh()
        audit.record_many(
            [{"event": audit.Event.INITIATIVE_CREATED, "obj": i} for i in created],
            actor=org.admin,
        )


def queries_for(client: Client, path: str) -> int:
    # The maturity overview is cached until a change; bulk rows send no
    # signal, so each count starts from a cold cache to count its reads.
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
        assert response.status_code == 200, path
        if response.streaming:
            b"".join(response.streaming_content)
    return len(context.captured_queries)


# Who looks at which page: every home panel (the CoE's review queue, the
# sponsor's sign-offs, the unit's initiatives and policies, the auditor's log),
# the lists, the portfolio, the audit page and the maturity dashboard.
VIEWS = [
    ("coe_lead", "/"),
    ("sponsor", "/"),
    ("marketing_member", "/"),
    ("auditor", "/"),
    ("marketing_member", "/initiatives/"),
    ("coe_lead", "/initiatives/?sort=score"),
    ("coe_lead", "/initiatives/?attention=overdue&sort=waiting"),
    ("sponsor", "/initiatives/?attention=awaiting"),
    ("marketing_member", "/api/initiatives/"),
    ("coe_lead", "/api/initiatives/?ordering=-score"),
    ("coe_lead", "/api/initiatives/?attention=without_goal"),
    ("coe_lead", "/portfolio/"),
    ("sponsor", "/portfolio/"),
    ("coe_lead", "/api/portfolio/"),
    ("sponsor", "/api/portfolio/"),
    ("coe_lead", "/api/portfolio/export.csv"),
    ("coe_lead", "/audit/"),
    ("auditor", "/api/audit/events/"),
    ("auditor", "/audit/export.csv"),
    ("coe_lead", "/api/maturity/"),
    ("marketing_member", "/maturity/"),
]


def test_every_list_panel_and_dashboard_reads_a_fixed_number_of_queries(org: Org) -> None:
    clients = {who: signed_in(org.people[who]) for who in {who for who, _ in VIEWS}}
    grow(org, 10)
    for who, path in VIEWS:
        clients[who].get(path)  # warm the per-process caches (content types) once
    at_10 = {(who, path): queries_for(clients[who], path) for who, path in VIEWS}
    grow(org, 990)
    at_1000 = {(who, path): queries_for(clients[who], path) for who, path in VIEWS}

    changed = {view: (at_10[view], at_1000[view]) for view in VIEWS if at_10[view] != at_1000[view]}
    assert changed == {}


@pytest.mark.parametrize("who", ["marketing_member", "coe_lead", "sponsor"])
def test_the_initiative_list_page_runs_at_most_eleven_queries(org: Org, who: str) -> None:
    grow(org, 30)
    client = signed_in(org.people[who])
    client.get("/initiatives/")
    # Ten for the page, one for the header's counts of tasks and unread notifications.
    assert queries_for(client, "/initiatives/") <= 11


def test_the_home_panels_show_a_page_and_link_to_the_rest(org: Org) -> None:
    grow(org, 200)
    body = signed_in(org.sponsor).get("/").content.decode()
    awaiting = Initiative.objects.filter(
        state=State.AWAITING_SPONSOR, business_unit=org.marketing
    ).count()
    assert awaiting > 10
    assert f"See all {awaiting} awaiting sign-off" in body
    link = "/initiatives/?attention=awaiting&amp;state=awaiting_sponsor&amp;sort=waiting"
    assert link in body
    assert signed_in(org.sponsor).get(link.replace("&amp;", "&")).status_code == 200
    listed = api_client(org.sponsor).get(
        "/api/initiatives/?attention=awaiting&state=awaiting_sponsor"
    )
    assert listed.json()["count"] == awaiting
