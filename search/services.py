"""Writes of search: the CoE's duplicate links and the merge of their
review, each with its audit event."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django_fsm import TransitionNotAllowed

from governance import access, audit, signals
from governance.errors import Conflict
from governance.models import OrganizationRole
from initiatives import services as initiative_services
from initiatives.models import Initiative, State
from search.models import DuplicateLink

COE_ROLES = frozenset({OrganizationRole.Role.COE_LEAD, OrganizationRole.Role.COE_MEMBER})


def may_link_duplicates(*, user: User) -> bool:
    """The CoE (lead and members) links duplicates: it sees every unit's proposals."""
    return bool(access.organization_roles(user) & COE_ROLES)


def duplicate_link(
    *, actor: User, duplicate: Initiative, original: Initiative, comment: str = ""
) -> DuplicateLink:
    """Record that `duplicate` proposes what `original` already does.

    Raises PermissionDenied unless the actor is in the CoE, ValidationError
    (field `original`) for an initiative linked to itself or to one that is
    itself a duplicate, and Conflict when `duplicate` is already linked.
    Writes the link and the `initiative.duplicate_linked` event together."""
    if not may_link_duplicates(user=actor):
        raise PermissionDenied(gettext("Only the CoE links duplicate initiatives."))
    if duplicate.pk == original.pk:
        raise ValidationError({"original": gettext("An initiative cannot duplicate itself.")})
    with transaction.atomic():
        if DuplicateLink.objects.select_for_update().filter(duplicate=original).exists():
            raise ValidationError(
                {"original": gettext("That initiative is itself linked as a duplicate.")}
            )
        if DuplicateLink.objects.select_for_update().filter(duplicate=duplicate).exists():
            raise Conflict(gettext("This initiative is already linked as a duplicate."))
        link = DuplicateLink.objects.create(
            duplicate=duplicate, original=original, linked_by=actor, comment=comment
        )
        audit.record(
            audit.Event.INITIATIVE_DUPLICATE_LINKED,
            actor=actor,
            obj=duplicate,
            new={"original": original.pk, "original_title": original.title},
            comment=comment,
        )
    return link


def duplicate_unlink(*, actor: User, duplicate: Initiative, comment: str = "") -> None:
    """Remove the duplicate link of `duplicate`.

    Raises PermissionDenied unless the actor is in the CoE and Conflict when
    the initiative is not linked. Deletes the link and writes the
    `initiative.duplicate_unlinked` event together."""
    if not may_link_duplicates(user=actor):
        raise PermissionDenied(gettext("Only the CoE links duplicate initiatives."))
    with transaction.atomic():
        link = DuplicateLink.objects.select_for_update().filter(duplicate=duplicate).first()
        if link is None:
            raise Conflict(gettext("This initiative is not linked as a duplicate."))
        if link.merged_at is not None:
            raise Conflict(gettext("The review of these duplicates is merged; the link stays."))
        original_id = link.original_id
        link.delete()
        audit.record(
            audit.Event.INITIATIVE_DUPLICATE_UNLINKED,
            actor=actor,
            obj=duplicate,
            old={"original": original_id},
            comment=comment,
        )


# The transition that closes the duplicate: the CoE lead's rejection, taken
# while the CoE reviews it (the state machine's own edge, with its decision).
CLOSING_TRANSITION = "reject"
# A kept initiative must still be going somewhere.
CLOSED_STATES = frozenset({State.REJECTED, State.WITHDRAWN, State.COMPLETED})


def _unit_people(unit_id: int) -> list[User]:
    return list(
        get_user_model().objects.filter(memberships__business_unit_id=unit_id, is_active=True)
    )


def duplicate_merge(
    *, actor: User, duplicate: Initiative, keep: Initiative, comment: str = ""
) -> DuplicateLink:
    """Merge the review of `duplicate` and the initiative it is linked to: the
    CoE keeps `keep` (either of the two) and closes the other as a duplicate.

    Preconditions: the two are linked and not yet merged (Conflict), `keep` is
    one of them (ValidationError on `keep`), the kept one is not closed
    (Conflict), the other is in CoE review (TransitionNotAllowed), and the
    actor is in the CoE (PermissionDenied) and may reject it (PermissionDenied
    with the reason, separation of duties included).

    In one transaction: the closed one is rejected through the initiative
    transition service (history row, decision, audit event, the owner's
    notice) with the comment "Duplicate of #N"; the link then points from the
    closed one to the kept one, as do the links of duplicates of the closed
    one; the link is marked merged; the `initiative.duplicate_merged` event is
    written; the closed one's owner and unit are told in the app and by email
    (sent after commit)."""
    if not may_link_duplicates(user=actor):
        raise PermissionDenied(gettext("Only the CoE merges the review of duplicates."))
    with transaction.atomic():
        link = DuplicateLink.objects.select_for_update().filter(duplicate=duplicate).first()
        if link is None:
            raise Conflict(gettext("This initiative is not linked as a duplicate."))
        if link.merged_at is not None:
            raise Conflict(gettext("The review of these duplicates is already merged."))
        if keep.pk not in (link.duplicate_id, link.original_id):
            raise ValidationError({"keep": gettext("Keep one of the two linked initiatives.")})
        closed_id = link.original_id if keep.pk == link.duplicate_id else link.duplicate_id
        kept = Initiative.objects.select_for_update(of=("self",)).get(pk=keep.pk)
        if kept.state in CLOSED_STATES:
            raise Conflict(
                gettext("The initiative to keep is %(state)s; keep one that goes on.")
                % {"state": kept.get_state_display().lower()}
            )
        closed = Initiative.objects.select_related("owner").get(pk=closed_id)
        if closed.state != State.IN_REVIEW:
            raise TransitionNotAllowed(
                gettext(
                    "Only an initiative in CoE review can be closed as a duplicate; "
                    "“%(title)s” is %(state)s."
                )
                % {"title": closed.title, "state": closed.get_state_display().lower()}
            )
        reason = gettext("Duplicate of #%(number)s “%(title)s”.") % {
            "number": kept.pk,
            "title": kept.title,
        }
        closed = initiative_services.initiative_transition(
            actor=actor,
            initiative=closed,
            name=CLOSING_TRANSITION,
            comment=f"{reason} {comment.strip()}".strip(),
        )
        # The closed one's own duplicates now duplicate the kept one.
        DuplicateLink.objects.filter(original_id=closed.pk).exclude(pk=link.pk).update(
            original_id=kept.pk
        )
        link.duplicate_id, link.original_id = closed.pk, kept.pk
        link.merged_at = timezone.now()
        link.merged_by = actor
        link.save()
        audit.record(
            audit.Event.INITIATIVE_DUPLICATE_MERGED,
            actor=actor,
            obj=closed,
            old={"state": State.IN_REVIEW},
            new={"state": closed.state, "kept": kept.pk, "kept_title": kept.title},
            comment=comment.strip(),
        )
        values = {"closed": closed.title, "kept": kept.title, "number": kept.pk}
        signals.notify.send(
            sender=None,
            recipients=[closed.owner, *_unit_people(closed.business_unit_id)],
            actor=actor,
            target=closed,
            event=audit.Event.INITIATIVE_DUPLICATE_MERGED.value,
            # Rendered in each recipient's language.
            text=lambda: (
                gettext("“%(closed)s” was closed as a duplicate of “%(kept)s” (#%(number)s).")
                % values
            ),
        )
    return link
