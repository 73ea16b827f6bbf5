"""Writes to initiatives. Each service is the single entry point for its act:
it checks the actor's right, changes the initiative, and writes the history
row, the decision record and the audit event in one transaction."""

import datetime
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext, gettext_lazy
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from governance import access, audit, history, transitions
from governance.errors import Conflict, UnknownAction
from governance.models import BusinessUnit, StrategicGoal
from governance.signals import transition_taken
from governance.transitions import Authorization
from initiatives import amendment_parts, preconditions, routing, scoring
from initiatives.models import (
    AMENDABLE_FIELDS,
    AMENDABLE_STATES,
    EDITABLE_FIELDS,
    PENDING_AMENDMENT_STATES,
    Amendment,
    AmendmentState,
    Decision,
    Initiative,
    Risk,
    RoutingRule,
    RoutingRuleSet,
    State,
)
from initiatives.selectors import (
    AMENDMENT_TRANSITIONS,
    COE_STATES,
    TRANSITIONS,
    visible_initiatives,
)
from initiatives.signals import amendment_proposed

logger = logging.getLogger(__name__)

# Where an initiative waits for a step of its chain after the CoE's.
AWAITING_STEP_STATES = (State.AWAITING_SPONSOR, State.AWAITING_APPROVAL)

# The editable content held on the initiative's own row; `goals` is a relation.
CONTENT_FIELDS = tuple(name for name in EDITABLE_FIELDS if name != "goals")

TRANSITION_EVENTS = {
    "submit": audit.Event.INITIATIVE_SUBMITTED,
    "start_review": audit.Event.INITIATIVE_REVIEW_STARTED,
    "request_changes": audit.Event.INITIATIVE_CHANGES_REQUESTED,
    "approve": audit.Event.INITIATIVE_APPROVED,
    "reject": audit.Event.INITIATIVE_REJECTED,
    "sponsor_approve": audit.Event.INITIATIVE_SPONSOR_APPROVED,
    "sponsor_reject": audit.Event.INITIATIVE_SPONSOR_REJECTED,
    "finance_approve": audit.Event.INITIATIVE_FINANCE_APPROVED,
    "finance_reject": audit.Event.INITIATIVE_FINANCE_REJECTED,
    "committee_approve": audit.Event.INITIATIVE_COMMITTEE_APPROVED,
    "committee_reject": audit.Event.INITIATIVE_COMMITTEE_REJECTED,
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


def initiative_create(
    *,
    actor: User,
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
    expected_impact: int = 3,
    effort: int = 3,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
) -> Initiative:
    """Propose a new initiative in `business_unit`, owned by `actor`, as a draft.

    Raises PermissionDenied unless the actor is a member or lead of the unit,
    and ValidationError naming the field for invalid content.
    """
    if access.PROPOSE not in access.unit_codenames(actor, business_unit.pk):
        raise PermissionDenied(
            gettext("Only members and leads of the business unit may propose here.")
        )
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
            expected_impact=expected_impact,
            effort=effort,
            start_date=start_date,
            end_date=end_date,
        )
        initiative.full_clean(exclude=["state"])
        history.stamp(initiative, actor, "created")
        # One creation row, written once the relations are in place.
        history.create(initiative, {"goals": goals})
        scoring.score_refresh(initiative=initiative)
        audit.record(
            audit.Event.INITIATIVE_CREATED,
            actor=actor,
            obj=initiative,
            new=_snapshot(initiative) | {"business_unit": business_unit.slug},
        )
        access.grant(role=access.Role.OWNER, user=actor, obj=initiative, actor=actor)
    return initiative


