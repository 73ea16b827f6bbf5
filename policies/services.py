"""Writes to policies, acknowledgments, attestations and exceptions. Each service
is the single entry point for its act: it checks the actor's right, makes the
change, and writes the history row and the audit event in one transaction."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from governance import access, audit, history, transitions
from governance.errors import Conflict, UnknownAction
from governance.models import BusinessUnit
from initiatives.models import Initiative
from initiatives.preconditions import Unmet
from policies import selectors
from policies.models import (
    MAX_EXCEPTION_MONTHS,
    Acknowledgment,
    Attestation,
    Policy,
    PolicyException,
    PolicyVersion,
    TwoPersonRule,
    add_months,
)

# The fields of the working copy that CoE members and leads edit in draft.
CONTENT_FIELDS = (
    "title",
    "category",
    "body",
    "owner",
    "effective_date",
    "review_interval_months",
)

TRANSITION_EVENTS = {
    "submit": audit.Event.POLICY_SUBMITTED,
    "return_to_draft": audit.Event.POLICY_RETURNED_TO_DRAFT,
    "publish": audit.Event.POLICY_PUBLISHED,
    "revise": audit.Event.POLICY_REVISED,
    "retire": audit.Event.POLICY_RETIRED,
}
assert set(TRANSITION_EVENTS) == set(selectors.TRANSITIONS), "every transition has its event"

EXCEPTION_EVENTS = {
    "approve": audit.Event.EXCEPTION_APPROVED,
    "reject": audit.Event.EXCEPTION_REJECTED,
}
assert set(EXCEPTION_EVENTS) == set(selectors.EXCEPTION_TRANSITIONS)


def _snapshot(policy: Policy) -> dict[str, Any]:
    data = {field: getattr(policy, field) for field in CONTENT_FIELDS}
    data["owner"] = policy.owner.get_username()
    data["business_units"] = sorted(policy.business_units.values_list("slug", flat=True))
    return data


def _require_right(actor: User, right: str, message: str) -> None:
    if right not in access.organization_rights(actor):
        raise PermissionDenied(message)


def _require_reason(change_reason: str) -> str:
    change_reason = change_reason.strip()
    if not change_reason:
        raise ValidationError({"change_reason": gettext("Say why the policy changes.")})
    if len(change_reason) > 100:
        raise ValidationError({"change_reason": gettext("At most 100 characters.")})
    return change_reason


def policy_create(
    *,
    actor: User,
    title: str,
    category: str,
    body: str = "",
    owner: User | None = None,
    business_units: Iterable[BusinessUnit] = (),
    effective_date: datetime.date | None = None,
    review_interval_months: int = 12,
    change_reason: str = "created",
) -> Policy:
    """Draft a new policy, owned by `owner` (the actor by default).

    Raises PermissionDenied unless the actor is a CoE member or lead, and
    ValidationError naming the field for invalid content.
    """
    _require_right(actor, access.EDIT_POLICIES, gettext("Only the CoE drafts policies."))
    change_reason = _require_reason(change_reason)
    with transaction.atomic():
        policy = Policy(
            title=title,
            category=category,
            body=body,
            owner=owner or actor,
            effective_date=effective_date,
            review_interval_months=review_interval_months,
        )
        policy.full_clean(exclude=["state", "current_version"])
        history.stamp(policy, actor, change_reason)
        # One creation row, written once the relations are in place.
        history.create(policy, {"business_units": business_units})
        audit.record(
            audit.Event.POLICY_CREATED,
            actor=actor,
            obj=policy,
            new=_snapshot(policy),
            comment=change_reason,
        )
    return policy


def _lock(policy: Policy) -> Policy:
    """Re-read the policy under a row lock, so that the state we decide on is the
    state we change. (SQLite takes its write lock when the transaction begins.)"""
    return (
        Policy.objects.select_for_update(of=("self",))
        .select_related("owner", "current_version")
        .get(pk=policy.pk)
    )


def policy_update(
    *, actor: User, policy: Policy, changes: dict[str, Any], change_reason: str
) -> Policy:
    """Edit the working copy of a draft policy, saying why.

    `changes` holds any of CONTENT_FIELDS and `business_units`. Raises
    PermissionDenied unless the actor is a CoE member or lead, ValidationError
    naming the field for a missing change reason or invalid content, Conflict
    when the policy is not a draft.
    """
    unknown = set(changes) - set(CONTENT_FIELDS) - {"business_units"}
    if unknown:
        raise ValidationError(
            {field: gettext("This field cannot be changed.") for field in unknown}
        )
    _require_right(actor, access.EDIT_POLICIES, gettext("Only the CoE edits policies."))
    change_reason = _require_reason(change_reason)
    with transaction.atomic():
        locked = _lock(policy)
        if not locked.is_editable:
            raise Conflict(
                gettext("A policy that is %(state)s cannot be edited; revise it first.")
                % {"state": locked.get_state_display().lower()}
            )
        before = _snapshot(locked)
        for field in CONTENT_FIELDS:
            if field in changes:
                setattr(locked, field, changes[field])
        locked.full_clean(exclude=["state", "current_version"])
        if "business_units" in changes:
            history.set_relation(locked, "business_units", changes["business_units"])
        after = _snapshot(locked)
        changed = sorted(k for k in after if after[k] != before[k])
        if changed:
            history.stamp(locked, actor, change_reason)
            locked.save()
            audit.record(
                audit.Event.POLICY_UPDATED,
                actor=actor,
                obj=locked,
                old={k: before[k] for k in changed},
                new={k: after[k] for k in changed},
                comment=change_reason,
            )
    return locked


def policy_transition(
    *,
    actor: User,
    policy: Policy,
    name: str,
    comment: str = "",
    effective_date: datetime.date | None = None,
) -> Policy:
    """Take the transition `name` on the policy, as `actor`, with a comment.

    Checks, in this order: the transition exists (UnknownAction), the actor has
    the right (PermissionDenied), the current state allows it
    (TransitionNotAllowed), a required comment is given (ValidationError).
    Publishing freezes the working copy as the next version, in force from its
    effective date (`effective_date`, today or later; the working copy's, or
    today, when not given), and sets the next review date. One history row and
    one audit event record the transition.
    """
    if name not in selectors.TRANSITIONS:
        raise UnknownAction(f"No transition named {name!r}.")
    if effective_date is not None:
        if name != "publish":
            raise ValidationError(
                {"effective_date": gettext("Only publishing takes an effective date.")}
            )
        if effective_date < timezone.localdate():
            raise ValidationError(
                {"effective_date": gettext("The effective date cannot be in the past.")}
            )
    with transaction.atomic():
        locked = _lock(policy)
        act = transitions.begin(
            actor,
            locked,
            name,
            comment=comment,
            refused=gettext_lazy("Cannot %(action)s a policy that is %(state)s."),
        )
        if name == "publish" and not locked.body.strip():
            raise ValidationError({"body": gettext("A policy needs a body to be published.")})
        old_version = locked.version
        if name == "publish":
            act.take(effective_date)
        else:
            act.take()
        act.stamp()
        published: PolicyVersion | None = None
        if name == "publish":
            # Publishing sets the effective date (Policy.publish).
            assert locked.effective_date is not None
            published = PolicyVersion.objects.create(
                policy=locked,
                version=locked.version,
                title=locked.title,
                category=locked.category,
                body=locked.body,
                effective_date=locked.effective_date,
                published_by=actor,
            )
            locked.current_version = published
        locked.save()
        if published is not None:
            row = locked.history.order_by("-history_id").values_list("history_id", flat=True)[:1]
            PolicyVersion.objects.filter(pk=published.pk).update(history_id=row.get())
        act.record(
            TRANSITION_EVENTS[name],
            old={"version": old_version},
            new={"version": locked.version}
            | (
                {
                    "effective_date": locked.effective_date,
                    "next_review_due": locked.next_review_due,
                }
                if name == "publish"
                else {}
            ),
        )
    return locked


def policy_acknowledge(
    *, actor: User, policy: Policy, version: int | None = None
) -> Acknowledgment:
    """Acknowledge a published version of the policy, as a member or lead of a
    unit it applies to: the version in force today, or (`version`) that one or
    a scheduled version, in advance. Acknowledging the same version again
    changes nothing.

    Raises PermissionDenied for anyone else (sponsors, the CoE, auditors),
    Conflict when no version is in force or scheduled, ValidationError naming
    `version` for any other version.
    """
    with transaction.atomic():
        locked = _lock(policy)
        in_force = selectors.version_in_force(policy=locked)
        upcoming = selectors.upcoming_version(policy=locked)
        if in_force is None and upcoming is None:
            raise Conflict(gettext("Only a policy in force or scheduled can be acknowledged."))
        staff_units = access.visible_units(actor, access.PROPOSE)
        applies = Policy.objects.filter(pk=locked.pk).filter(
            selectors.applying_to(units=staff_units)
        )
        if not staff_units.exists() or not applies.exists():
            raise PermissionDenied(
                gettext("Only staff of a unit the policy applies to acknowledge it.")
            )
        allowed = {v.version for v in (in_force, upcoming) if v is not None}
        if version is None:
            if in_force is None:
                raise ValidationError(
                    {"version": gettext("No version is in force yet; name the scheduled one.")}
                )
            version = in_force.version
        elif version not in allowed:
            raise ValidationError(
                {
                    "version": gettext("Only version %(versions)s can be acknowledged.")
                    % {"versions": " or ".join(str(v) for v in sorted(allowed))}
                }
            )
        acknowledgment, created = Acknowledgment.objects.get_or_create(
            policy=locked, user=actor, version=version
        )
        if created:
            audit.record(
                audit.Event.POLICY_ACKNOWLEDGED,
                actor=actor,
                obj=locked,
                new={"user": actor.get_username(), "version": version},
            )
    return acknowledgment


def attestation_record(*, actor: User, initiative: Initiative) -> list[Attestation]:
    """Record that `actor`, submitting the initiative, attests the versions in
    force of every policy that applies to its unit. Call inside the transaction
    of the submission."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Attestations are written inside the submission's transaction.")
    at = timezone.now()
    policies = selectors.policies_in_force_for_unit(unit_id=initiative.business_unit_id).order_by(
        "pk"
    )
    rows = Attestation.objects.bulk_create(
        Attestation(
            initiative=initiative,
            policy=p,
            # In force, so never None.
            version=selectors.shown_version(policy=p) or 0,
            user=actor,
            at=at,
        )
        for p in policies
    )
    if not rows:
        # Nothing applies to the unit: nothing was attested, nothing to record.
        return rows
    audit.record(
        audit.Event.POLICIES_ATTESTED,
        actor=actor,
        obj=initiative,
        new={"policies": [{"policy": r.policy_id, "version": r.version} for r in rows]},
    )
    return rows


