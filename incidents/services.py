"""Writes to playbooks and incidents, one act each: permission, change,
history row and audit event in one transaction; notifications after commit."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from governance import access, audit, history, transitions
from governance.errors import Conflict, UnknownAction
from governance.models import BusinessUnit
from governance.signals import notify
from incidents import selectors
from incidents.models import (
    SEVERITY_ORDER,
    ContactRole,
    Incident,
    IncidentEntry,
    IncidentState,
    Playbook,
    PlaybookContact,
    PlaybookState,
    PlaybookVersion,
    Severity,
)
from social_accounts.models import SocialAccount

PLAYBOOK_EVENTS = {
    "submit": audit.Event.PLAYBOOK_SUBMITTED,
    "return_to_draft": audit.Event.PLAYBOOK_RETURNED_TO_DRAFT,
    "publish": audit.Event.PLAYBOOK_PUBLISHED,
    "revise": audit.Event.PLAYBOOK_REVISED,
    "retire": audit.Event.PLAYBOOK_RETIRED,
}

# Notification events.
CALLED = "incident.called"
CLOSED = "incident.closed"


# Playbooks


def _contacts(playbook: Playbook, contacts: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Replace the working copy's contacts; each names a severity and a role or
    a person (with an optional backup). ValidationError on `contacts`."""
    rows = []
    for contact in contacts:
        severity, role = contact.get("severity"), contact.get("role") or ""
        person, backup = contact.get("person"), contact.get("backup")
        if severity not in Severity.values or (role and role not in ContactRole.values):
            raise ValidationError({"contacts": gettext("Unknown severity or role.")})
        if not role and person is None:
            raise ValidationError({"contacts": gettext("Each contact names a role or a person.")})
        rows.append(
            PlaybookContact(
                playbook=playbook, severity=severity, role=role, person=person, backup=backup
            )
        )
    playbook.contacts.all().delete()
    PlaybookContact.objects.bulk_create(rows)
    return [r.as_frozen() for r in rows]


def _require(actor: User, right: str, message: str) -> None:
    if right not in access.organization_rights(actor):
        raise PermissionDenied(message)


def playbook_create(
    *,
    actor: User,
    title: str,
    body: str = "",
    business_units: Iterable[BusinessUnit] = (),
    accounts: Iterable[SocialAccount] = (),
    contacts: Iterable[dict[str, Any]] = (),
    effective_date: datetime.date | None = None,
) -> Playbook:
    """Draft a playbook (the CoE). PermissionDenied for anyone else;
    ValidationError naming the field."""
    _require(actor, access.EDIT_POLICIES, gettext("Only the CoE drafts playbooks."))
    if not title.strip():
        raise ValidationError({"title": gettext("A playbook needs a title.")})
    with transaction.atomic():
        playbook = Playbook(
            title=title.strip(), body=body, owner=actor, effective_date=effective_date
        )
        history.stamp(playbook, actor, "created")
        history.create(
            playbook, {"business_units": list(business_units), "accounts": list(accounts)}
        )
        frozen = _contacts(playbook, contacts)
        audit.record(
            audit.Event.PLAYBOOK_CREATED,
            actor=actor,
            obj=playbook,
            new={"title": playbook.title, "contacts": frozen},
        )
    return playbook


def playbook_update(*, actor: User, playbook: Playbook, **changes: Any) -> Playbook:
    """Edit the working copy of a draft. PermissionDenied unless the CoE;
    Conflict unless it is a draft."""
    _require(actor, access.EDIT_POLICIES, gettext("Only the CoE edits playbooks."))
    with transaction.atomic():
        locked = Playbook.objects.select_for_update().get(pk=playbook.pk)
        if locked.state != PlaybookState.DRAFT:
            raise Conflict(gettext("Only a draft is edited; start a new version first."))
        new: dict[str, Any] = {}
        for name in ("title", "body", "effective_date"):
            if name in changes and getattr(locked, name) != changes[name]:
                setattr(locked, name, changes[name])
                new[name] = changes[name]
        if not locked.title.strip():
            raise ValidationError({"title": gettext("A playbook needs a title.")})
        for name in ("business_units", "accounts"):
            if name in changes:
                history.set_relation(locked, name, changes[name])
                new[name] = sorted(o.pk for o in changes[name])
        if "contacts" in changes:
            new["contacts"] = _contacts(locked, changes["contacts"])
        history.stamp(locked, actor, "updated")
        locked.save()
        audit.record(audit.Event.PLAYBOOK_UPDATED, actor=actor, obj=locked, new=new)
    return locked


