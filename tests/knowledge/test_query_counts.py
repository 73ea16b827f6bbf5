"""The library list, its page and its API read the same number of queries for
10 entries as for 1,000: visibility is one condition of one query, the useful
count and the reader's own mark are annotations. Rows are added in bulk, so
that the test stays fast."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from knowledge.models import Audience, Entry, State, UsefulMark
from tests.conftest import Org, api_client, signed_in

pytestmark = pytest.mark.django_db


def grow(org: Org, count: int) -> None:
    """`count` more entries: published for everyone, for Marketing or for
    Sales, some proposed, some past review, each with a useful mark."""
    start = Entry.objects.count()
    now = timezone.now()
    rows = [
        Entry(
            title=f"Entry {start + n:05d}",
            kind="article",
            owner=org.marketing_member,
            audience=Audience.UNITS if n % 3 else Audience.ORGANIZATION,
            review_on=timezone.localdate() - datetime.timedelta(days=n % 2),
            published_at=now,
            tags="bulk",
            state=State.PROPOSED if n % 7 == 0 else State.PUBLISHED,
        )
        for n in range(count)
    ]
    with transaction.atomic():
        created = Entry.objects.bulk_create(rows)
        through = Entry.audience_units.through
        through.objects.bulk_create(
            through(entry_id=e.pk, businessunit_id=(org.marketing if n % 2 else org.sales).pk)
            for n, e in enumerate(created)
            if e.audience == Audience.UNITS
        )
        UsefulMark.objects.bulk_create(UsefulMark(entry=e, user=org.sales_lead) for e in created)


def count_queries(fetch: object) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = fetch()  # type: ignore[operator]
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["marketing_member", "sales_member", "coe_lead"])
def test_library_page_reads_as_many_queries_for_1000_entries_as_for_10(org: Org, persona: str):
    client = signed_in(org.people[persona])
    grow(org, 10)
    client.get("/library/")  # warm the session and the rights cache alike
    small = count_queries(lambda: client.get("/library/"))
    grow(org, 990)
    large = count_queries(lambda: client.get("/library/"))

    assert large == small
    assert Entry.objects.count() == 1000


@pytest.mark.parametrize("persona", ["marketing_member", "coe_lead"])
def test_library_api_reads_as_many_queries_for_1000_entries_as_for_10(org: Org, persona: str):
    client = api_client(org.people[persona])
    grow(org, 10)
    client.get("/api/library-entries/")
    small = count_queries(lambda: client.get("/api/library-entries/"))
    grow(org, 990)
    large = count_queries(lambda: client.get("/api/library-entries/"))

    assert large == small


def test_the_list_shows_a_page_of_what_the_reader_may_read(org: Org):
    grow(org, 60)
    readable = Entry.objects.filter(state=State.PUBLISHED).exclude(
        audience=Audience.UNITS, audience_units=org.marketing
    )

    response = api_client(org.sales_member).get("/api/library-entries/?page_size=200").json()

    assert response["count"] == readable.count()
    assert all(row["state"] == State.PUBLISHED for row in response["results"])
