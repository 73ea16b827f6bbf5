"""The one audit writer. Services call `record` inside their transaction, so an
event commits or rolls back with the change it describes."""

import json
from enum import StrEnum
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models

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


User = AbstractBaseUser | AnonymousUser | None


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    # Round-trip through Django's encoder: decimals, dates and UUIDs become strings.
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def record(
    event: Event,
    *,
    actor: User,
    obj: models.Model,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    comment: str = "",
) -> AuditEvent:
    """Append one event. Must run inside the transaction of the change it records.

    Raises RuntimeError when called outside a transaction, because an event
    written on its own could outlive a change that rolled back.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("Audit events are written inside the transaction of their change.")
    return AuditEvent.objects.create(
        event=Event(event).value,
        actor=actor if actor is not None and actor.is_authenticated else None,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        old=_jsonable(old),
        new=_jsonable(new),
        comment=comment,
    )
