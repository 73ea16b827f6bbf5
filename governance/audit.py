"""The one audit writer. Services call `record` inside their transaction, so an
event commits or rolls back with the change it describes.

The log is a keyed chain (see AuditEvent): each event's link is the
HMAC-SHA256, under a key held outside the database, of its own canonical
content and the previous event's link. Every AUDIT_CHECKPOINT_EVERY events, in
the same transaction, and whenever `manage.py audit_checkpoint` runs, the head
of the chain is signed with Ed25519 (`checkpoint_create`) and, after commit,
appended to the checkpoint file. governance.audit_verify checks it all.
"""

import datetime
import hashlib
import json
import logging
import os
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models import Max
from django.dispatch import Signal
from django.utils import timezone

from governance import audit_keys
from governance.models import AuditChainUpgrade, AuditCheckpoint, AuditEvent

# Sent by `record_many` once its events are written (inside the transaction of
# the changes they record); `record` writes with `save()`, so post_save tells of
# its event. Argument: count.
recorded_many = Signal()

logger = logging.getLogger(__name__)


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
    POLICY_TWO_PERSON_RULE_CHANGED = "policy.two_person_rule_changed"
    POLICIES_ATTESTED = "policy.attested"
    EXCEPTION_REQUESTED = "exception.requested"
    EXCEPTION_APPROVED = "exception.approved"
    EXCEPTION_REJECTED = "exception.rejected"
    USER_LOGGED_IN = "auth.logged_in"
    USER_LOGGED_OUT = "auth.logged_out"
    USER_LOGIN_FAILED = "auth.login_failed"
    USER_LOGIN_FAILURES_COUNTED = "auth.login_failures_counted"
    AMENDMENT_PROPOSED = "amendment.proposed"
    AMENDMENT_REVIEW_STARTED = "amendment.review_started"
    AMENDMENT_APPROVED = "amendment.approved"
    AMENDMENT_REJECTED = "amendment.rejected"
    AMENDMENT_SPONSOR_APPROVED = "amendment.sponsor_approved"
    AMENDMENT_SPONSOR_REJECTED = "amendment.sponsor_rejected"
    AMENDMENT_WITHDRAWN = "amendment.withdrawn"
    AMENDMENT_APPLIED = "amendment.applied"
    AMENDMENT_FINANCE_APPROVED = "amendment.finance_approved"
    AMENDMENT_FINANCE_REJECTED = "amendment.finance_rejected"
    AMENDMENT_COMMITTEE_APPROVED = "amendment.committee_approved"
    AMENDMENT_COMMITTEE_REJECTED = "amendment.committee_rejected"
    DELEGATION_CREATED = "delegation.created"
    DELEGATION_ENDED = "delegation.ended"
    DELEGATION_USED = "delegation.used"
    SCORING_WEIGHTS_CHANGED = "scoring.weights_changed"
    NOTIFICATIONS_CHANGED = "notifications.changed"
    USER_EMAIL_CHANGED = "user.email_changed"
    USER_LANGUAGE_CHANGED = "user.language_changed"
    MATURITY_ASSESSED = "maturity.assessed"
    MATURITY_CRITERION_CHANGED = "maturity.criterion_changed"
    ROLE_MAPPING_CREATED = "role_mapping.created"
    ROLE_MAPPING_DELETED = "role_mapping.deleted"
    SSO_ROLES_SYNCED = "auth.sso_roles_synced"
    API_TOKEN_CREATED = "api_token.created"
    API_TOKEN_REVOKED = "api_token.revoked"
    MFA_ACTIVATED = "auth.mfa_activated"
    MFA_DEACTIVATED = "auth.mfa_deactivated"
    COMMENT_POSTED = "comment.posted"
    COMMENT_REMOVED = "comment.removed"
    COMMENT_EDITED = "comment.edited"
    ATTACHMENT_UPLOADED = "attachment.uploaded"
    ATTACHMENT_REMOVED = "attachment.removed"
    LIBRARY_ENTRY_PROPOSED = "library_entry.proposed"
    LIBRARY_ENTRY_UPDATED = "library_entry.updated"
    LIBRARY_ENTRY_PUBLISHED = "library_entry.published"
    LIBRARY_ENTRY_ARCHIVED = "library_entry.archived"
    LIBRARY_ENTRY_MARKED_USEFUL = "library_entry.marked_useful"
    LIBRARY_ENTRY_UNMARKED_USEFUL = "library_entry.unmarked_useful"
    KPI_CREATED = "kpi.created"
    KPI_UPDATED = "kpi.updated"
    KPI_REMOVED = "kpi.removed"
    KPI_RETIRED = "kpi.retired"
    MEASUREMENT_RECORDED = "measurement.recorded"
    MEASUREMENT_CORRECTED = "measurement.corrected"
    SPEND_RECORDED = "spend.recorded"
    OUTCOME_REVIEW_SUBMITTED = "outcome_review.submitted"
    OUTCOME_REVIEW_ACCEPTED = "outcome_review.accepted"
    OUTCOME_REVIEW_RETURNED = "outcome_review.returned"
    COURSE_CREATED = "course.created"
    COURSE_UPDATED = "course.updated"
    COURSE_PUBLISHED = "course.published"
    COURSE_RETIRED = "course.retired"
    COURSE_PASSED = "course.passed"
    COURSE_FAILED = "course.failed"
    STAGE_REQUIREMENTS_CHANGED = "readiness.requirements_changed"
    SOCIAL_ACCOUNT_REQUESTED = "social_account.requested"
    SOCIAL_ACCOUNT_UPDATED = "social_account.updated"
    SOCIAL_ACCOUNT_APPROVED = "social_account.approved"
    SOCIAL_ACCOUNT_REJECTED = "social_account.rejected"
    SOCIAL_ACCOUNT_ACTIVATED = "social_account.activated"
    SOCIAL_ACCOUNT_MARKED_DORMANT = "social_account.marked_dormant"
    SOCIAL_ACCOUNT_REACTIVATED = "social_account.reactivated"
    SOCIAL_ACCOUNT_RETIRED = "social_account.retired"
    SOCIAL_ACCOUNT_RECERTIFIED = "social_account.recertified"
    SOCIAL_ACCOUNT_REASSIGNED = "social_account.reassigned"
    SOCIAL_ACCOUNT_INITIATIVES_CHANGED = "social_account.initiatives_changed"
    REASSIGNMENT_OPENED = "reassignment.opened"
    REASSIGNMENT_RESOLVED = "reassignment.resolved"
    PLAYBOOK_CREATED = "playbook.created"
    PLAYBOOK_UPDATED = "playbook.updated"
    PLAYBOOK_SUBMITTED = "playbook.submitted"
    PLAYBOOK_RETURNED_TO_DRAFT = "playbook.returned_to_draft"
    PLAYBOOK_PUBLISHED = "playbook.published"
    PLAYBOOK_REVISED = "playbook.revised"
    PLAYBOOK_RETIRED = "playbook.retired"
    INCIDENT_DECLARED = "incident.declared"
    INCIDENT_UPDATE_POSTED = "incident.update_posted"
    INCIDENT_ESCALATED = "incident.escalated"
    INCIDENT_DECISION_RECORDED = "incident.decision_recorded"
    INCIDENT_CLOSED = "incident.closed"
    INITIATIVE_FINANCE_APPROVED = "initiative.finance_approved"
    INITIATIVE_FINANCE_REJECTED = "initiative.finance_rejected"
    INITIATIVE_COMMITTEE_APPROVED = "initiative.committee_approved"
    INITIATIVE_COMMITTEE_REJECTED = "initiative.committee_rejected"
    ROUTING_RULES_PUBLISHED = "routing.published"
    COMMITTEE_CREATED = "committee.created"
    COMMITTEE_MEMBER_ADDED = "committee.member_added"
    COMMITTEE_MEMBER_REMOVED = "committee.member_removed"
    COMMITTEE_OWNERSHIP_ASSIGNED = "committee.ownership_assigned"
    COMMITTEE_OWNERSHIP_REMOVED = "committee.ownership_removed"
    COMMITTEE_CASE_OPENED = "committee.case_opened"
    COMMITTEE_VOTE_CAST = "committee.vote_cast"
    COMMITTEE_CASE_CLOSED = "committee.case_closed"
    INITIATIVE_DUPLICATE_LINKED = "initiative.duplicate_linked"
    INITIATIVE_DUPLICATE_UNLINKED = "initiative.duplicate_unlinked"
    INITIATIVE_DUPLICATE_MERGED = "initiative.duplicate_merged"


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


