"""The audit log: a tamper-evident keyed chain, append-only in the admin, the
API and the database; read by auditors and the CoE lead."""

import csv
import io
import itertools
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from governance import audit, audit_guard, audit_reader
from governance.models import AuditEvent, StrategicGoal
from tests.conftest import Org, api_client, build_org, on_postgres

TABLE = AuditEvent._meta.db_table


def verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def tamper(sql: str, params: list[Any]) -> None:
    """Change the log behind the application's back, as an attacker owning the
    tables would: disable the append-only triggers, change, enable them again."""
    with audit_guard.suspended(connection), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _events() -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("seq"))


def test_each_event_links_to_the_previous_one(org: Org) -> None:
    events = _events()
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == ""
    for previous, event in itertools.pairwise(events):
        assert event.prev_hash == previous.hash
        assert event.hash == audit.link(event)
        assert len(event.hash) == 64


def test_verify_audit_counts_the_events_of_an_intact_chain(org: Org) -> None:
    output = verify()
    assert f"{AuditEvent.objects.count()} audit events checked." in output
    assert "intact" in output


def test_verify_audit_of_an_empty_log(db: None) -> None:
    assert "0 audit events checked." in verify()


def test_verify_audit_names_an_edited_event(org: Org) -> None:
    victim = _events()[4]
    tamper(f"UPDATE {TABLE} SET comment = %s WHERE id = %s", ["nothing happened", victim.pk])
    with pytest.raises(CommandError, match=rf"audit event {victim.pk} \(seq 5\): content"):
        verify()


def test_verify_audit_names_an_edited_json_value(org: Org) -> None:
    victim = AuditEvent.objects.filter(event="organization_role.granted").first()
    tamper(
        f"UPDATE {TABLE} SET new = %s WHERE id = %s",
        ['{"user": "outsider", "role": "coe_lead"}', victim.pk],
    )
    with pytest.raises(CommandError, match=rf"audit event {victim.pk} "):
        verify()


def test_verify_audit_names_the_event_after_a_deleted_one(org: Org) -> None:
    events = _events()
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [events[3].pk])
    with pytest.raises(CommandError, match=rf"audit event {events[4].pk} \(seq 5\)"):
        verify()


def test_verify_audit_detects_a_deleted_event_renumbered_away(org: Org) -> None:
    """Closing the gap in the positions does not help: the link breaks."""
    events = _events()
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [events[3].pk])
    tamper(f"UPDATE {TABLE} SET seq = seq + 1000000 WHERE seq > 4", [])
    tamper(f"UPDATE {TABLE} SET seq = seq - 1000001 WHERE seq > 1000000", [])
    with pytest.raises(CommandError, match=rf"audit event {events[4].pk} \(seq 4\): link"):
        verify()


def test_verify_audit_detects_a_reordered_pair(org: Org) -> None:
    events = _events()
    first, second = events[5], events[6]
    tamper(f"UPDATE {TABLE} SET seq = %s WHERE id = %s", [10_000_000, first.pk])
    tamper(f"UPDATE {TABLE} SET seq = %s WHERE id = %s", [first.seq, second.pk])
    tamper(f"UPDATE {TABLE} SET seq = %s WHERE id = %s", [second.seq, first.pk])
    with pytest.raises(CommandError, match=rf"audit event {second.pk} \(seq {first.seq}\)"):
        verify()


def test_verify_audit_exits_non_zero_from_the_command_line(org: Org) -> None:
    from django.core.management import execute_from_command_line

    tamper(f"UPDATE {TABLE} SET object_repr = %s WHERE seq = 2", ["forged"])
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["manage.py", "verify_audit"])
    assert exit_.value.code != 0


# The admin and the API cannot change the log.


