"""Signed checkpoints: the chain checked against a signed head, in the database
and in the exported file, with only the public key; and every way of
rewriting the log is found."""

import datetime
import hashlib
import io
import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from governance import audit, audit_guard, audit_keys, audit_verify
from governance.models import AuditCheckpoint, AuditEvent, AuditVerification, StrategicGoal
from tests.conftest import build_org, signed_in

TABLE = AuditEvent._meta.db_table


def verify(*args: str) -> str:
    out = io.StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def tamper(sql: str, params: list[Any] | None = None) -> None:
    with audit_guard.suspended(connection), connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def append(count: int) -> None:
    goal = StrategicGoal.objects.first()
    for _ in range(count):
        with transaction.atomic():
            audit.record(audit.Event.GOAL_UPDATED, actor=None, obj=goal)


@pytest.fixture
def every_ten(settings: Any, tmp_path: Path) -> Path:
    settings.AUDIT_CHECKPOINT_EVERY = 10
    settings.AUDIT_CHECKPOINT_FILE = str(tmp_path / "checkpoints.jsonl")
    return tmp_path / "checkpoints.jsonl"


@pytest.fixture
def sealed(every_ten: Path, db: None, django_capture_on_commit_callbacks: Any) -> Path:
    """The org's log, extended to 30 events with a checkpoint every 10, each also
    in a checkpoint file (after commit)."""
    with django_capture_on_commit_callbacks(execute=True):
        build_org()
        append(30 - AuditEvent.objects.count())
    return every_ten


def test_the_writer_signs_a_checkpoint_every_n_events(sealed: Path) -> None:
    checkpoints = list(AuditCheckpoint.objects.order_by("number"))
    assert [(c.number, c.head_seq, c.count) for c in checkpoints] == [
        (1, 10, 10),
        (2, 20, 20),
        (3, 30, 30),
    ]
    assert checkpoints[-1].head_hash == AuditEvent.objects.get(seq=30).hash
    lines = [json.loads(line) for line in sealed.read_text().splitlines()]
    assert [line["number"] for line in lines] == [1, 2, 3]
    assert lines[-1]["signature"] == checkpoints[-1].signature