def initiative_update(
    *, actor: User, initiative: Initiative, changes: dict[str, Any]
) -> Initiative:
    """Change the content of a draft or of an initiative sent back for changes.

    `changes` holds any of EDITABLE_FIELDS. Raises PermissionDenied
    unless the actor may propose in the unit, Conflict when the initiative is
    no longer editable, ValidationError naming the field for invalid content.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            {field: gettext("This field cannot be changed.") for field in unknown}
        )
    if access.PROPOSE not in access.unit_codenames(actor, initiative.business_unit_id):
        raise PermissionDenied(gettext("Only members and leads of the business unit may edit it."))
    with transaction.atomic():
        locked = _lock(initiative)
        if not locked.is_editable:
            raise Conflict(
                gettext("An initiative that is %(state)s cannot be edited.")
                % {"state": locked.get_state_display().lower()}
            )
        before = _snapshot(locked)
        for field in CONTENT_FIELDS:
            if field in changes:
                setattr(locked, field, changes[field])
        locked.full_clean(exclude=["state"])
        if "goals" in changes:
            history.set_relation(locked, "goals", changes["goals"])
        after = _snapshot(locked)
        changed = sorted(k for k in after if after[k] != before[k])
        if changed:
            history.stamp(locked, actor, "edited: " + ", ".join(changed))
            locked.save()
            if scoring.INPUTS.intersection(changed):
                scoring.score_refresh(initiative=locked)
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


def _decide(
    *,
    actor: User,
    obj: Initiative | Amendment,
    name: str,
    comment: str,
    events: dict[str, audit.Event],
    authorization: Authorization | None = None,
) -> tuple[Initiative | Amendment, Decision]:
    """The part shared by initiatives and amendments: authorize, check the state
    and the comment (governance.transitions.begin, as every state machine),
    then the conditions of this one; take the transition and record it."""
    rules = AMENDMENT_TRANSITIONS if isinstance(obj, Amendment) else TRANSITIONS
    if name not in rules:
        raise UnknownAction(f"No transition named {name!r}.")
    act = transitions.begin(
        actor,
        obj,
        name,
        refused=gettext_lazy("Cannot %(action)s what is %(state)s."),
        comment=comment,
        given=authorization,
        comment_missing=gettext_lazy("A comment is required for this decision."),
    )
    comment = act.comment
    if isinstance(obj, Initiative) and name == "submit":
        if problems := obj.submit_problems():
            raise ValidationError(problems)
        # What the submitter must have done first (acknowledged the policies in
        # force...): refused with 409 and what to do.
        preconditions.require_met(user=actor, unit_id=obj.business_unit_id)
    if isinstance(obj, Initiative):
        # What the initiative itself must hold (a KPI per goal, an accepted
        # outcome review): refused with 409 and what is missing.
        preconditions.require_initiative_met(name=name, user=actor, initiative=obj)
    if isinstance(obj, Initiative) and name in preconditions.APPROVING_TRANSITIONS:
        # What the stage requires of an approval (an active sponsor, trained
        # owner...): refused with 409 naming every requirement missing.
        preconditions.require_approvable(initiative=cast(Initiative, obj))
    source = act.source
    on_behalf_of = act.authorization.on_behalf_of if act.authorization else None
    act.take()
    routed: dict[str, Any] = {}
    if isinstance(obj, Initiative) and name == "submit":
        # The chain of the rules in force now stays with this review cycle.
        cast(Initiative, obj).route()
        routed = {
            "approval_chain": [e["step"] for e in cast(Initiative, obj).approval_chain],
            "routing_version": cast(Initiative, obj).routing_version,
        }
    # Models on django-fsm's mixin are opaque to the type checker, so isinstance
    # does not narrow `obj`; what it is here is plain from the branch.
    initiative = obj.initiative if isinstance(obj, Amendment) else cast(Initiative, obj)
    if isinstance(obj, Amendment):
        obj.save()
        if obj.state == AmendmentState.APPROVED:
            _apply_amendment(actor=actor, amendment=obj)
    else:
        act.stamp()
        obj.save()
    approved = obj.state in (State.APPROVED, AmendmentState.APPROVED)
    decision = Decision.objects.create(
        initiative=initiative,
        amendment=obj if isinstance(obj, Amendment) else None,
        transition=name,
        source=source,
        target=obj.state,
        actor=actor,
        on_behalf_of=on_behalf_of,
        comment=comment,
        # Pin exactly what was approved: the history row the approval just wrote.
        approved_version=initiative.history.order_by("-history_id").first() if approved else None,
    )
    if not isinstance(obj, Amendment):
        _wait_from(initiative=cast(Initiative, obj), decision=decision)
    # The apps above learn of it here: on submission policies records the
    # attestation (in this transaction), sponsors schedules the emails.
    transition_taken.send(type(obj), obj=obj, name=name, actor=actor, decision=decision)
    audit.record(
        events[name],
        actor=actor,
        obj=obj,
        old={"state": source},
        new={"state": obj.state} | routed,
        comment=comment,
    )
    if on_behalf_of is not None:
        audit.record(
            audit.Event.DELEGATION_USED,
            actor=actor,
            obj=obj,
            new={"transition": name, "on_behalf_of": on_behalf_of.get_username()},
        )
    return obj, decision


def _wait_from(*, initiative: Initiative, decision: Decision) -> None:
    """Keep `waiting_since` as the decision leaves it: a submission starts the
    CoE's wait (which a started review continues), entering awaiting_sponsor
    starts the sponsor's, anything else ends the wait. Written with an UPDATE,
    not a save, so that it adds no history row."""
    if decision.transition == "submit" or initiative.state in AWAITING_STEP_STATES:
        since: datetime.datetime | None = decision.at
    elif initiative.state in COE_STATES:
        since = initiative.waiting_since
    else:
        since = None
    if since != initiative.waiting_since:
        initiative.waiting_since = since
        Initiative.objects.filter(pk=initiative.pk).update(waiting_since=since)


@transaction.atomic
def initiative_waits_refresh(*, initiatives: QuerySet[Initiative] | None = None) -> None:
    """Rebuild `waiting_since` of the initiatives (all by default) from the
    decision log: for imports and data written around the transition service
    (decisions created in bulk or moved in time). Records nothing: the value
    is derived from decisions that are already recorded."""
    selected = Initiative.objects.all() if initiatives is None else initiatives
    latest = Decision.objects.filter(initiative=OuterRef("pk"), amendment__isnull=True).order_by(
        "-at", "-id"
    )
    selected.filter(state__in=COE_STATES).update(
        waiting_since=Subquery(latest.filter(transition="submit").values("at")[:1])
    )
    for state in AWAITING_STEP_STATES:
        selected.filter(state=state).update(
            waiting_since=Subquery(latest.filter(target=state).values("at")[:1])
        )
    selected.exclude(state__in=[*COE_STATES, *AWAITING_STEP_STATES]).exclude(
        waiting_since=None
    ).update(waiting_since=None)


def initiative_transition(
    *,
    actor: User,
    initiative: Initiative,
    name: str,
    comment: str = "",
    authorization: Authorization | None = None,
) -> Initiative:
    """Take the transition `name` on the initiative, as `actor`, with a comment.

    A caller that already asked `governance.transitions` for the actor's
    `authorization` for this very act (a page refusing a forged request before
    reading its input) passes it, and it is the act's one decision; a
    different act's answer raises ValueError.

    Checks, in this order: the transition exists (UnknownAction), the actor has
    the right to take it, in their own right or as a sponsor's delegate
    (PermissionDenied, which includes separation of duties), the current state
    allows it (TransitionNotAllowed), a required comment is given and the
    transition's conditions hold (ValidationError). Then, in one transaction:
    the state change with its history row, one Decision (pinning the approved
    version on approvals), one audit event, and emails to whoever acts next,
    sent after commit. A concurrent change of the same initiative makes the
    second one fail with TransitionNotAllowed or ConcurrentTransition.
    """
    if name not in TRANSITIONS:
        raise UnknownAction(f"No transition named {name!r}.")
    with transaction.atomic():
        locked = _lock(initiative)
        _decide(
            actor=actor,
            obj=locked,
            name=name,
            comment=comment,
            events=TRANSITION_EVENTS,
            authorization=authorization,
        )
    return locked


def initiative_committee_decide(
    *, actor: User, initiative: Initiative, committee_id: int, approved: bool, comment: str
) -> Initiative:
    """Record a committee's closed vote as the decision of its step: the
    committee's service has counted the votes (or its chair closed the vote)
    and `actor` is who closed it. The vote is the authorization, since no one
    person holds a committee's decision.

    Raises Conflict unless the initiative waits for this committee's step, and
    what `initiative_transition` raises otherwise.
    """
    with transaction.atomic():
        locked = _lock(initiative)
        _committee_settle(
            actor=actor,
            obj=locked,
            waiting=State.AWAITING_APPROVAL,
            committee_id=committee_id,
            approved=approved,
            comment=comment,
            events=TRANSITION_EVENTS,
            refusal=gettext("This initiative does not wait for this committee's vote."),
        )
    return locked


def _committee_settle(
    *,
    actor: User,
    obj: Initiative | Amendment,
    waiting: str,
    committee_id: int,
    approved: bool,
    comment: str,
    events: dict[str, Any],
    refusal: str,
) -> None:
    """Decide the committee step of the locked initiative or amendment, with
    the closed vote as the authorization; Conflict (`refusal`) unless it waits
    for this committee's step."""
    if obj.state != waiting or obj.current_step() != routing.committee_step(committee_id):
        raise Conflict(refusal)
    name = "committee_approve" if approved else "committee_reject"
    _decide(
        actor=actor,
        obj=obj,
        name=name,
        comment=comment,
        events=events,
        authorization=Authorization(actor.pk, (obj._meta.label_lower, obj.pk), name),
    )


