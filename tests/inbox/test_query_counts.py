"""The inbox, its API, the notifications and the header's counts on every
page read the same number of queries for 10 tasks as for 1,000: every task
source is one part of one query. The rows are added in bulk, so that the
test stays fast."""

import datetime
from decimal import Decimal

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inbox import selectors
from inbox.models import Notification
from initiatives.models import Decision, Initiative, State
from sponsors import services as sponsor_services
from tests.conftest import Org, signed_in

# Reviews for the CoE, sign-offs for the sponsor and their delegate, and
# initiatives returned to their owner.
MIX = [State.SUBMITTED, State.IN_REVIEW, State.AWAITING_SPONSOR, State.CHANGES_REQUESTED]


def grow(org: Org, count: int) -> None:
    start = Initiative.objects.count()
    rows = [
        Initiative(
            title=f"Initiative {start + n:04d}",
            summary="Bulk",
            business_unit=org.marketing,
            owner=org.marketing_member,
            audiences=["customers"],
            functions=["marketing"],
            budget=Decimal(n * 100),
            risk="high",
            state=MIX[n % len(MIX)],
        )
        for n in range(count)
    ]
    long_ago = timezone.now() - datetime.timedelta(days=40)
    with transaction.atomic():
        created = Initiative.objects.bulk_create(rows)
        made = Decision.objects.bulk_create(
            Decision(
                initiative=i,
                transition="submit",
                source=State.DRAFT,
                target=State.SUBMITTED,
                actor=i.owner,
            )
            for i in created
        )
        Decision.objects.filter(pk__in=[d.pk for d in made]).update(at=long_ago)
        Notification.objects.bulk_create(
            Notification(recipient=person, event="initiative.decided", text=f"Note {n}")
            for n in range(count)
            for person in (org.sponsor, org.marketing_member)
        )


def queries_for(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
        assert response.status_code == 200, path
    return len(context.captured_queries)


VIEWS = [
    ("coe_lead", "/inbox/"),
    ("sponsor", "/inbox/"),
    ("sales_lead", "/inbox/"),  # the sponsor's delegate
    ("marketing_member", "/inbox/"),
    ("marketing_member", "/inbox/?page=2"),
    ("sponsor", "/api/me/tasks/"),
    ("sales_lead", "/api/me/tasks/"),
    ("coe_lead", "/api/me/tasks/"),
    ("sponsor", "/inbox/notifications/"),
    ("marketing_member", "/api/me/inbox/"),
    ("sponsor", "/account/profile/"),
    ("sponsor", "/account/delegations/"),
    ("marketing_member", "/initiatives/"),  # any page: the header's counts
]


def test_the_inbox_reads_a_fixed_number_of_queries_at_10_and_at_1000_tasks(org: Org) -> None:
    today = timezone.localdate()
    sponsor_services.delegation_create(
        actor=org.sponsor,
        delegate=org.sales_lead,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=3),
    )
    clients = {who: signed_in(org.people[who]) for who in {who for who, _ in VIEWS}}
    grow(org, 10)
    for who, path in VIEWS:
        clients[who].get(path)  # warm the per-process caches (content types) once
    at_10 = {view: queries_for(clients[view[0]], view[1]) for view in VIEWS}
    grow(org, 990)
    at_1000 = {view: queries_for(clients[view[0]], view[1]) for view in VIEWS}

    in_state = Initiative.objects.filter
    assert (
        selectors.task_count(user=org.sales_lead) == in_state(state=State.AWAITING_SPONSOR).count()
    )
    assert selectors.task_count(user=org.coe_lead) == in_state(state__in=MIX[:2]).count() > 400
    changed = {view: (at_10[view], at_1000[view]) for view in VIEWS if at_10[view] != at_1000[view]}
    assert changed == {}
    assert max(at_1000.values()) <= 20, at_1000
