"""Writes to initiatives. Each service is the single entry point for its act:
it checks the actor's right, changes the initiative, and writes the history
row, the decision record and the audit event in one transaction."""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import post_save
from django_fsm import TransitionNotAllowed, can_proceed

from governance import access, audit
from governance.errors import Conflict, UnknownAction
from governance.models import BusinessUnit, StrategicGoal
from initiatives.models import Decision, Initiative, Risk
from initiatives.selectors import TRANSITIONS, refusal

# The fields a proposer may set and later edit while the initiative is editable.
CONTENT_FIELDS = (
    "title",
    "summary",
    "audiences",
    "functions",
    "channels",
    "budget",
    "risk",
    "kpis",
    "start_date",
    "end_date",
)

TRANSITION_EVENTS = {
    "submit": audit.Event.INITIATIVE_SUBMITTED,
    "start_review": audit.Event.INITIATIVE_REVIEW_STARTED,
    "request_changes": audit.Event.INITIATIVE_CHANGES_REQUESTED,
    "approve": audit.Event.INITIATIVE_APPROVED,
    "reject": audit.Event.INITIATIVE_REJECTED,
    "sponsor_approve": audit.Event.INITIATIVE_SPONSOR_APPROVED,
    "sponsor_reject": audit.Event.INITIATIVE_SPONSOR_REJECTED,
    "launch": audit.Event.INITIATIVE_LAUNCHED,
    "pause": audit.Event.INITIATIVE_PAUSED,
    "resume": audit.Event.INITIATIVE_RESUMED,
    "complete": audit.Event.INITIATIVE_COMPLETED,
    "withdraw": audit.Event.INITIATIVE_WITHDRAWN,
}
assert set(TRANSITION_EVENTS) == set(TRANSITIONS), "every transition has its audit event"


def _snapshot(initiative: Initiative) -> dict[str, Any]:
    data = {field: getattr(initiative, field) for field in CONTENT_FIELDS}
    data["goals"] = sorted(initiative.goals.values_list("pk", flat=True))
    return data


def _stamp(initiative: Initiative, actor: AbstractBaseUser, reason: str) -> None:
    """Who and why, for the history row the next save writes."""
    initiative._history_user = actor  # type: ignore[attr-defined]
    initiative._change_reason = reason  # type: ignore[attr-defined]


def _set_goals(initiative: Initiative, goals: Iterable[StrategicGoal]) -> None:
    # The history row written by the save that follows records the goals;
    # the change of the relation itself does not need a row of its own.
    initiative.skip_history_when_saving = True  # type: ignore[attr-defined]
    try:
        initiative.goals.set(goals)
    finally:
        del initiative.skip_history_when_saving  # type: ignore[attr-defined]


def initiative_create(
    *,
    actor: AbstractBaseUser,
    business_unit: BusinessUnit,
    title: str,
    summary: str = "",
    goals: Iterable[StrategicGoal] = (),
    audiences: list[str] | None = None,
    functions: list[str] | None = None,
    channels: list[str] | None = None,
    budget: Decimal = Decimal(0),
    risk: str = Risk.LOW,
    kpis: str = "",
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
) -> Initiative:
    """Propose a new initiative in `business_unit`, owned by `actor`, as a draft.

    Raises PermissionDenied unless the actor is a member or lead of the unit,
    and ValidationError naming the field for invalid content.
    """
    if access.PROPOSE not in access.unit_codenames(actor, business_unit.pk):
        raise PermissionDenied("Only members and leads of the business unit may propose here.")
    with transaction.atomic():
        initiative = Initiative(
            business_unit=business_unit,
            owner=actor,
            title=title,
            summary=summary,
            audiences=list(audiences or []),
            functions=list(functions or []),
            channels=list(channels or []),
            budget=budget,
            risk=risk,
            kpis=kpis,
            start_date=start_date,
            end_date=end_date,
        )
        initiative.full_clean(exclude=["state"])
        _stamp(initiative, actor, "created")
        # The creation's history row is written once the goals are in place, so
        # that it shows the initiative as it was proposed.
        initiative.skip_history_when_saving = True  # type: ignore[attr-defined]
        try:
            initiative.save()
        finally:
            del initiative.skip_history_when_saving  # type: ignore[attr-defined]
        _set_goals(initiative, goals)
        post_save.send(
            sender=Initiative,
            instance=initiative,
            created=True,
            update_fields=None,
            raw=False,
            using=initiative._state.db,
        )
        audit.record(
            audit.Event.INITIATIVE_CREATED,
            actor=actor,
            obj=initiative,
            new=_snapshot(initiative) | {"business_unit": business_unit.slug},
        )
        access.grant(role=access.Role.OWNER, user=actor, obj=initiative, actor=actor)
    return initiative