def routing_rules_publish(
    *, actor: User, rules: list[dict[str, Any]], note: str = ""
) -> RoutingRuleSet:
    """Publish a new version of the routing rules, in force at once for every
    submission from now on; what was submitted keeps its chain.

    `rules` are in order (the first that matches wins), each a dict of
    routing.RULE_FIELDS. Raises PermissionDenied unless the actor is the CoE
    lead, ValidationError naming the field (`rules.<n>.<field>`).
    """
    if access.EDIT_ROUTING not in access.organization_rights(actor):
        raise PermissionDenied(gettext("Only the CoE lead may change the routing rules."))
    cleaned = routing.clean_rules(rules)
    with transaction.atomic():
        latest = RoutingRuleSet.objects.select_for_update().order_by("-version").first()
        rule_set = RoutingRuleSet.objects.create(
            version=(latest.version if latest else 0) + 1, published_by=actor, note=note.strip()
        )
        RoutingRule.objects.bulk_create(
            RoutingRule(rule_set=rule_set, position=n, **rule)
            for n, rule in enumerate(cleaned, start=1)
        )
        audit.record(
            audit.Event.ROUTING_RULES_PUBLISHED,
            actor=actor,
            obj=rule_set,
            old={"version": latest.version} if latest else None,
            new={"version": rule_set.version, "rules": cleaned},
            comment=rule_set.note,
        )
    return rule_set


