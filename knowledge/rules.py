"""Who may do what in the library, in one place.

Publication is the CoE's. Working groups that own a topic will publish their
topic's entries too: that rule joins here, in `can_publish`, and every page,
API call and service asks this module."""

from django.contrib.auth.models import AnonymousUser, User

from governance import access
from governance.models import OrganizationRole

UserLike = User | AnonymousUser

# Organization roles that curate the library: they publish, archive and edit
# every entry, and see proposals and archived entries.
CURATORS = frozenset({OrganizationRole.Role.COE_LEAD, OrganizationRole.Role.COE_MEMBER})
# Roles that read every entry in every state (and change nothing by that alone).
READS_ALL = CURATORS | {OrganizationRole.Role.AUDITOR}


def is_curator(user: UserLike) -> bool:
    return bool(access.organization_roles(user) & CURATORS)


def reads_all(user: UserLike) -> bool:
    return bool(access.organization_roles(user) & READS_ALL)


def can_publish(user: UserLike, entry: object | None = None) -> bool:
    """Whether the user may publish or archive the entry (any entry when None)."""
    return is_curator(user)


def can_edit(user: UserLike, entry: "object") -> bool:
    """Curators edit every entry; its owner edits it while it is proposed."""
    from knowledge.models import State

    if is_curator(user):
        return True
    return (
        user.is_authenticated
        and getattr(entry, "owner_id", None) == user.pk
        and getattr(entry, "state", None) == State.PROPOSED
    )