def playbook_transition(
    *,
    actor: User,
    playbook: Playbook,
    name: str,
    comment: str = "",
    effective_date: datetime.date | None = None,
) -> Playbook:
    """Submit, return to draft, publish (freezing a version in force from its
    effective date), revise or retire. UnknownAction, PermissionDenied,
    TransitionNotAllowed, ValidationError (comment, effective date, empty body)."""
    if name not in selectors.PLAYBOOK_TRANSITIONS:
        raise UnknownAction(f"No transition named {name!r}.")
    if effective_date is not None and effective_date < timezone.localdate():
        raise ValidationError(
            {"effective_date": gettext("The effective date cannot be in the past.")}
        )
    with transaction.atomic():
        locked = Playbook.objects.select_for_update().get(pk=playbook.pk)
        act = transitions.begin(
            actor,
            locked,
            name,
            comment=comment,
            refused=gettext_lazy("Cannot %(action)s a playbook that is %(state)s."),
        )
        if name == "publish" and not locked.body.strip():
            raise ValidationError(
                {"body": gettext("A playbook needs its first steps to be published.")}
            )
        if name == "publish":
            act.take(effective_date)
        else:
            act.take()
        act.stamp()
        locked.save()
        new: dict[str, Any] = {}
        if name == "publish":
            assert locked.effective_date is not None
            PlaybookVersion.objects.create(
                playbook=locked,
                version=locked.version,
                title=locked.title,
                body=locked.body,
                unit_ids=sorted(locked.business_units.values_list("pk", flat=True)),
                account_ids=sorted(locked.accounts.values_list("pk", flat=True)),
                contacts=[c.as_frozen() for c in locked.contacts.all()],
                effective_date=locked.effective_date,
                published_by=actor,
            )
            new |= {"version": locked.version, "effective_date": locked.effective_date}
        act.record(PLAYBOOK_EVENTS[name], new=new)
    return locked


# Incidents


def _check_accounts(accounts: list[SocialAccount], unit_ids: set[int]) -> int:
    if not accounts:
        raise ValidationError({"accounts": gettext("Name at least one account.")})
    units = {a.business_unit_id for a in accounts}
    if len(units) != 1:
        raise ValidationError({"accounts": gettext("Name accounts of one business unit.")})
    unit_id = units.pop()
    if unit_id not in unit_ids:
        raise PermissionDenied(gettext("You may declare incidents only in your own units."))
    if any(a.state in ("requested", "rejected", "retired") for a in accounts):
        raise ValidationError(
            {"accounts": gettext("An incident concerns accounts that exist on their channel.")}
        )
    return unit_id


def _call(incident: Incident, people: list[User], actor: User, text: Any) -> None:
    """Add the people as responders and tell them (in-app and email) now."""
    incident.responders.add(*people)
    if people:
        notify.send(
            sender=Incident,
            recipients=people,
            actor=actor,
            target=incident,
            event=CALLED,
            text=text,
        )


def _repause(account_ids: Iterable[int]) -> None:
    """An account is paused while any open incident names it."""
    ids = list(account_ids)
    open_ids = set(
        Incident.objects.filter(state=IncidentState.OPEN, accounts__in=ids).values_list(
            "accounts", flat=True
        )
    )
    SocialAccount.objects.filter(pk__in=ids).exclude(pk__in=open_ids).update(paused=False)
    SocialAccount.objects.filter(pk__in=open_ids & set(ids)).update(paused=True)