AMENDMENT_EVENTS = {
    "start_review": audit.Event.AMENDMENT_REVIEW_STARTED,
    "approve": audit.Event.AMENDMENT_APPROVED,
    "reject": audit.Event.AMENDMENT_REJECTED,
    "sponsor_approve": audit.Event.AMENDMENT_SPONSOR_APPROVED,
    "sponsor_reject": audit.Event.AMENDMENT_SPONSOR_REJECTED,
    "finance_approve": audit.Event.AMENDMENT_FINANCE_APPROVED,
    "finance_reject": audit.Event.AMENDMENT_FINANCE_REJECTED,
    "committee_approve": audit.Event.AMENDMENT_COMMITTEE_APPROVED,
    "committee_reject": audit.Event.AMENDMENT_COMMITTEE_REJECTED,
    "withdraw": audit.Event.AMENDMENT_WITHDRAWN,
}
assert set(AMENDMENT_EVENTS) == set(AMENDMENT_TRANSITIONS), "every transition has its event"


def _amendment_values(changes: dict[str, Any]) -> dict[str, Any]:
    """Stored form of an amendment's changes (JSON: ids, strings)."""
    stored: dict[str, Any] = {}
    for field, value in changes.items():
        if field == "goals":
            stored[field] = sorted(goal.pk for goal in value)
        elif isinstance(value, (Decimal, datetime.date)):
            stored[field] = str(value)
        else:
            stored[field] = value
    return stored