def acknowledgments_due(*, user: User, unit_id: int) -> Unmet | None:
    """The submission precondition policies registers: the submitter has
    acknowledged the version in force of every policy that applies to the
    unit. Unmet: which policies and versions to acknowledge."""
    due = selectors.with_versions(
        policies=selectors.unacknowledged_in_force(
            user=user, units=BusinessUnit.objects.filter(pk=unit_id)
        )
    )
    if not due:
        return None
    listed = [
        {"policy": p.pk, "title": p.in_force_version.title, "version": p.in_force_version.version}  # type: ignore[attr-defined]
        for p in due
    ]
    return Unmet(
        gettext(
            "Acknowledge the version in force of every policy that applies to this unit "
            "before submitting: %(policies)s."
        )
        % {"policies": ", ".join(f"{item['title']} (v{item['version']})" for item in listed)},
        data={"policies_to_acknowledge": listed},
    )


def attest_on_submit(
    sender: type[Initiative], *, obj: Initiative, name: str, actor: User, **kwargs: Any
) -> None:
    """Receiver of governance.signals.transition_taken: submitting an initiative
    attests the policies in force. It runs in the submission's transaction, so a
    failure here rolls the submission back."""
    if name == "submit":
        attestation_record(actor=actor, initiative=obj)


def attest_on_amendment(sender: Any, *, amendment: Any, actor: User, **kwargs: Any) -> None:
    """Receiver of initiatives.signals.amendment_proposed: proposing an
    amendment attests the policies in force too, in the same transaction."""
    attestation_record(actor=actor, initiative=amendment.initiative)