def incident_declare(
    *,
    actor: User,
    accounts: Iterable[SocialAccount],
    severity: str,
    title: str,
    description: str = "",
) -> Incident:
    """Declare an incident on accounts of one of the actor's units. The
    playbook version in force that covers them calls exactly the people it
    names at the severity, at once; the accounts are paused.

    PermissionDenied outside one's units; ValidationError naming the field for
    no or mixed-unit accounts, a closed account, an unknown severity, no title.
    """
    chosen = list(accounts)
    unit_id = _check_accounts(chosen, set(access.visible_unit_ids(actor, access.PROPOSE)))
    errors = {}
    if severity not in Severity.values:
        errors["severity"] = gettext("Choose a severity from the list.")
    if not title.strip():
        errors["title"] = gettext("Give the incident a title.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        version = selectors.playbook_for(unit_id=unit_id, account_ids={a.pk for a in chosen})
        incident = Incident.objects.create(
            title=title.strip(),
            description=description,
            severity=severity,
            business_unit_id=unit_id,
            declared_by=actor,
            playbook_version=version,
        )
        incident.accounts.set(chosen)
        IncidentEntry.objects.create(
            incident=incident,
            kind=IncidentEntry.Kind.DECLARED,
            text=description,
            severity=severity,
            author=actor,
        )
        called = (
            selectors.contacts_for(
                version=version, severity=severity, unit_id=unit_id, accounts=chosen
            )
            if version
            else []
        )
        _repause(a.pk for a in chosen)
        audit.record(
            audit.Event.INCIDENT_DECLARED,
            actor=actor,
            obj=incident,
            new={
                "severity": severity,
                "accounts": [a.pk for a in chosen],
                "playbook_version": version.pk if version else None,
                "called": [u.pk for u in called],
            },
        )
        _call(
            incident,
            called,
            actor,
            format_lazy(
                gettext_lazy("Incident “{object}” ({severity}) on {accounts}: you are called."),
                object=incident.title,
                severity=severity,
                accounts=", ".join(str(a) for a in chosen),
            ),
        )
    return incident


def _open_and_writable(actor: User, incident: Incident) -> Incident:
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    if locked.state != IncidentState.OPEN:
        raise Conflict(gettext("The incident is closed."))
    if not selectors.may_write(actor, locked):
        raise PermissionDenied(gettext("You may not write on this incident."))
    return locked


def incident_post(*, actor: User, incident: Incident, kind: str, text: str) -> IncidentEntry:
    """Add an update or a decision to the timeline. Conflict once closed;
    PermissionDenied for those not involved; ValidationError on `text`/`kind`."""
    if kind not in (IncidentEntry.Kind.UPDATE, IncidentEntry.Kind.DECISION):
        raise ValidationError({"kind": gettext("Post an update or a decision.")})
    if not text.strip():
        raise ValidationError({"text": gettext("Write what happened or what was decided.")})
    with transaction.atomic():
        locked = _open_and_writable(actor, incident)
        entry = IncidentEntry.objects.create(
            incident=locked, kind=kind, text=text.strip(), author=actor
        )
        audit.record(
            audit.Event.INCIDENT_DECISION_RECORDED
            if kind == IncidentEntry.Kind.DECISION
            else audit.Event.INCIDENT_UPDATE_POSTED,
            actor=actor,
            obj=locked,
            new={"entry": entry.pk},
            comment=text.strip(),
        )
    return entry


def incident_escalate(
    *, actor: User, incident: Incident, severity: str, text: str = ""
) -> Incident:
    """Raise the severity; the playbook's contacts at the new level are called
    at once. ValidationError unless the severity is higher."""
    if severity not in Severity.values:
        raise ValidationError({"severity": gettext("Choose a severity from the list.")})
    with transaction.atomic():
        locked = _open_and_writable(actor, incident)
        if SEVERITY_ORDER.index(severity) <= SEVERITY_ORDER.index(locked.severity):
            raise ValidationError({"severity": gettext("Escalate to a higher severity.")})
        old = locked.severity
        locked.severity = severity
        locked.save(update_fields=["severity"])
        IncidentEntry.objects.create(
            incident=locked,
            kind=IncidentEntry.Kind.ESCALATION,
            text=text.strip(),
            severity=severity,
            author=actor,
        )
        accounts = list(locked.accounts.all())
        called = (
            selectors.contacts_for(
                version=locked.playbook_version,
                severity=severity,
                unit_id=locked.business_unit_id,
                accounts=accounts,
            )
            if locked.playbook_version
            else []
        )
        audit.record(
            audit.Event.INCIDENT_ESCALATED,
            actor=actor,
            obj=locked,
            old={"severity": old},
            new={"severity": severity, "called": [u.pk for u in called]},
            comment=text.strip(),
        )
        _call(
            locked,
            called,
            actor,
            format_lazy(
                gettext_lazy("Incident “{object}” was escalated to {severity}: you are called."),
                object=locked.title,
                severity=severity,
            ),
        )
    return locked


def incident_close(*, actor: User, incident: Incident, review: str) -> Incident:
    """Close with a review (the unit's leads or the CoE lead). The accounts
    are no longer paused unless another open incident names them.
    PermissionDenied, TransitionNotAllowed (closed already), ValidationError on `review`."""
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        act = transitions.begin(
            actor,
            locked,
            "close",
            comment=review,
            refused=gettext_lazy("The incident is closed already."),
            comment_missing=gettext_lazy("Close the incident with a review."),
            comment_field="review",
        )
        act.take()
        locked.review = act.comment
        locked.closed_by = actor
        locked.save()
        IncidentEntry.objects.create(
            incident=locked, kind=IncidentEntry.Kind.REVIEW, text=locked.review, author=actor
        )
        _repause(locked.accounts.values_list("pk", flat=True))
        act.record(audit.Event.INCIDENT_CLOSED)
        people = [
            u
            for u in {locked.declared_by, *locked.responders.all()}
            if u.is_active and u.pk != actor.pk
        ]
        if people:
            notify.send(
                sender=Incident,
                recipients=sorted(people, key=lambda u: u.pk),
                actor=actor,
                target=locked,
                event=CLOSED,
                text=format_lazy(
                    gettext_lazy("Incident “{object}” was closed with a review."),
                    object=locked.title,
                ),
            )
    return locked
