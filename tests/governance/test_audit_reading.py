"""The one audit read path: the audit page and the API select the same events
for the same query, and their CSV exports are the same file."""

import csv
import datetime
import io
from typing import Any

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.utils import timezone

from governance.audit_reader import CSV_COLUMNS
from governance.models import AuditEvent
from tests.conftest import Org, api_client, bring_to


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rows_of(response: StreamingHttpResponse) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def page_export(org: Org, query: str) -> list[list[str]]:
    return rows_of(signed_in(org.auditor).get(f"/audit/export.csv?{query}"))


def api_export(org: Org, query: str) -> list[list[str]]:
    return rows_of(api_client(org.auditor).get(f"/api/audit/events/?format=csv&{query}"))


def ids_on_the_api(org: Org, query: str) -> list[int]:
    response = api_client(org.auditor).get(f"/api/audit/events/?page_size=500&{query}")
    assert response.status_code == 200, response.content
    return [e["id"] for e in response.json()["results"]]


def ids_in(rows: list[list[str]]) -> list[int]:
    return [int(row[1]) for row in rows[1:]]


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def reviewed(org: Org) -> Org:
    bring_to(org, "in_review")
    return org


@pytest.mark.parametrize(
    "query",
    [
        "",
        "event=initiative.review_started",
        "event=initiative.review_started&actor=coe_member",
        "object_type=initiatives.initiative",
        "actor=admin",
        "actor=%20admin%20",
        "event=no.such_event",
        "object_type=no.such_type",
        "since=2000-01-01&until=2999-12-31",
        "since=2999-01-01",
    ],
)
def test_the_page_and_the_api_export_the_same_file(reviewed: Org, query: str) -> None:
    page = page_export(reviewed, query)
    assert page[0] == CSV_COLUMNS
    assert page == api_export(reviewed, query)


def test_every_export_has_the_thirteen_columns_in_the_order_of_the_chain(reviewed: Org) -> None:
    rows = page_export(reviewed, "")
    assert rows[0] == [
        "seq",
        "id",
        "at",
        "event",
        "actor",
        "object_type",
        "object_id",
        "object_repr",
        "old",
        "new",
        "comment",
        "prev_hash",
        "hash",
    ]
    expected = list(AuditEvent.objects.order_by("seq"))
    assert ids_in(rows) == [e.pk for e in expected]
    assert [row[-1] for row in rows[1:]] == [e.hash for e in expected]


def test_the_page_accepts_the_api_filters(reviewed: Org) -> None:
    event = AuditEvent.objects.get(event="initiative.review_started")
    query = f"object_type={event.object_type}&object_id={event.object_id}&actor={event.actor_id}"
    assert ids_in(page_export(reviewed, query)) == ids_on_the_api(reviewed, query)
    body = signed_in(reviewed.auditor).get(f"/audit/?{query}").content.decode()
    expected = AuditEvent.objects.filter(object_id=event.object_id, actor=event.actor).count()
    assert f"{expected} event" in body
    # The hidden object filter travels with the next search.
    assert f'name="object_id" value="{event.object_id}"' in body


def test_a_moment_bounds_the_range_exactly(reviewed: Org) -> None:
    event = AuditEvent.objects.get(event="initiative.review_started")
    at = event.at.isoformat().replace("+00:00", "Z")
    client = signed_in(reviewed.auditor)
    since = ids_in(rows_of(client.get(f"/audit/export.csv?since={at}")))
    until = ids_in(rows_of(client.get(f"/audit/export.csv?until={at}")))
    assert event.pk in since
    assert event.pk not in until
    assert sorted(since + until) == sorted(AuditEvent.objects.values_list("id", flat=True))


def test_a_day_includes_the_whole_day_on_both(reviewed: Org) -> None:
    query = f"since={today()}&until={today()}"
    on_the_page = sorted(ids_in(page_export(reviewed, query)))
    everything = sorted(AuditEvent.objects.values_list("id", flat=True))
    assert on_the_page == everything
    assert sorted(ids_on_the_api(reviewed, query)) == everything
    tomorrow = today() + datetime.timedelta(days=1)
    assert ids_on_the_api(reviewed, f"since={tomorrow}") == []


def test_a_reversed_range_is_refused_at_the_field(reviewed: Org) -> None:
    tomorrow = today() + datetime.timedelta(days=1)
    query = f"since={tomorrow}&until={today()}"
    response = api_client(reviewed.auditor).get(f"/api/audit/events/?{query}")
    assert response.status_code == 400
    assert "until" in response.json()
    body = signed_in(reviewed.auditor).get(f"/audit/?{query}").content.decode()
    assert "The end of the range is before its start." in body
    assert "0 events" in body
    assert page_export(reviewed, query) == [CSV_COLUMNS]


def test_a_malformed_date_is_refused_at_the_field(reviewed: Org) -> None:
    response = api_client(reviewed.auditor).get("/api/audit/events/?until=soon")
    assert response.status_code == 400
    assert "until" in response.json()
    body = signed_in(reviewed.auditor).get("/audit/?until=soon").content.decode()
    assert "Enter a valid date." in body
    assert "0 events" in body