def initiative_update(
    *, actor: AbstractBaseUser, initiative: Initiative, changes: dict[str, Any]
) -> Initiative:
    """Change the content of a draft or of an initiative sent back for changes.

    `changes` holds any of CONTENT_FIELDS and `goals`. Raises PermissionDenied
    unless the actor may propose in the unit, Conflict when the initiative is
    no longer editable, ValidationError naming the field for invalid content.
    """
    unknown = set(changes) - set(CONTENT_FIELDS) - {"goals"}
    if unknown:
        raise ValidationError({field: "This field cannot be changed." for field in unknown})
    if access.PROPOSE not in access.unit_codenames(actor, initiative.business_unit_id):
        raise PermissionDenied("Only members and leads of the business unit may edit it.")
    with transaction.atomic():
        locked = _lock(initiative)
        if not locked.is_editable:
            raise Conflict(
                f"An initiative that is {locked.get_state_display().lower()} cannot be edited."
            )
        before = _snapshot(locked)
        for field in CONTENT_FIELDS:
            if field in changes:
                setattr(locked, field, changes[field])
        locked.full_clean(exclude=["state"])
        if "goals" in changes:
            _set_goals(locked, changes["goals"])
        after = _snapshot(locked)
        changed = sorted(k for k in after if after[k] != before[k])
        if changed:
            _stamp(locked, actor, "edited: " + ", ".join(changed))
            locked.save()
            audit.record(
                audit.Event.INITIATIVE_UPDATED,
                actor=actor,
                obj=locked,
                old={k: before[k] for k in changed},
                new={k: after[k] for k in changed},
            )
    return locked


def _lock(initiative: Initiative) -> Initiative:
    """Re-read the initiative under a row lock, so that the state we decide on is
    the state we change. (SQLite takes its write lock when the transaction begins.)"""
    return (
        Initiative.objects.select_for_update(of=("self",))
        .select_related("business_unit", "owner")
        .get(pk=initiative.pk)
    )


def initiative_transition(
    *, actor: AbstractBaseUser, initiative: Initiative, name: str, comment: str = ""
) -> Initiative:
    """Take the transition `name` on the initiative, as `actor`, with a comment.

    Checks, in this order: the transition exists (UnknownAction), the actor has
    the right to take it (PermissionDenied, which includes separation of
    duties), the current state allows it (TransitionNotAllowed), a required
    comment is given and the transition's conditions hold (ValidationError).
    Then, in one transaction: the state change with its history row, one
    Decision and one audit event. A concurrent change of the same initiative
    makes the second one fail with TransitionNotAllowed or ConcurrentTransition.
    """
    if name not in TRANSITIONS:
        raise UnknownAction(f"No transition named {name!r}.")
    rule = TRANSITIONS[name]
    comment = comment.strip()
    with transaction.atomic():
        locked = _lock(initiative)
        reason = refusal(actor, locked, name)
        if reason:
            raise PermissionDenied(reason)
        method = getattr(locked, name)
        if not can_proceed(method):
            raise TransitionNotAllowed(
                f"Cannot {name.replace('_', ' ')} an initiative that is "
                f"{locked.get_state_display().lower()}.",
                object=locked,
                method=method,
            )
        problems = {}
        if rule.comment_required and not comment:
            problems["comment"] = "A comment is required for this decision."
        if name == "submit":
            problems |= locked.submit_problems()
        if problems:
            raise ValidationError(problems)
        source = locked.state
        method()
        _stamp(locked, actor, f"{name}: {comment}" if comment else name)
        locked.save()
        if name == "submit":
            from policies.services import attestation_record  # policies depends on initiatives

            attestation_record(actor=actor, initiative=locked)
        Decision.objects.create(
            initiative=locked,
            transition=name,
            source=source,
            target=locked.state,
            actor=actor,
            comment=comment,
        )
        audit.record(
            TRANSITION_EVENTS[name],
            actor=actor,
            obj=locked,
            old={"state": source},
            new={"state": locked.state},
            comment=comment,
        )
    return locked
