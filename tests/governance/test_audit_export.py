"""The audit export, read as tuples, writes every event exactly as the event
reads: the same cells as from the model, JSON with sorted keys."""

import csv
import io
import json

from django.db import transaction

from governance.audit_reader import CSV_COLUMNS
from governance.csv_export import text_cell
from governance.models import AuditEvent
from tests.conftest import Org, api_client, bring_to, signed_in


def as_model_reads(event: AuditEvent) -> dict[str, str]:
    def shown(value: object) -> str:
        return "" if value is None else json.dumps(value, sort_keys=True)

    return {
        "seq": str(event.seq),
        "id": str(event.pk),
        "at": event.at.isoformat(),
        "event": event.event,
        "actor": event.actor.get_username() if event.actor else "",
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "old": shown(event.old),
        "new": shown(event.new),
        "comment": event.comment,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def test_every_exported_row_is_the_event_as_the_model_reads_it(org: Org) -> None:
    bring_to(org, "rejected")
    response = api_client(org.auditor).get("/api/audit/events/?format=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    events = list(AuditEvent.objects.select_related("actor").order_by("seq"))
    assert len(rows) == len(events)
    assert any(row["old"] for row in rows)
    for row, event in zip(rows, events, strict=True):
        expected = as_model_reads(event)
        # Text that a spreadsheet would run is neutralised with a quote.
        assert {k: v.removeprefix("'") for k, v in row.items()} == {
            k: v.removeprefix("'") for k, v in expected.items()
        }


def test_awkward_values_export_exactly_as_the_model_reads_them(org: Org) -> None:
    """Values the database cannot write as Python does (keys out of length
    order, nested objects, non-ASCII text, fractions) and cells that need
    quoting or neutralising come out the same as from the model."""
    from governance import audit

    awkward = [
        {"business_unit": "m", "goals": [1, 2], "zz": None},
        {"nested": {"b": 1, "a": [1.5, 2e20]}, "ä": "Grüße", "t": "x,y"},
        [{"policy": 1, "version": 2}],
        "-starts like a formula",
        -5,
        1.0,
        {"quote": 'say "hi"', "line": "one\ntwo", "tab": "\tx"},
        {"state": "draft", "title": "=SUM(A1)"},
        None,
    ]
    for n, value in enumerate(awkward):
        audit.record(
            audit.Event.GOAL_UPDATED,
            actor=org.admin,
            obj=org.goal,
            old=value,
            new={"n": n, "value": value},
            comment=["plain", '=cmd "quoted", with comma\nand line'][n % 2],
        )
    response = api_client(org.auditor).get("/api/audit/events/?format=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    events = list(AuditEvent.objects.select_related("actor").order_by("seq"))
    assert len(rows) == len(events)
    for row, event in zip(rows, events, strict=True):
        assert {k: v.removeprefix("'") for k, v in row.items()} == {
            k: v.removeprefix("'") for k, v in as_model_reads(event).items()
        }
    assert rows[-2]["comment"].startswith("'=cmd")


def test_values_at_the_edge_of_the_text_written_as_read_export_as_the_model_reads_them(
    org: Org,
) -> None:
    """The export writes a value's stored text as it is when that text is
    already sorted, plain JSON; these come close to that and must still come
    out as the model reads them."""
    from governance import audit

    edges = [
        {"state": "draft", "title": "Same length keys"},
        {"user": "u", "permissions": ["own"]},
        {"a": 0.00001, "b": 10.00001, "c": 0.0001},
        {"tiny": -1.5e-7},
        {"big": 1.5e16, "bigger": 2e300},
        {"del": "\x7f", "ctl": "\x01"},
        [{"policy": 1}, {"policy": 2}],
        {"a": {"z": 1, "b": 2}, "b": []},
        {"k": 'a": b'},
        {"kéy": 1},
        "plain",
        [],
        {},
        True,
    ]
    for value in edges:
        audit.record(audit.Event.GOAL_UPDATED, actor=org.admin, obj=org.goal, old=value, new=None)
    response = api_client(org.auditor).get("/api/audit/events/?format=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    events = list(AuditEvent.objects.select_related("actor").order_by("seq"))
    exported = [row["old"].removeprefix("'") for row in rows[-len(edges) :]]
    assert exported == [as_model_reads(e)["old"] for e in events[-len(edges) :]]


def file_as_csv_writes_it(events: list[AuditEvent]) -> bytes:
    """The export as csv.writer writes the events' cells as the model reads
    them, text neutralised where a spreadsheet would run it: byte for byte."""
    plain = {"seq", "id", "at", "event", "prev_hash", "hash"}
    written = io.StringIO()
    writer = csv.writer(written)
    writer.writerow(CSV_COLUMNS)
    for event in events:
        cells = as_model_reads(event)
        writer.writerow([cells[c] if c in plain else text_cell(cells[c]) for c in CSV_COLUMNS])
    return written.getvalue().encode()


def test_the_export_is_byte_for_byte_what_csv_writer_writes(org: Org) -> None:
    """Rows written directly and rows written by csv.writer side by side:
    cells that need quoting or neutralising in every text column, values of
    every JSON kind, an event without actor."""
    from governance import audit

    bring_to(org, "approved")
    texts = [
        "plain",
        "a, b",
        'say "hi"',
        "one\ntwo",
        "carriage\rreturn",
        "=SUM(A1)",
        "+1",
        "-1",
        "@mention",
        "\ttab",
        "\rstart",
        "Grüße",
        "",
        "trailing,",
    ]
    values = [{"b": 1, "a": "x,y"}, [1, "two"], "text", -5, 2.5, None, {"k": 'q"uote'}, [], True]
    with transaction.atomic():
        for n, text in enumerate(texts):
            audit.record(
                audit.Event.GOAL_UPDATED,
                actor=None if n % 3 == 0 else org.admin,
                obj=None,
                object_type=text or "governance.strategicgoal",
                object_repr=texts[-1 - n],
                old=values[n % len(values)],
                new=values[(n + 4) % len(values)],
                comment=texts[(n + 5) % len(texts)],
            )
    api, page = api_client(org.auditor), signed_in(org.auditor)  # signing in is an event
    events = list(AuditEvent.objects.select_related("actor").order_by("seq"))
    expected = file_as_csv_writes_it(events)

    for response in (api.get("/api/audit/events/?format=csv"), page.get("/audit/export.csv")):
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == expected