def test_a_checkpoint_is_exported_only_after_commit(
    sealed: Path, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        audit.checkpoint_create()
        assert len(sealed.read_text().splitlines()) == 3
    assert len(sealed.read_text().splitlines()) == 4


def test_verify_audit_prints_the_count_the_checkpoint_and_intact(sealed: Path) -> None:
    output = verify("--checkpoints", str(sealed))
    assert "30 audit events checked." in output
    assert "checkpoint 3 of" in output
    assert "The audit chain is intact." in output
    last = AuditVerification.objects.get()
    assert (last.intact, last.events, last.checkpoint_number) == (True, 30, 3)


def test_verify_audit_needs_only_the_public_key(sealed: Path, settings: Any) -> None:
    public = sealed.parent / "audit.pub"
    out = io.StringIO()
    call_command("audit_public_key", stdout=out, stderr=io.StringIO())
    public.write_text(out.getvalue())
    assert out.getvalue().startswith("-----BEGIN PUBLIC KEY-----")
    # The verifier has no signing key, only the public one.
    settings.AUDIT_SIGNING_KEY = "not available here"
    assert "intact" in verify("--public-key", str(public), "--checkpoints", str(sealed))


def test_checkpoints_signed_by_another_key_are_refused(sealed: Path) -> None:
    other = sealed.parent / "other.pub"
    other.write_text(audit_keys.public_pem(Ed25519PrivateKey.generate().public_key()))
    with pytest.raises(CommandError, match=r"checkpoint 1 of .*signature does not match"):
        verify("--public-key", str(other))


def test_a_forged_checkpoint_line_is_refused(sealed: Path) -> None:
    lines = sealed.read_text().splitlines()
    forged = json.loads(lines[-1]) | {"count": 5, "head_seq": 5}
    sealed.write_text("\n".join([*lines, json.dumps(forged)]) + "\n")
    with pytest.raises(CommandError, match="signature does not match"):
        verify("--checkpoints", str(sealed))


def test_verify_audit_json(sealed: Path) -> None:
    result = json.loads(verify("--json", "--checkpoints", str(sealed)))
    assert result["intact"] is True
    assert result["events"] == 30
    assert result["checkpoint"]["number"] == 3
    assert result["problem"] is None


def test_deleting_the_first_event_is_found(sealed: Path) -> None:
    tamper(f"DELETE FROM {TABLE} WHERE seq = 1")
    second = AuditEvent.objects.get(seq=2)
    with pytest.raises(CommandError, match=rf"audit event {second.pk} \(seq 2\).*events 1 are"):
        verify()


def test_deleting_a_middle_event_names_the_missing_range(sealed: Path) -> None:
    tamper(f"DELETE FROM {TABLE} WHERE seq IN (12, 13)")
    with pytest.raises(CommandError, match=r"\(seq 14\): expected position 12: events 12 to 13"):
        verify()


def test_deleting_the_last_events_is_found_against_the_checkpoint(sealed: Path) -> None:
    tamper(f"DELETE FROM {TABLE} WHERE seq > 27")
    with pytest.raises(CommandError, match="events 28 to 30 are missing: checkpoint 3"):
        verify()


def test_a_truncated_log_and_database_checkpoints_are_found_from_the_file(
    sealed: Path,
) -> None:
    tamper(f"DELETE FROM {TABLE} WHERE seq > 15")
    tamper(f"DELETE FROM {AuditCheckpoint._meta.db_table} WHERE number > 1")
    assert "intact" in verify()  # the database alone now agrees with itself
    with pytest.raises(CommandError, match="events 16 to 30 are missing: checkpoint 3"):
        verify("--checkpoints", str(sealed))


def test_an_emptied_log_is_found_while_a_checkpoint_exists(sealed: Path) -> None:
    tamper(f"DELETE FROM {TABLE}")
    result = json.loads(_json_of_failure())
    assert result["events"] == 0
    assert result["missing"] == [1, 30]


def _json_of_failure() -> str:
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_audit", "--json", stdout=out)
    return out.getvalue()


def test_an_edited_event_is_found(sealed: Path) -> None:
    victim = AuditEvent.objects.get(seq=17)
    tamper(f"UPDATE {TABLE} SET comment = %s WHERE seq = 17", ["forged"])
    with pytest.raises(CommandError, match=rf"audit event {victim.pk} \(seq 17\): content"):
        verify()


def test_a_reordered_pair_is_found(sealed: Path) -> None:
    tamper(f"UPDATE {TABLE} SET seq = 1000 WHERE seq = 21")
    tamper(f"UPDATE {TABLE} SET seq = 21 WHERE seq = 22")
    tamper(f"UPDATE {TABLE} SET seq = 22 WHERE seq = 1000")
    with pytest.raises(CommandError, match=r"\(seq 21\): link"):
        verify()


def test_an_event_appended_without_the_key_is_found(sealed: Path) -> None:
    head = AuditEvent.objects.get(seq=30)
    forged = AuditEvent(
        seq=31,
        at=timezone.now(),
        event="goal.updated",
        object_type="governance.strategicgoal",
        object_id="1",
        object_repr="forged",
        comment="",
        prev_hash=head.hash,
    )
    forged.hash = hashlib.sha256(audit.canonical(forged)).hexdigest()
    forged.save(force_insert=True)
    with pytest.raises(CommandError, match=r"\(seq 31\): content does not match"):
        verify()


def test_a_chain_rewritten_and_rehashed_without_the_key_is_found(sealed: Path) -> None:
    wrong_key = b"a guess at the key"
    tamper(f"UPDATE {TABLE} SET comment = %s WHERE seq = 3", ["rewritten"])
    prev = ""
    for event in AuditEvent.objects.order_by("seq"):
        event.prev_hash = prev
        tamper(
            f"UPDATE {TABLE} SET prev_hash = %s, hash = %s WHERE id = %s",
            [prev, audit.link(event, wrong_key), event.pk],
        )
        prev = audit.link(event, wrong_key)
    with pytest.raises(CommandError, match=r"\(seq 1\): content does not match"):
        verify()


def test_the_audit_page_shows_the_last_verification(sealed: Path) -> None:
    # Signing in appends event 31.
    auditor = signed_in(get_user_model().objects.get(username="auditor"))
    assert b"has not been verified yet" in auditor.get("/audit/").content
    verify()
    page = auditor.get("/audit/")
    assert b"intact, 31 events" in page.content
    assert b"signed checkpoint 3" in page.content
    tamper(f"UPDATE {TABLE} SET comment = %s WHERE seq = 4", ["forged"])
    with pytest.raises(CommandError):
        verify()
    page = auditor.get("/audit/")
    assert b"broken." in page.content
    assert b"(seq 4): content does not match" in page.content


def test_verify_audit_streams_a_large_log_in_flat_memory(db: None) -> None:
    """Events inserted in bulk with a valid chain: verification reads them as
    tuples in chunks, so its peak memory does not grow with the log: five
    times the events, about the same peak (and far below the log's size)."""
    key = audit_keys.hmac_key()
    at = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    columns = ["seq", "at", "event", "object_type", "object_id", "object_repr", "comment"]
    names = ", ".join([*columns, "prev_hash", "hash"])
    placeholders = ", ".join(["%s"] * (len(columns) + 2))
    head = {"seq": 0, "link": ""}

    def append(count: int) -> None:
        def rows() -> Any:
            prev, first = head["link"], int(head["seq"]) + 1
            for seq in range(first, first + count):
                values = (seq, at, "goal.updated", None, "governance.strategicgoal", str(seq))
                content = audit.canonical_values(*values, f"goal {seq}", None, None, "", prev)
                link = audit_keys.mac(key, content)
                yield (seq, at, "goal.updated", "governance.strategicgoal", str(seq), f"goal {seq}")
                yield ("", prev, link)
                prev = link
            head["seq"], head["link"] = first + count - 1, prev

        def paired() -> Any:
            parts = rows()
            for start in parts:
                tail = next(parts)
                yield (*start, *tail)

        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {TABLE} ({names}) VALUES ({placeholders})", paired())
        audit.checkpoint_create()

    def verified_peak(total: int) -> int:
        tracemalloc.start()
        try:
            result = audit_verify.verify()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert result.intact, result.problem
        assert result.events == total
        return peak

    append(20_000)
    small = verified_peak(20_000)
    append(80_000)
    large = verified_peak(100_000)
    # Holding 100,000 rows as tuples takes about 60 MB; a few chunks take a few MB.
    assert large < 10 * 1024 * 1024, large
    assert large < small * 1.5 + 512 * 1024, (small, large)
