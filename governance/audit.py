"""The one audit writer. Services call `record` inside their transaction, so an
event commits or rolls back with the change it describes.

The log is a hash chain (see AuditEvent): each event's hash covers its own
canonical content and the previous event's hash, and `verify_chain` walks it.
"""

import datetime
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone

from governance.models import AuditEvent


class Event(StrEnum):
    """The fixed registry of audit event names."""

    BUSINESS_UNIT_CREATED = "business_unit.created"
    GOAL_CREATED = "goal.created"
    GOAL_UPDATED = "goal.updated"
    MEMBERSHIP_SET = "membership.set"
    MEMBERSHIP_REMOVED = "membership.removed"
    ORGANIZATION_ROLE_GRANTED = "organization_role.granted"
    ORGANIZATION_ROLE_REVOKED = "organization_role.revoked"
    SPONSOR_SET = "sponsor.set"
    SPONSORSHIP_ADDED = "sponsorship.added"
    SPONSORSHIP_REMOVED = "sponsorship.removed"
    PERMISSION_GRANTED = "permission.granted"
    PERMISSION_REVOKED = "permission.revoked"
    INITIATIVE_CREATED = "initiative.created"
    INITIATIVE_UPDATED = "initiative.updated"
    INITIATIVE_SUBMITTED = "initiative.submitted"
    INITIATIVE_REVIEW_STARTED = "initiative.review_started"
    INITIATIVE_CHANGES_REQUESTED = "initiative.changes_requested"
    INITIATIVE_APPROVED = "initiative.approved"
    INITIATIVE_REJECTED = "initiative.rejected"
    INITIATIVE_SPONSOR_APPROVED = "initiative.sponsor_approved"
    INITIATIVE_SPONSOR_REJECTED = "initiative.sponsor_rejected"
    INITIATIVE_LAUNCHED = "initiative.launched"
    INITIATIVE_PAUSED = "initiative.paused"
    INITIATIVE_RESUMED = "initiative.resumed"
    INITIATIVE_COMPLETED = "initiative.completed"
    INITIATIVE_WITHDRAWN = "initiative.withdrawn"
    POLICY_CREATED = "policy.created"
    POLICY_UPDATED = "policy.updated"
    POLICY_SUBMITTED = "policy.submitted"
    POLICY_RETURNED_TO_DRAFT = "policy.returned_to_draft"
    POLICY_PUBLISHED = "policy.published"
    POLICY_REVISED = "policy.revised"
    POLICY_RETIRED = "policy.retired"
    POLICY_ACKNOWLEDGED = "policy.acknowledged"
    POLICIES_ATTESTED = "policy.attested"
    EXCEPTION_REQUESTED = "exception.requested"
    EXCEPTION_APPROVED = "exception.approved"
    EXCEPTION_REJECTED = "exception.rejected"
    USER_LOGGED_IN = "auth.logged_in"
    USER_LOGGED_OUT = "auth.logged_out"
    USER_LOGIN_FAILED = "auth.login_failed"
    AMENDMENT_PROPOSED = "amendment.proposed"
    AMENDMENT_REVIEW_STARTED = "amendment.review_started"
    AMENDMENT_APPROVED = "amendment.approved"
    AMENDMENT_REJECTED = "amendment.rejected"
    AMENDMENT_SPONSOR_APPROVED = "amendment.sponsor_approved"
    AMENDMENT_SPONSOR_REJECTED = "amendment.sponsor_rejected"
    AMENDMENT_WITHDRAWN = "amendment.withdrawn"
    AMENDMENT_APPLIED = "amendment.applied"
    DELEGATION_CREATED = "delegation.created"
    DELEGATION_ENDED = "delegation.ended"
    DELEGATION_USED = "delegation.used"
    SCORING_WEIGHTS_CHANGED = "scoring.weights_changed"
    NOTIFICATIONS_CHANGED = "notifications.changed"
    MATURITY_ASSESSED = "maturity.assessed"
    MATURITY_CRITERION_CHANGED = "maturity.criterion_changed"


Actor = User | AnonymousUser | None


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    # Round-trip through Django's encoder: decimals, dates and UUIDs become strings.
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


# Any constant will do, as long as nothing else in the database uses it: it
# names the advisory lock that serializes writers of the chain on PostgreSQL.
_CHAIN_LOCK = 0x61756469  # "audi"


def _lock_chain() -> None:
    """Make concurrent writers append one at a time, so that each reads the hash
    it links to after the previous writer committed. SQLite needs nothing: the
    settings make every transaction take the database's write lock when it begins."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])


def canonical(event: AuditEvent) -> str:
    """The exact text an event's hash covers: its content and its link, as JSON
    with sorted keys, so that it reads back the same from either database."""
    at = event.at.astimezone(datetime.UTC).isoformat()
    return json.dumps(
        {
            "seq": event.seq,
            "at": at,
            "event": event.event,
            "actor": event.actor_id,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "object_repr": event.object_repr,
            "old": event.old,
            "new": event.new,
            "comment": event.comment,
            "prev_hash": event.prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical(event).encode()).hexdigest()


def object_label(obj: models.Model) -> str:
    """The name of the object's model in the audit log: its `app.model` label,
    or the `audit_label` a model that moved between apps keeps from before the
    move, so that all events of one object carry one name."""
    return getattr(obj, "audit_label", None) or obj._meta.label_lower


def record(
    event: Event,
    *,
    actor: Actor,
    obj: models.Model | None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    comment: str = "",
    object_type: str = "",
    object_repr: str = "",
) -> AuditEvent:
    """Append one event. Must run inside the transaction of the change it records.

    `obj` is the object the event is about; for an act on something that has no
    row (a failed login with an unknown user name) pass None with `object_type`
    and `object_repr`. Raises RuntimeError when called outside a transaction,
    because an event written on its own could outlive a change that rolled back.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("Audit events are written inside the transaction of their change.")
    _lock_chain()
    last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, "")
    entry = AuditEvent(
        seq=seq,
        at=timezone.now(),
        event=Event(event).value,
        actor=actor if actor is not None and actor.is_authenticated else None,
        object_type=object_label(obj) if obj is not None else object_type,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(str(obj) if obj is not None else object_repr)[:255],
        old=_jsonable(old),
        new=_jsonable(new),
        comment=comment,
        prev_hash=prev_hash,
    )
    entry.hash = compute_hash(entry)
    entry.save(force_insert=True)
    return entry


@dataclass(frozen=True)
class ChainProblem:
    event_id: int
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"audit event {self.event_id} (seq {self.seq}): {self.reason}"


def _events() -> Iterator[AuditEvent]:
    # Streamed in chunks: the chain is walked without holding it all in memory.
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)


def verify_chain() -> tuple[int, ChainProblem | None]:
    """Walk the chain from the first event. Returns how many events were checked
    and the first problem found (None when every content and link matches)."""
    checked = 0
    prev_hash = ""
    expected_seq = 1
    for entry in _events():
        checked += 1
        if entry.seq != expected_seq:
            return checked, ChainProblem(
                entry.pk, entry.seq, f"expected position {expected_seq}: an event is missing"
            )
        if entry.prev_hash != prev_hash:
            return checked, ChainProblem(
                entry.pk, entry.seq, "link to the previous event does not match"
            )
        if compute_hash(entry) != entry.hash:
            return checked, ChainProblem(entry.pk, entry.seq, "content does not match its hash")
        prev_hash = entry.hash
        expected_seq += 1
    return checked, None
