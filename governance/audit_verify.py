"""Checking the audit log: every link, and the chain against the signed
checkpoints, from the database and from the exported checkpoint file.

Needs the HMAC key (for the links) and only the public key for the
checkpoints. Reads the log as tuples in chunks, so memory does not grow with
its length. Finds an edited, deleted (first, middle, last), reordered or
inserted event, a truncated log, and a chain rewritten without the key."""

import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db.models import Max

from governance import audit, audit_keys
from governance.models import AuditChainUpgrade, AuditCheckpoint, AuditEvent, AuditVerification

CHUNK = 2000
SIGNED_FIELDS = ("number", "head_seq", "head_hash", "count", "legacy_until", "at", "key_id")


@dataclass(frozen=True)
class ChainProblem:
    event_id: int
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"audit event {self.event_id} (seq {self.seq}): {self.reason}"


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint as the verifier sees it, from the database or the file."""

    number: int
    head_seq: int
    head_hash: str
    count: int
    legacy_until: int
    at: str
    key_id: str
    signature: str
    source: str

    def message(self) -> bytes:
        return audit.checkpoint_message(**{name: getattr(self, name) for name in SIGNED_FIELDS})

    def describe(self) -> str:
        return f"checkpoint {self.number} of {self.at} ({self.count} events, {self.source})"


@dataclass
class Result:
    events: int = 0
    checkpoint: Checkpoint | None = None
    checkpoints_checked: int = 0
    problem: str = ""
    event: ChainProblem | None = None
    missing: tuple[int, int] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problem

    def as_dict(self) -> dict[str, Any]:
        newest = self.checkpoint
        return {
            "intact": self.intact,
            "events": self.events,
            "checkpoint": None
            if newest is None
            else {name: getattr(newest, name) for name in (*SIGNED_FIELDS, "source")},
            "checkpoints_checked": self.checkpoints_checked,
            "problem": self.problem or None,
            "event": None
            if self.event is None
            else {"id": self.event.event_id, "seq": self.event.seq, "reason": self.event.reason},
            "missing": None if self.missing is None else list(self.missing),
            "notes": self.notes,
        }


def database_checkpoints() -> Iterator[Checkpoint]:
    rows = AuditCheckpoint.objects.order_by("number").values_list(*SIGNED_FIELDS, "signature")
    for number, head_seq, head_hash, count, legacy_until, at, key_id, signature in rows.iterator(
        chunk_size=CHUNK
    ):
        yield Checkpoint(
            number,
            head_seq,
            head_hash,
            count,
            legacy_until,
            at.astimezone(datetime.UTC).isoformat(),
            key_id,
            signature,
            "database",
        )


def file_checkpoints(path: str | Path) -> Iterator[Checkpoint]:
    """The checkpoints of an exported file, one JSON object a line. Raises
    ValueError naming the line that is not a checkpoint."""
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                yield Checkpoint(
                    **{name: data[name] for name in (*SIGNED_FIELDS, "signature")},
                    source=f"{path}:{number}",
                )
            except (KeyError, TypeError, json.JSONDecodeError) as exc:
                raise ValueError(f"{path}, line {number}: not a checkpoint ({exc}).") from exc


def _check_signatures(
    checkpoints: Iterable[Checkpoint], key: Ed25519PublicKey, result: Result
) -> list[Checkpoint]:
    valid = []
    for checkpoint in checkpoints:
        result.checkpoints_checked += 1
        if not audit_keys.verify_signature(key, checkpoint.signature, checkpoint.message()):
            result.problem = f"{checkpoint.describe()}: the signature does not match"
            return []
        valid.append(checkpoint)
    return valid


def verify(
    *,
    public_key: Ed25519PublicKey | None = None,
    checkpoint_file: str | Path | None = None,
    hmac_key: bytes | None = None,
) -> Result:
    """Walk the whole chain and check it against every signed checkpoint.
    Returns the result; never raises for a broken log."""
    result = Result()
    key = public_key or audit_keys.public_key()
    checkpoints = _check_signatures(database_checkpoints(), key, result)
    if result.problem:
        return result
    if checkpoint_file is not None:
        try:
            checkpoints += _check_signatures(file_checkpoints(checkpoint_file), key, result)
        except (OSError, ValueError) as exc:
            result.problem = f"the checkpoint file cannot be read: {exc}"
        if result.problem:
            return result
    if checkpoints:
        newest = max(checkpoints, key=lambda c: (c.count, c.at))
        result.checkpoint = newest
        legacy_until = newest.legacy_until
        if any(c.legacy_until != legacy_until for c in checkpoints):
            result.problem = "the checkpoints disagree on where the unkeyed events end"
            return result
    else:
        # Nothing is signed yet: the boundary is as the upgrade recorded it.
        legacy_until = AuditChainUpgrade.objects.aggregate(until=Max("legacy_until"))["until"] or 0
        result.notes.append("No signed checkpoint yet: a removed tail could not be detected.")
    heads: dict[int, Checkpoint] = {}
    for checkpoint in sorted(checkpoints, key=lambda c: c.count):
        if checkpoint.head_seq:
            heads.setdefault(checkpoint.head_seq, checkpoint)
    _walk(result, legacy_until, heads, hmac_key or audit_keys.hmac_key())
    if result.problem:
        return result
    if result.checkpoint is not None and result.events < result.checkpoint.count:
        result.missing = (result.events + 1, result.checkpoint.count)
        result.problem = (
            f"events {result.events + 1} to {result.checkpoint.count} are missing: "
            f"{result.checkpoint.describe()}"
        )
    return result


def _walk(result: Result, legacy_until: int, heads: dict[int, Checkpoint], key: bytes) -> None:
    rows = (
        AuditEvent.objects.order_by("seq")
        .values_list("id", *audit.CHAINED_FIELDS, "hash")
        .iterator(chunk_size=CHUNK)
    )
    prev_hash = ""
    expected = 1
    for row in rows:
        event_id, seq, prev, stored = row[0], row[1], row[11], row[12]
        result.events += 1

        def fail(reason: str, event_id: int = event_id, seq: int = seq) -> None:
            result.event = ChainProblem(event_id, seq, reason)
            result.problem = str(result.event)

        if seq != expected:
            result.missing = (expected, seq - 1)
            gap = f"{expected}" if seq - 1 == expected else f"{expected} to {seq - 1}"
            return fail(f"expected position {expected}: events {gap} are missing")
        if not audit_keys.same(prev, prev_hash):
            return fail("link to the previous event does not match")
        content = audit.canonical_values(*row[1:12])
        if seq <= legacy_until:
            computed = hashlib.sha256(content).hexdigest()
        else:
            computed = audit_keys.mac(key, content)
        if not audit_keys.same(computed, stored):
            return fail("content does not match its link")
        checkpoint = heads.get(seq)
        if checkpoint is not None and not audit_keys.same(stored, checkpoint.head_hash):
            return fail(f"does not match the head signed in {checkpoint.describe()}")
        prev_hash = stored
        expected += 1
    return None


def verification_record(result: Result) -> AuditVerification:
    """Store the outcome, for the audit page."""
    newest = result.checkpoint
    return AuditVerification.objects.create(
        intact=result.intact,
        events=result.events,
        checkpoint_number=newest.number if newest is not None else None,
        checkpoint_at=(datetime.datetime.fromisoformat(newest.at) if newest is not None else None),
        problem=result.problem,
    )
