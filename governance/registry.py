"""Where the core shows something of an app, the app registers it here from its
`AppConfig.ready()`, as apps register their models with django.contrib.admin:
home panels, navigation entries, URLs and API routes, and the roles and
delegations that governance.access reads. The core imports no app.

Entries have a key (registering a key again replaces the entry) and an order;
each registry lists its entries by order, then by key."""

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import URLPattern, URLResolver

if TYPE_CHECKING:
    from rest_framework.viewsets import ViewSetMixin

T = TypeVar("T")
UserLike = User | AnonymousUser


class Registry(Generic[T]):
    """Entries by key, listed by (order, key)."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[int, T]] = {}

    def register(self, key: str, item: T, *, order: int) -> T:
        self._entries[key] = (order, item)
        return item

    def unregister(self, key: str) -> None:
        self._entries.pop(key, None)

    def __iter__(self) -> Iterator[T]:
        ordered = sorted(self._entries.items(), key=lambda entry: (entry[1][0], entry[0]))
        return iter(item for _key, (_order, item) in ordered)

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> T | None:
        entry = self._entries.get(key)
        return None if entry is None else entry[1]


# Home panels


@dataclass
class Panel:
    """One section of the home page: a partial template and what it shows."""

    key: str
    title: Any
    template: str
    context: dict[str, Any] = field(default_factory=dict)


# A panel for the request's user, or None when it has nothing for them; the
# second argument is the user's organization roles (OrganizationRole.Role values).
PanelFactory = Callable[[HttpRequest, frozenset[str]], Panel | None]
home_panels: Registry[PanelFactory] = Registry()

# Sections of the audit page: the controls an app keeps and how they are set
# (for auditors and the CoE lead; called like home panels).
audit_panels: Registry[PanelFactory] = Registry()


# How the audit page names an app's objects and links to them, registered
# under the object type the log records (`initiatives.initiative`).


class AuditLinks(Protocol):
    """The page of each object (by its id as the log records it) that the user
    may see; objects the user may not see are left out. Called once per type
    and audit page with that page's ids, so that a page costs one query a type."""

    def __call__(self, *, user: UserLike, ids: list[str]) -> dict[str, str]: ...


@dataclass(frozen=True)
class AuditObjectType:
    name: Any
    links: AuditLinks | None = None


audit_object_types: Registry[AuditObjectType] = Registry()


class AuditValues(Protocol):
    """Recorded values of one key (`policies` of an attestation) as people read
    them, in the order given: called once per audit page with all of them."""

    def __call__(self, *, values: list[Any]) -> list[str]: ...


# Readers of recorded values, by the key they are recorded under.
audit_values: Registry[AuditValues] = Registry()


# Navigation


class Visibility(Protocol):
    """Whether the user sees a navigation entry; called with `user=`."""

    def __call__(self, *, user: UserLike) -> bool: ...


def _everyone(*, user: UserLike) -> bool:
    return True


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Any
    # Who sees the entry; the page itself still checks (a hidden link is not a guard).
    visible: Visibility = _everyone


navigation: Registry[NavItem] = Registry()


# URLs: an app's pages (`path("policies/", include("policies.urls"))`) and its
# API paths outside the router, placed before the router's routes.
urls: Registry[URLPattern | URLResolver] = Registry()
api_urls: Registry[URLPattern | URLResolver] = Registry()


@dataclass(frozen=True)
class ApiRoute:
    prefix: str
    viewset: "type[ViewSetMixin]"
    basename: str


api_routes: Registry[ApiRoute] = Registry()


# Roles and delegations, for governance.access


# The roles (governance.access.Role values) a user holds on units through an
# app, as (unit id, role) pairs for the given unit ids.
class UnitRoles(Protocol):
    """The (unit id, role) pairs a user holds on the given units through an app."""

    def __call__(self, *, user: User, unit_ids: list[int]) -> Iterable[tuple[int, str]]: ...


unit_roles: Registry[UnitRoles] = Registry()


class Delegations(Protocol):
    """Who signs off on a unit's initiatives on behalf of whom, on a day."""

    def unit_ids(self, user: UserLike, day: datetime.date) -> QuerySet[Any]:
        """The units (values of `business_unit_id`) the user may sign off for."""
        ...

    def delegator(self, user: UserLike, unit_id: int, day: datetime.date) -> User | None:
        """The user on whose behalf the user may sign off for the unit, if any."""
        ...


delegations: Registry[Delegations] = Registry()
