"""The audit page as an auditor reads it: events and objects named in the
reader's language, each event linked to its object's page, an object's whole
history in one view (and its export), the chain's last verification, and a
constant number of queries however many events a page holds."""

import csv
import datetime
import io
import re
import zoneinfo
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format, reset_format_cache

from governance import audit, audit_reader, audit_verify
from governance.audit import Event
from governance.audit_display import EVENT_NAMES, _time_text
from governance.models import AuditEvent
from initiatives.models import Initiative
from tests.conftest import Org, bring_to, propose, signed_in


def german(client: Client) -> Client:
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    return client


def test_every_event_of_the_registry_has_a_readable_name() -> None:
    assert set(EVENT_NAMES) == set(Event)


def test_the_page_names_events_states_and_objects_in_german(org: Org) -> None:
    initiative = bring_to(org, "awaiting_sponsor")
    body = german(signed_in(org.auditor)).get("/audit/").content.decode()
    assert "Vom CoE genehmigt" in body  # initiative.approved
    assert "<del>In Prüfung</del> → <ins>Wartet auf Sponsor</ins>" in body
    shown = re.sub(r"<[^>]*>", " ", body.split("<tbody>")[1])
    assert "in_review" not in shown
    assert "initiatives.initiative" not in shown
    assert f"{initiative.title}</a>" in body
    assert ">Initiative<" in body


def test_a_transition_reads_as_the_states_labels(org: Org) -> None:
    bring_to(org, "in_review")
    body = signed_in(org.auditor).get("/audit/?event=initiative.review_started").content.decode()
    assert "<del>Submitted</del> → <ins>In review</ins>" in body
    body = german(signed_in(org.auditor)).get("/audit/?event=initiative.review_started")
    assert "<del>Eingereicht</del> → <ins>In Prüfung</ins>" in body.content.decode()


def test_an_attestation_names_the_policies_and_versions(org: Org) -> None:
    from tests.policies.conftest import policy_in

    policy = policy_in(org, "published", title="Brand voice")
    bring_to(org, "submitted")
    body = signed_in(org.auditor).get("/audit/?event=policy.attested").content.decode()
    assert f"Brand voice, version {policy.version}" in body
    assert '"policy":' not in body


def test_each_event_links_to_its_objects_page(org: Org) -> None:
    initiative = propose(org, title="Linked one")
    body = signed_in(org.auditor).get("/audit/?event=initiative.created").content.decode()
    assert f'<a href="/initiatives/{initiative.pk}/">Linked one</a>' in body


def test_an_object_whose_page_the_reader_cannot_see_is_not_linked(org: Org) -> None:
    # The CoE lead reads the whole log; an object type without a page has no link.
    body = signed_in(org.coe_lead).get("/audit/?event=membership.set").content.decode()
    rows = body.split("<tbody>")[1]
    assert '<a href="/initiatives/' not in rows


def test_an_objects_whole_history_in_one_view_and_its_export(org: Org) -> None:
    initiative = bring_to(org, "approved")
    other = propose(org, title="Someone else's")
    query = f"object_type=initiatives.initiative&object_id={initiative.pk}"
    client = signed_in(org.auditor)
    body = client.get(f"/audit/?{query}").content.decode()
    assert f"History of Initiative “{initiative.title}”" in body
    assert other.title not in body
    expected = AuditEvent.objects.filter(
        object_type="initiatives.initiative", object_id=str(initiative.pk)
    ).count()
    assert expected >= 5
    assert f"{expected} events" in body
    # Each row of the full log offers the object's history.
    full = client.get("/audit/").content.decode()
    assert f'href="/audit/?{query}"' in full.replace("&amp;", "&")
    export = client.get(f"/audit/export.csv?{query}")
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert len(rows) == expected
    assert {row["object_id"] for row in rows} == {str(initiative.pk)}


def test_the_page_shows_the_newest_checkpoint_and_the_last_verification(org: Org) -> None:
    client = signed_in(org.auditor)
    body = client.get("/audit/").content.decode()
    assert "No signed checkpoint yet." in body
    assert "has not been verified yet" in body
    checkpoint = audit.checkpoint_create()
    audit_verify.verification_record(audit_verify.verify())
    body = client.get("/audit/").content.decode()
    assert f"Newest signed checkpoint: number {checkpoint.number}" in body
    assert f"covering {checkpoint.count} events." in body
    assert re.search(r"Chain last verified .*: intact, \d+ events", body)


def test_the_chain_status_reads_the_newest_of_each_in_one_query_once_verified(
    org: Org, django_assert_num_queries: Any
) -> None:
    # Verified before any checkpoint: the verification, no checkpoint.
    first = audit_verify.verification_record(audit_verify.verify())
    with django_assert_num_queries(1):
        status = audit_reader.chain_status()
    assert status.verification == first
    assert status.checkpoint is None

    # A checkpoint, then another and more events: the newest, with its figures.
    audit.checkpoint_create()
    bring_to(org, "submitted")
    newest = audit.checkpoint_create()
    with django_assert_num_queries(1):
        status = audit_reader.chain_status()
    assert status.verification == first
    assert status.checkpoint == audit_reader.Checkpoint(newest.number, newest.at, newest.count)

    later = audit_verify.verification_record(audit_verify.verify())
    assert audit_reader.chain_status().verification == later