def test_the_admin_shows_events_but_cannot_change_or_delete_them(org: Org, client: Any) -> None:
    client.force_login(org.admin)
    event = AuditEvent.objects.first()
    base = f"/admin/governance/auditevent/{event.pk}"
    assert client.get(f"{base}/change/").status_code == 200
    assert client.post(f"{base}/change/", {"comment": "forged"}).status_code == 403
    assert client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    listing = client.get("/admin/governance/auditevent/")
    assert b"delete_selected" not in listing.content
    refused = client.post(
        "/admin/governance/auditevent/",
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert refused.status_code in (200, 302, 403)
    assert AuditEvent.objects.filter(pk=event.pk, comment=event.comment).exists()
    assert "intact" in verify()


def test_the_admin_cannot_revert_a_policy_to_a_history_row(org: Org, client: Any) -> None:
    from tests.policies.conftest import policy_in

    policy = policy_in(org, "published")
    row = policy.history.order_by("history_id").first()
    client.force_login(org.admin)
    url = f"/admin/policies/policy/{policy.pk}/history/{row.history_id}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"title": "Reverted"}).status_code == 403
    assert (
        client.post(f"/admin/policies/policy/{policy.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert policy.history.count() == 3


@pytest.mark.parametrize("method", ["put", "patch", "delete", "post"])
def test_the_api_has_no_way_to_change_an_event(org: Org, method: str) -> None:
    event = AuditEvent.objects.first()
    client = api_client(org.auditor)
    response = getattr(client, method)(
        f"/api/audit/events/{event.pk}/", {"comment": "forged"}, format="json"
    )
    assert response.status_code == 405
    assert getattr(client, method)("/api/audit/events/", {}, format="json").status_code in (
        200 if method == "get" else 405,
    )


# The database refuses it too.


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_update_delete_and_truncate_of_events() -> None:
    build_org()
    event = AuditEvent.objects.order_by("seq").first()
    attempts = [
        lambda: AuditEvent.objects.filter(pk=event.pk).update(comment="forged"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        lambda: connection.cursor().execute(f"UPDATE {TABLE} SET seq = seq + 1"),
        lambda: connection.cursor().execute(f"DELETE FROM {TABLE}"),
    ]
    if on_postgres():
        attempts.append(lambda: connection.cursor().execute(f"TRUNCATE {TABLE} CASCADE"))
    for attempt in attempts:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    assert AuditEvent.objects.get(pk=event.pk).comment == event.comment
    assert "intact" in verify()
    with transaction.atomic():
        audit.record(audit.Event.GOAL_UPDATED, actor=None, obj=StrategicGoal.objects.first())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_running_as_a_replica_does_not_skip_the_guard() -> None:
    if not on_postgres():
        pytest.skip("session_replication_role exists on PostgreSQL only.")
    build_org()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        with pytest.raises(DatabaseError, match="append-only"):
            cursor.execute(f"DELETE FROM {TABLE}")


# Reading the log through the API


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("auditor", 200),
        ("coe_lead", 200),
        ("coe_member", 403),
        ("sponsor", 403),
        ("marketing_lead", 403),
        ("outsider", 403),
    ],
)
def test_only_auditors_and_the_coe_lead_read_the_log(org: Org, person: str, status: int) -> None:
    client = api_client(org.people[person])
    assert client.get("/api/audit/events/").status_code == status
    assert client.get("/api/audit/events/?format=csv").status_code == status


def test_anonymous_callers_get_401_from_the_log(org: Org) -> None:
    assert api_client(None).get("/api/audit/events/").status_code == 401


def test_the_log_filters(org: Org) -> None:
    client = api_client(org.auditor)
    membership = AuditEvent.objects.filter(event="membership.set").first()

    def ids(query: str) -> set[int]:
        response = client.get(f"/api/audit/events/?page_size=200&{query}")
        assert response.status_code == 200, response.content
        return {e["id"] for e in response.json()["results"]}

    assert ids("event=membership.set") == set(
        AuditEvent.objects.filter(event="membership.set").values_list("id", flat=True)
    )
    assert ids(f"object_type={membership.object_type}&object_id={membership.object_id}") == set(
        AuditEvent.objects.filter(
            object_type=membership.object_type, object_id=membership.object_id
        ).values_list("id", flat=True)
    )
    by_admin = set(AuditEvent.objects.filter(actor=org.admin).values_list("id", flat=True))
    assert ids("actor=admin") == by_admin
    assert ids(f"actor={org.admin.pk}") == by_admin
    at = membership.at.isoformat().replace("+00:00", "Z")
    assert ids(f"since={at}") == set(
        AuditEvent.objects.filter(at__gte=membership.at).values_list("id", flat=True)
    )
    assert ids(f"until={at}") == set(
        AuditEvent.objects.filter(at__lt=membership.at).values_list("id", flat=True)
    )
    assert ids("since=2999-01-01") == set()
    assert ids("actor=99999999999999999999") == set()
    bad = client.get("/api/audit/events/?since=yesterday")
    assert bad.status_code == 400
    assert "since" in bad.json()


def test_a_refused_or_invalid_export_answers_in_json(org: Org) -> None:
    refused = api_client(org.coe_member).get("/api/audit/events/?format=csv")
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/json"
    assert "detail" in refused.json()
    invalid = api_client(org.auditor).get("/api/audit/events/?format=csv&since=yesterday")
    assert invalid.status_code == 400
    assert "since" in invalid.json()


def test_one_event_is_read_in_json_only(org: Org) -> None:
    event = AuditEvent.objects.first()
    client = api_client(org.auditor)
    assert client.get(f"/api/audit/events/{event.pk}/").status_code == 200
    assert client.get(f"/api/audit/events/{event.pk}/?format=csv").status_code == 404


def test_the_csv_export_streams_the_filtered_log(org: Org) -> None:
    response = api_client(org.coe_lead).get("/api/audit/events/?format=csv&event=membership.set")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    expected = list(AuditEvent.objects.filter(event="membership.set").order_by("seq"))
    assert [int(r["id"]) for r in rows] == [e.pk for e in expected]
    assert rows[0]["actor"] == "admin"
    assert rows[0]["hash"] == expected[0].hash
    assert set(rows[0]) >= {"at", "event", "object_type", "object_id", "old", "new", "comment"}


def test_the_csv_export_reads_the_log_in_chunks(org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    # A server-side cursor on PostgreSQL, the queryset's iterator elsewhere:
    # either way rows arrive a chunk at a time, never the whole log at once.
    seen: list[int] = []
    original = audit_reader._chunks

    def spy(values: Any) -> Any:
        for chunk in original(values):
            seen.append(len(chunk))
            yield chunk

    monkeypatch.setattr(audit_reader, "EXPORT_CHUNK_SIZE", 7)
    monkeypatch.setattr(audit_reader, "_chunks", spy)
    response = api_client(org.auditor).get("/api/audit/events/?format=csv")
    body = b"".join(response.streaming_content).decode()
    total = AuditEvent.objects.count()
    assert total > 7
    assert seen == [7] * (total // 7) + ([total % 7] if total % 7 else [])
    assert body.count("\n") == AuditEvent.objects.count() + 1
