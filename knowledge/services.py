"""Writes of the library. Each service does the whole act: checks that the
actor may, writes the change and its history row, records the audit event and
tells whoever must know, in one transaction."""

import re
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext

from governance import audit, history, transitions
from governance.models import BusinessUnit, StrategicGoal
from initiatives.models import Initiative
from knowledge import rules, selectors
from knowledge.models import Audience, Entry, UsefulMark
from policies.models import Policy

MAX_TAGS = 12
RELATIONS = ("units", "goals", "audience_units", "policies", "initiatives")


def _clean_tags(text: str) -> str:
    """Tags as stored: lower case, trimmed, unique, in the order given, comma-separated."""
    seen: list[str] = []
    for raw in re.split(r"[,;]", text or ""):
        tag = " ".join(raw.split()).lower()[:40]
        if tag and tag not in seen:
            seen.append(tag)
    if len(seen) > MAX_TAGS:
        raise ValidationError({"tags": gettext("At most %(max)d tags.") % {"max": MAX_TAGS}})
    return ",".join(seen)


def _snapshot(entry: Entry) -> dict[str, Any]:
    return {
        "title": entry.title,
        "kind": entry.kind,
        "language": entry.language,
        "summary": entry.summary,
        "source_url": entry.source_url,
        "tags": entry.tags,
        "audience": entry.audience,
        "review_on": entry.review_on,
        "owner": entry.owner.get_username(),
        "state": entry.state,
    }


def _relations(entry: Entry) -> dict[str, list[int]]:
    snapshot = {
        name: sorted(getattr(entry, name).values_list("pk", flat=True)) for name in RELATIONS
    }
    snapshot["related"] = sorted(entry.related.values_list("pk", flat=True))
    return snapshot


def _check_audience(audience: str, audience_units: list[BusinessUnit]) -> None:
    if audience == Audience.UNITS and not audience_units:
        raise ValidationError(
            {"audience_units": gettext("Choose the units that may read the entry.")}
        )


def _check_links(
    actor: User, policies: list[Policy], initiatives: list[Initiative], related: list[Entry]
) -> None:
    """Nobody links what they cannot see (it would tell them it exists)."""
    from initiatives import selectors as initiative_selectors
    from policies import selectors as policy_selectors

    policy_ids = {p.pk for p in policies}
    if policy_ids and policy_selectors.visible_policies(user=actor).filter(
        pk__in=policy_ids
    ).count() != len(policy_ids):
        raise ValidationError({"policies": gettext("Choose policies you can see.")})
    initiative_ids = {i.pk for i in initiatives}
    if initiative_ids and initiative_selectors.visible_initiatives(user=actor).filter(
        pk__in=initiative_ids
    ).count() != len(initiative_ids):
        raise ValidationError({"initiatives": gettext("Choose initiatives you can see.")})
    entry_ids = {e.pk for e in related}
    if entry_ids and selectors.visible_entries(user=actor).filter(pk__in=entry_ids).count() != len(
        entry_ids
    ):
        raise ValidationError({"related": gettext("Choose entries you can read.")})


def entry_propose(
    *,
    actor: User,
    title: str,
    kind: str,
    language: str = "en",
    summary: str = "",
    body: str = "",
    source_url: str = "",
    tags: str = "",
    audience: str = Audience.ORGANIZATION,
    review_on: Any = None,
    units: Iterable[BusinessUnit] = (),
    goals: Iterable[StrategicGoal] = (),
    audience_units: Iterable[BusinessUnit] = (),
    policies: Iterable[Policy] = (),
    initiatives: Iterable[Initiative] = (),
    related: Iterable[Entry] = (),
) -> Entry:
    """Propose a new entry, owned by the actor (anyone signed in may).

    Raises ValidationError naming the field for invalid content, a unit
    audience without units, or a link to something the actor cannot see."""
    audience_list = list(audience_units)
    policy_list, initiative_list, related_list = list(policies), list(initiatives), list(related)
    with transaction.atomic():
        entry = Entry(
            title=title.strip(),
            kind=kind,
            language=language,
            summary=summary.strip(),
            body=body,
            source_url=source_url.strip(),
            tags=_clean_tags(tags),
            audience=audience,
            review_on=review_on,
            owner=actor,
        )
        entry.full_clean(exclude=["state"])
        _check_audience(audience, audience_list)
        _check_links(actor, policy_list, initiative_list, related_list)
        history.stamp(entry, actor, "proposed")
        history.create(
            entry,
            {
                "units": list(units),
                "goals": list(goals),
                "audience_units": audience_list,
                "policies": policy_list,
                "initiatives": initiative_list,
            },
        )
        entry.related.set(related_list)
        audit.record(
            audit.Event.LIBRARY_ENTRY_PROPOSED,
            actor=actor,
            obj=entry,
            new=_snapshot(entry) | _relations(entry),
        )
    return entry