def amendment_propose(
    *,
    actor: User,
    initiative: Initiative,
    changes: dict[str, Any],
    reason: str,
    parts: dict[str, Any] | None = None,
) -> Amendment:
    """Propose changes to an approved, active or paused initiative: `changes`
    of its fields, and `parts`, the changes of the amendment parts the apps
    above registered, by key (impact: `kpi_changes`), stored with it.

    Raises PermissionDenied unless the actor leads the initiative's unit,
    Conflict when the initiative cannot be amended now or already has a
    pending amendment, ValidationError naming the field for invalid changes.
    """
    parts = {key: value for key, value in (parts or {}).items() if value not in (None, [])}
    registered = {part.key: part for part in amendment_parts.amendment_parts}
    if access.LEAD not in access.unit_codenames(actor, initiative.business_unit_id):
        raise PermissionDenied(
            gettext("Only a lead of the business unit may propose an amendment.")
        )
    unknown = set(changes) - set(AMENDABLE_FIELDS)
    if unknown:
        raise ValidationError(
            {f: gettext("An amendment cannot change this field.") for f in unknown}
        )
    if unknown_parts := set(parts) - set(registered):
        raise ValidationError(
            {f: gettext("An amendment cannot change this field.") for f in unknown_parts}
        )
    if not changes and not parts:
        raise ValidationError({"changes": gettext("Name at least one change.")})
    if not reason.strip():
        raise ValidationError({"reason": gettext("Say why the initiative should change.")})
    with transaction.atomic():
        locked = _lock(initiative)
        if locked.state not in AMENDABLE_STATES:
            raise Conflict(
                gettext("An initiative that is %(state)s cannot be amended.")
                % {"state": locked.get_state_display().lower()}
            )
        if locked.amendments.filter(state__in=PENDING_AMENDMENT_STATES).exists():
            raise Conflict(gettext("This initiative already has an amendment under review."))
        preconditions.require_met(user=actor, unit_id=locked.business_unit_id)
        # Validate the changed initiative without saving it.
        trial = Initiative.objects.get(pk=locked.pk)
        for field, value in changes.items():
            if field != "goals":
                setattr(trial, field, value)
        trial.full_clean(exclude=["state"])
        cleaned = {
            key: registered[key].clean(initiative=locked, changes=changes, data=data)
            for key, data in parts.items()
        }
        if not changes and not any(cleaned.values()):
            raise ValidationError({"changes": gettext("Name at least one change.")})
        amendment = Amendment(
            initiative=locked,
            proposed_by=actor,
            changes=_amendment_values(changes),
            reason=reason.strip(),
        )
        # The chain of the rules in force now stays with the amendment.
        amendment.route()
        amendment.save()
        described: dict[str, Any] = {}
        for key, value in cleaned.items():
            if value:
                registered[key].store(amendment=amendment, cleaned=value)
                described[key] = registered[key].describe(amendment=amendment)
        audit.record(
            audit.Event.AMENDMENT_PROPOSED,
            actor=actor,
            obj=amendment,
            old={k: v for k, v in _snapshot(locked).items() if k in changes},
            new=amendment.changes
            | described
            | {
                "approval_chain": [e["step"] for e in amendment.approval_chain],
                "routing_version": amendment.routing_version,
            },
            comment=amendment.reason,
        )
        amendment_proposed.send(Amendment, amendment=amendment, actor=actor)
    return amendment


def _apply_amendment(*, actor: User, amendment: Amendment) -> None:
    """Apply an approved amendment's changes to its (locked) initiative."""
    initiative = _lock(amendment.initiative)
    before = _snapshot(initiative)
    for field, value in amendment.changes.items():
        if field != "goals":
            setattr(initiative, field, value)
    initiative.full_clean(exclude=["state"])
    if "goals" in amendment.changes:
        history.set_relation(
            initiative, "goals", StrategicGoal.objects.filter(pk__in=amendment.changes["goals"])
        )
    history.stamp(initiative, actor, f"amendment {amendment.pk} approved")
    initiative.save()
    after = _snapshot(initiative)
    changed = sorted(k for k in after if after[k] != before[k])
    if scoring.INPUTS.intersection(changed):
        scoring.score_refresh(initiative=initiative)
    audit.record(
        audit.Event.AMENDMENT_APPLIED,
        actor=actor,
        obj=initiative,
        old={k: before[k] for k in changed},
        new={k: after[k] for k in changed},
        comment=f"amendment {amendment.pk}",
    )
    amendment.initiative = initiative
    # What the apps above carry in the amendment (the KPIs) applies with it.
    for part in amendment_parts.amendment_parts:
        part.apply(actor=actor, amendment=amendment)