def exception_request(
    *,
    actor: User,
    initiative: Initiative,
    policy: Policy,
    reason: str,
    expires_on: datetime.date,
) -> PolicyException:
    """Ask for a waiver of `policy` for `initiative` until `expires_on`.

    Raises PermissionDenied unless the actor owns the initiative or leads its
    unit, ValidationError naming the field for an empty reason, an expiry not
    in the next 12 months, or a policy not in force for the initiative's unit.
    """
    owns = access.OWN in access.object_codenames(actor, initiative)
    leads = access.LEAD in access.unit_codenames(actor, initiative.business_unit_id)
    if not (owns or leads):
        raise PermissionDenied(
            "Only the initiative's owner or its unit's lead may request an exception."
        )
    reason = reason.strip()
    today = timezone.localdate()
    problems = {}
    if not reason:
        problems["reason"] = gettext("Say why the exception is needed.")
    if expires_on <= today:
        problems["expires_on"] = gettext("The expiry date must be in the future.")
    elif expires_on > add_months(today, MAX_EXCEPTION_MONTHS):
        problems["expires_on"] = gettext("At most %(months)d months ahead.") % {
            "months": MAX_EXCEPTION_MONTHS
        }
    if (
        not selectors.policies_in_force_for_unit(unit_id=initiative.business_unit_id)
        .filter(pk=policy.pk)
        .exists()
    ):
        problems["policy"] = gettext(
            "This policy is not in force for the initiative's business unit."
        )
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        exception = PolicyException.objects.create(
            initiative=initiative,
            policy=policy,
            reason=reason,
            expires_on=expires_on,
            requested_by=actor,
        )
        audit.record(
            audit.Event.EXCEPTION_REQUESTED,
            actor=actor,
            obj=exception,
            new={
                "initiative": initiative.pk,
                "policy": policy.pk,
                "policy_version": policy.version,
                "expires_on": expires_on,
            },
            comment=reason,
        )
    return exception


