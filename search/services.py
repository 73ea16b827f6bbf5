"""Writes of search: the CoE's duplicate links, each with its audit event."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext

from governance import access, audit
from governance.errors import Conflict
from governance.models import OrganizationRole
from initiatives.models import Initiative
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
        original_id = link.original_id
        link.delete()
        audit.record(
            audit.Event.INITIATIVE_DUPLICATE_UNLINKED,
            actor=actor,
            obj=duplicate,
            old={"original": original_id},
            comment=comment,
        )