def test_the_chain_status_before_any_verification_still_shows_the_newest_checkpoint(
    org: Org,
) -> None:
    assert audit_reader.chain_status() == audit_reader.ChainStatus(None, None)
    checkpoint = audit.checkpoint_create()
    status = audit_reader.chain_status()
    assert status.verification is None
    assert status.checkpoint == audit_reader.Checkpoint(
        checkpoint.number, checkpoint.at, checkpoint.count
    )


def test_the_page_runs_as_many_queries_for_1000_events_as_for_10(org: Org) -> None:
    client = signed_in(org.auditor)
    bring_to(org, "approved")

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/audit/").status_code == 200
        return len(context.captured_queries)

    few = page_queries()
    initiatives = Initiative.objects.bulk_create(
        Initiative(title=f"Bulk {n}", business_unit=org.marketing, owner=org.marketing_member)
        for n in range(500)
    )
    audit.record_many(
        [
            {"event": Event.INITIATIVE_CREATED, "obj": i, "new": {"state": "draft"}}
            for i in initiatives
        ]
        + [
            {"event": Event.INITIATIVE_SUBMITTED, "obj": i, "old": {"state": "draft"}}
            for i in initiatives
        ],
        actor=org.marketing_member,
    )
    assert AuditEvent.objects.count() > 1000
    assert page_queries() == few


def test_what_people_typed_is_escaped_in_every_cell(org: Org) -> None:
    initiative = propose(org, title='<script>alert("title")</script>')
    with transaction.atomic():
        audit.record(
            Event.INITIATIVE_UPDATED,
            actor=org.marketing_member,
            obj=initiative,
            new={"summary": "<i>new</i>"},
            comment="<b>bold</b> & co",
        )
    body = signed_in(org.auditor).get("/audit/").content.decode()
    rows = body.split("<tbody>")[1]
    assert "<script>" not in rows
    assert "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;</a>" in rows
    assert "<ins>&lt;i&gt;new&lt;/i&gt;</ins>" in rows
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co</td>" in rows


def moments() -> list[datetime.datetime]:
    """Moments within one minute, and the two 02:30 of the night summer time
    ends in Berlin (one hour apart, the same on the wall clock)."""
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    utc = datetime.UTC
    start = datetime.datetime(2026, 3, 4, 9, 15, 0, tzinfo=utc)
    found = [start + datetime.timedelta(seconds=s) for s in (0, 7, 59, 60, 3600)]
    found += [
        datetime.datetime(2026, 10, 25, 0, 30, 20, tzinfo=utc),  # 02:30 summer time
        datetime.datetime(2026, 10, 25, 1, 30, 40, tzinfo=utc),  # 02:30 winter time
    ]
    return [moment.astimezone(berlin) for moment in found]


@pytest.mark.parametrize("language", ["en", "de", "it"])
def test_the_page_writes_each_moment_as_date_format_does(language: str) -> None:
    with translation.override(language), timezone.override("Europe/Berlin"):
        text = _time_text()
        for moment in moments():
            assert text(moment) == date_format(moment, "SHORT_DATETIME_FORMAT")


def test_a_format_with_seconds_is_written_for_each_moment() -> None:
    # Django keeps the formats it read: forgotten on entering and on leaving.
    try:
        with override_settings(FORMAT_MODULE_PATH=["tests.governance.seconds_formats"]):
            reset_format_cache()
            with translation.override("en"), timezone.override("Europe/Berlin"):
                text = _time_text()
                written = [text(moment) for moment in moments()]
    finally:
        reset_format_cache()
    assert written == [date_format(moment, "Y-m-d H:i:s") for moment in moments()]
    assert written[0] != written[1]  # the same minute, other seconds


def filters_of(client: Client, query: str = "") -> str:
    page = client.get(f"/audit/{query}").content.decode()
    found = re.search(r'<form class="filters".*?</form>', page, re.S)
    assert found, "the page has no filters"
    return found.group(0)


def test_the_filters_of_a_page_without_query_follow_the_language_and_a_query_shows_its_own(
    org: Org,
) -> None:
    auditor = signed_in(org.auditor)
    english = filters_of(auditor)
    assert ">Apply</button>" in english
    assert "All events" in english
    # Nothing chosen: "All types" and "All events".
    assert re.findall(r'<option value="([^"]*)" selected>', english) == ["", ""]

    german_client = german(signed_in(org.auditor))
    german_filters = filters_of(german_client)
    assert ">Anwenden</button>" in german_filters
    assert "Alle Ereignisse" in german_filters
    # Each language keeps its own, whichever was written first.
    assert filters_of(auditor) == english

    # A query's filters show its values and its errors, not the plain ones.
    chosen = filters_of(auditor, "?event=initiative.submitted&actor=coe_lead")
    assert '<option value="initiative.submitted" selected>' in chosen
    assert 'value="coe_lead"' in chosen
    refused = filters_of(auditor, "?since=2026-02-01&until=2026-01-01")
    assert "The end of the range is before its start." in refused
    # The object's whole history: its id rides along in the filters.
    history = filters_of(auditor, "?object_type=governance.businessunit&object_id=1")
    assert 'name="object_id"' in history
    assert 'name="object_id"' not in english