# The columns an event's link covers, in the order the verifier reads them.
CHAINED_FIELDS = (
    "seq",
    "at",
    "event",
    "actor_id",
    "object_type",
    "object_id",
    "object_repr",
    "old",
    "new",
    "comment",
    "prev_hash",
)


def canonical_values(
    seq: int,
    at: datetime.datetime,
    event: str,
    actor_id: int | None,
    object_type: str,
    object_id: str,
    object_repr: str,
    old: Any,
    new: Any,
    comment: str,
    prev_hash: str,
) -> bytes:
    """The exact bytes an event's link covers: its content and the previous
    link, as JSON with sorted keys and UTC time, so that it reads back the same
    from either database."""
    return json.dumps(
        {
            "seq": seq,
            "at": at.astimezone(datetime.UTC).isoformat(),
            "event": event,
            "actor": actor_id,
            "object_type": object_type,
            "object_id": object_id,
            "object_repr": object_repr,
            "old": old,
            "new": new,
            "comment": comment,
            "prev_hash": prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    ).encode()


def canonical(event: AuditEvent) -> bytes:
    return canonical_values(*(getattr(event, name) for name in CHAINED_FIELDS))


def legacy_hash(event: AuditEvent) -> str:
    """The unkeyed SHA-256 link of the events written before keyed links."""
    return hashlib.sha256(canonical(event)).hexdigest()


def link(event: AuditEvent, key: bytes | None = None) -> str:
    """The event's keyed link: HMAC-SHA256 under the audit key."""
    return audit_keys.mac(key or audit_keys.hmac_key(), canonical(event))


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
    entry.hash = link(entry)
    entry.save(force_insert=True)
    if seq % settings.AUDIT_CHECKPOINT_EVERY == 0:
        checkpoint_create()
    return entry


def record_many(entries: list[dict[str, Any]], *, actor: Actor) -> int:
    """Append many events at once, as `record` would one by one: the same
    links, and a checkpoint wherever the chain passes a multiple of
    AUDIT_CHECKPOINT_EVERY. For loading data in bulk (imports, seeding).
    Each entry holds `event` and `obj`, and may hold `old`, `new`, `comment`.
    Must run inside the transaction of the changes it records; returns how
    many events it wrote."""
    if not connection.in_atomic_block:
        raise RuntimeError("Audit events are written inside the transaction of their change.")
    _lock_chain()
    last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    seq, prev_hash = last if last else (0, "")
    key = audit_keys.hmac_key()
    who = actor if actor is not None and actor.is_authenticated else None
    batch: list[AuditEvent] = []
    every = settings.AUDIT_CHECKPOINT_EVERY
    for entry in entries:
        obj = entry["obj"]
        seq += 1
        event = AuditEvent(
            seq=seq,
            at=timezone.now(),
            event=Event(entry["event"]).value,
            actor=who,
            object_type=object_label(obj),
            object_id=str(obj.pk),
            object_repr=str(obj)[:255],
            old=_jsonable(entry.get("old")),
            new=_jsonable(entry.get("new")),
            comment=entry.get("comment", ""),
            prev_hash=prev_hash,
        )
        event.hash = link(event, key)
        prev_hash = event.hash
        batch.append(event)
        if seq % every == 0:
            AuditEvent.objects.bulk_create(batch, batch_size=1000)
            batch = []
            checkpoint_create()
    AuditEvent.objects.bulk_create(batch, batch_size=1000)
    # bulk_create sends no post_save: caches of what the events' changes
    # affect learn of them here.
    recorded_many.send(sender=AuditEvent, count=len(entries))
    return len(entries)


def checkpoint_message(
    *,
    number: int,
    head_seq: int,
    head_hash: str,
    count: int,
    legacy_until: int,
    at: str,
    key_id: str,
) -> bytes:
    """The exact bytes a checkpoint's signature covers (`at` in UTC ISO form)."""
    return json.dumps(
        {
            "number": number,
            "head_seq": head_seq,
            "head_hash": head_hash,
            "count": count,
            "legacy_until": legacy_until,
            "at": at,
            "key_id": key_id,
        },
        sort_keys=True,
        separators=(",", ":"),
    ).encode()


def checkpoint_fields(checkpoint: AuditCheckpoint) -> dict[str, Any]:
    """The signed fields of a checkpoint, as in its message and its exported line."""
    return {
        "number": checkpoint.number,
        "head_seq": checkpoint.head_seq,
        "head_hash": checkpoint.head_hash,
        "count": checkpoint.count,
        "legacy_until": checkpoint.legacy_until,
        "at": checkpoint.at.astimezone(datetime.UTC).isoformat(),
        "key_id": checkpoint.key_id,
    }


def checkpoint_line(checkpoint: AuditCheckpoint) -> str:
    """The checkpoint as one line of the checkpoint file."""
    return json.dumps(
        checkpoint_fields(checkpoint) | {"signature": checkpoint.signature},
        sort_keys=True,
        separators=(",", ":"),
    )


def checkpoint_export(checkpoint: AuditCheckpoint) -> None:
    """Append the checkpoint to AUDIT_CHECKPOINT_FILE (when set), synced to disk.
    Raises OSError when the file cannot be written."""
    path = settings.AUDIT_CHECKPOINT_FILE
    if not path:
        return
    with open(path, "a", encoding="utf-8") as exported:
        exported.write(checkpoint_line(checkpoint) + "\n")
        exported.flush()
        os.fsync(exported.fileno())


def _export_after_commit(checkpoint: AuditCheckpoint) -> None:
    try:
        checkpoint_export(checkpoint)
    except OSError:
        # The checkpoint is committed and signed in the database; the next one
        # will be exported. The operator must see this, the user need not.
        logger.exception("Audit checkpoint %s could not be exported.", checkpoint.number)


def checkpoint_create(*, export_errors_raise: bool = False) -> AuditCheckpoint:
    """Sign the chain's current head and store the checkpoint; after commit it is
    appended to the checkpoint file. Joins the caller's transaction (the audit
    writer's, every AUDIT_CHECKPOINT_EVERY events) or opens its own.

    The first checkpoint seals the events written before keyed links
    (AuditChainUpgrade); every later one repeats that boundary. A checkpoint
    file that cannot be written is logged, or, with `export_errors_raise` and
    no outer transaction, raises OSError once the checkpoint is committed."""
    with transaction.atomic():
        _lock_chain()
        head_seq, head_hash = AuditEvent.objects.order_by("-seq").values_list(
            "seq", "hash"
        ).first() or (0, "")
        previous = (
            AuditCheckpoint.objects.order_by("-number")
            .values_list("number", "legacy_until")
            .first()
        )
        if previous is not None:
            number, legacy_until = previous[0] + 1, previous[1]
        else:
            number = 1
            legacy_until = (
                AuditChainUpgrade.objects.aggregate(until=Max("legacy_until"))["until"] or 0
            )
        key = audit_keys.signing_key()
        checkpoint = AuditCheckpoint(
            number=number,
            head_seq=head_seq,
            head_hash=head_hash,
            # Positions start at 1 and have no gaps: the head's is the count.
            count=head_seq,
            legacy_until=legacy_until,
            at=timezone.now(),
            key_id=audit_keys.key_id(key.public_key()),
        )
        checkpoint.signature = key.sign(checkpoint_message(**checkpoint_fields(checkpoint))).hex()
        checkpoint.save(force_insert=True)
        if export_errors_raise:
            transaction.on_commit(lambda: checkpoint_export(checkpoint))
        else:
            transaction.on_commit(lambda: _export_after_commit(checkpoint))
    return checkpoint