def _lock(entry: Entry) -> Entry:
    return Entry.objects.select_for_update().select_related("owner").get(pk=entry.pk)


def _readable_or_404(actor: User, entry: Entry) -> None:
    if not selectors.visible_entries(user=actor).filter(pk=entry.pk).exists():
        raise Http404("Not found.")


def entry_update(
    *,
    actor: User,
    entry: Entry,
    changes: dict[str, Any],
    relations: dict[str, list[Any]] | None = None,
) -> Entry:
    """Change an entry's content, audience and links: curators always, its
    owner while it is proposed.

    Raises Http404 when the actor may not read it, PermissionDenied when they
    may not edit it, ValidationError naming the field for invalid content."""
    allowed = {
        "title",
        "kind",
        "language",
        "summary",
        "body",
        "source_url",
        "tags",
        "audience",
        "review_on",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({sorted(unknown)[0]: gettext("This field cannot be changed.")})
    relations = relations or {}
    with transaction.atomic():
        _readable_or_404(actor, entry)
        entry = _lock(entry)
        if not rules.can_edit(actor, entry):
            raise PermissionDenied(
                gettext("Only its owner (while proposed) or the CoE may edit an entry.")
            )
        old = _snapshot(entry) | _relations(entry)
        for name, value in changes.items():
            if name == "tags":
                value = _clean_tags(value)
            elif isinstance(value, str) and name != "body":
                value = value.strip()
            setattr(entry, name, value)
        entry.full_clean(exclude=["state"])
        audience_units = relations.get("audience_units")
        if audience_units is None:
            audience_units = list(entry.audience_units.all())
        _check_audience(entry.audience, list(audience_units))
        _check_links(
            actor,
            list(relations.get("policies", [])),
            list(relations.get("initiatives", [])),
            list(relations.get("related", [])),
        )
        for name in RELATIONS:
            if name in relations:
                history.set_relation(entry, name, relations[name])
        if "related" in relations:
            entry.related.set([e for e in relations["related"] if e.pk != entry.pk])
        history.stamp(entry, actor, "updated")
        entry.save()
        new = _snapshot(entry) | _relations(entry)
        audit.record(
            audit.Event.LIBRARY_ENTRY_UPDATED,
            actor=actor,
            obj=entry,
            old={k: v for k, v in old.items() if new.get(k) != v},
            new={k: v for k, v in new.items() if old.get(k) != v},
        )
    return entry


TRANSITION_EVENTS = {
    "publish": audit.Event.LIBRARY_ENTRY_PUBLISHED,
    "archive": audit.Event.LIBRARY_ENTRY_ARCHIVED,
}


def entry_transition(*, actor: User, entry: Entry, name: str, comment: str = "") -> Entry:
    """Publish a proposed entry or archive a published one: the CoE may
    (knowledge.rules.can_publish).

    Raises Http404 when the actor may not read it, PermissionDenied when they
    may not publish, TransitionNotAllowed (409) when the entry's state does not allow it."""
    if name not in TRANSITION_EVENTS:
        raise Http404("Not found.")
    with transaction.atomic():
        _readable_or_404(actor, entry)
        entry = _lock(entry)
        if not rules.can_publish(actor, entry):
            raise PermissionDenied(gettext("Only the CoE may publish or archive entries."))
        # The right is the library's own rule (above); the state and the
        # record are taken as every state machine takes them.
        act = transitions.begin(
            actor,
            entry,
            name,
            refused=gettext("This entry cannot be %(action)s from its state.")
            % {"action": gettext("published") if name == "publish" else gettext("archived")},
            comment=comment,
            authorized=True,
        )
        act.take()
        act.stamp()
        entry.save()
        act.record(TRANSITION_EVENTS[name])
    return entry


def entry_publish(*, actor: User, entry: Entry, comment: str = "") -> Entry:
    return entry_transition(actor=actor, entry=entry, name="publish", comment=comment)


def entry_archive(*, actor: User, entry: Entry, comment: str = "") -> Entry:
    return entry_transition(actor=actor, entry=entry, name="archive", comment=comment)


def useful_toggle(*, actor: User, entry: Entry) -> bool:
    """Mark the entry useful, or take the mark back: one mark per reader.
    Returns whether the actor's mark is there now.

    Raises Http404 when the actor may not read the entry."""
    with transaction.atomic():
        _readable_or_404(actor, entry)
        removed, _ = UsefulMark.objects.filter(entry_id=entry.pk, user_id=actor.pk).delete()
        if removed:
            audit.record(audit.Event.LIBRARY_ENTRY_UNMARKED_USEFUL, actor=actor, obj=entry)
            return False
        try:
            with transaction.atomic():
                UsefulMark.objects.create(entry_id=entry.pk, user=actor)
        except IntegrityError:
            # Marked at the same moment in another request: it is marked.
            return True
        audit.record(audit.Event.LIBRARY_ENTRY_MARKED_USEFUL, actor=actor, obj=entry)
        return True