def amendment_transition(
    *, actor: User, amendment: Amendment, name: str, comment: str = ""
) -> Amendment:
    """Take a transition on an amendment, with the initiative's rules: the CoE
    reviews, the CoE lead decides, a sponsor signs off above the threshold or
    at high risk, and nobody decides on what they proposed or own. On approval
    the changes apply to the initiative in the same transaction. Raises as
    `initiative_transition` does."""
    if name not in AMENDMENT_TRANSITIONS:
        raise UnknownAction(f"No transition named {name!r}.")
    with transaction.atomic():
        locked = (
            Amendment.objects.select_for_update(of=("self",))
            .select_related("initiative__business_unit", "initiative__owner", "proposed_by")
            .get(pk=amendment.pk)
        )
        _decide(actor=actor, obj=locked, name=name, comment=comment, events=AMENDMENT_EVENTS)
    return locked


def amendment_committee_decide(
    *, actor: User, amendment: Amendment, committee_id: int, approved: bool, comment: str
) -> Amendment:
    """Record a committee's closed vote as the decision of an amendment's
    committee step, as `initiative_committee_decide` does for an initiative.
    Raises Conflict unless the amendment waits for this committee's step."""
    with transaction.atomic():
        locked = (
            Amendment.objects.select_for_update(of=("self",))
            .select_related("initiative__business_unit", "initiative__owner", "proposed_by")
            .get(pk=amendment.pk)
        )
        _committee_settle(
            actor=actor,
            obj=locked,
            waiting=AmendmentState.AWAITING_APPROVAL,
            committee_id=committee_id,
            approved=approved,
            comment=comment,
            events=AMENDMENT_EVENTS,
            refusal=gettext("This amendment does not wait for this committee's vote."),
        )
    return locked


@dataclass(frozen=True)
class BulkOutcome:
    id: int
    ok: bool
    status: int
    state: str | None = None
    reason: str | None = None
    # Set only for an unexpected error: the id under which the log holds it.
    error_id: str | None = None


def initiatives_bulk_transition(
    *, actor: User, ids: list[int], name: str, comment: str = ""
) -> list[BulkOutcome]:
    """Take one transition on many initiatives, and say what became of each.

    Each item runs in its own savepoint (its own transaction when the caller
    has none) and commits or rolls back on its own: a refusal (403, 409, 400)
    or an unexpected error on one item undoes that item alone, and the others
    are still tried. An unexpected error is logged with a generated error id,
    which its outcome carries (status 500). Items the actor cannot see are
    reported as not found. Raises UnknownAction for an unknown transition,
    before any item is tried.
    """
    if name not in TRANSITIONS:
        raise UnknownAction(f"No transition named {name!r}.")
    visible = {i.pk: i for i in visible_initiatives(user=actor).filter(pk__in=ids)}
    outcomes = []
    for pk in dict.fromkeys(ids):
        initiative = visible.get(pk)
        if initiative is None:
            outcomes.append(BulkOutcome(pk, False, 404, reason="Not found."))
            continue
        outcomes.append(_bulk_item(actor=actor, initiative=initiative, name=name, comment=comment))
    return outcomes


def _bulk_item(*, actor: User, initiative: Initiative, name: str, comment: str) -> BulkOutcome:
    """One item of a bulk decision, in its own savepoint; what became of it."""
    pk = initiative.pk
    try:
        # The savepoint is left (rolled back on error) before any outcome is
        # chosen, so a failed item leaves nothing behind and the next one runs
        # on a usable connection.
        with transaction.atomic():
            done = initiative_transition(
                actor=actor, initiative=initiative, name=name, comment=comment
            )
    except PermissionDenied as exc:
        return BulkOutcome(pk, False, 403, initiative.state, str(exc))
    except (TransitionNotAllowed, ConcurrentTransition, Conflict) as exc:
        return BulkOutcome(pk, False, 409, initiative.state, str(exc))
    except ValidationError as exc:
        reasons = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        return BulkOutcome(pk, False, 400, initiative.state, reasons)
    except Exception:
        # Anything else is a fault, not a refusal: this item reports it with an
        # id to find it in the log, and the rest of the batch still runs.
        error_id = uuid.uuid4().hex
        logger.exception(
            "Bulk %s of initiative %s failed (error id %s).",
            name,
            pk,
            error_id,
            extra={"error_id": error_id},
        )
        return BulkOutcome(
            pk,
            False,
            500,
            initiative.state,
            gettext("An unexpected error; it is logged under id %(id)s.") % {"id": error_id},
            error_id=error_id,
        )
    return BulkOutcome(pk, True, 200, done.state)