def exception_transition(
    *, actor: User, exception: PolicyException, name: str, comment: str = ""
) -> PolicyException:
    """Approve or reject an exception, as the CoE lead, with a comment.

    Raises UnknownAction, PermissionDenied (including separation of duties:
    not one's own request, not for one's own initiative), TransitionNotAllowed
    once decided, ValidationError without a comment.
    """
    if name not in selectors.EXCEPTION_TRANSITIONS:
        raise UnknownAction(f"No transition named {name!r}.")
    with transaction.atomic():
        locked = (
            PolicyException.objects.select_for_update(of=("self",))
            .select_related("initiative", "policy")
            .get(pk=exception.pk)
        )
        act = transitions.begin(
            actor,
            locked,
            name,
            comment=comment,
            refused=gettext_lazy("Cannot %(action)s an exception that is %(state)s."),
            comment_missing=gettext_lazy("A comment is required for this decision."),
        )
        act.take()
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_comment = act.comment
        locked.save()
        act.record(EXCEPTION_EVENTS[name], new={"expires_on": locked.expires_on})
    return locked


def two_person_rule_set(*, actor: User, enabled: bool, reason: str) -> TwoPersonRule:
    """Turn the two-person rule for policies on or off: while it is off, whoever
    wrote or edited a version may publish it (an organization whose whole CoE
    is one person). Only the CoE lead may, with a reason; the change is an
    audit event. Setting what is already set changes nothing.

    Raises PermissionDenied for anyone else, ValidationError naming `reason`.
    """
    if access.SET_CONTROLS not in access.organization_rights(actor):
        raise PermissionDenied(gettext("Only the CoE lead sets the two-person rule."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": gettext("Say why the rule changes.")})
    with transaction.atomic():
        setting, _created = TwoPersonRule.objects.select_for_update().get_or_create(pk=1)
        if setting.enabled == enabled:
            return setting
        setting.enabled = enabled
        setting.reason = reason
        setting.changed_by = actor
        setting.changed_at = timezone.now()
        setting.save()
        audit.record(
            audit.Event.POLICY_TWO_PERSON_RULE_CHANGED,
            actor=actor,
            obj=setting,
            old={"enabled": not enabled},
            new={"enabled": enabled},
            comment=reason,
        )
    return setting
