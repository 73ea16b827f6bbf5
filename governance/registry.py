"""Where the core shows something of an app, the app registers it here from its
`AppConfig.ready()`, as apps register their models with django.contrib.admin:
home panels, navigation entries, URLs and API routes, and the roles and
delegations that governance.access reads. The core imports no app.

Entries have a key (registering a key again replaces the entry) and an order;
each registry lists its entries by order, then by key."""

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping
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

    def get(self, key: str) -> T | None:
        entry = self._entries.get(key)
        return None if entry is None else entry[1]

    def __iter__(self) -> Iterator[T]:
        ordered = sorted(self._entries.items(), key=lambda entry: (entry[1][0], entry[0]))
        return iter(item for _key, (_order, item) in ordered)

    def __len__(self) -> int:
        return len(self._entries)


# Home panels


@dataclass
class Panel:
    """One section of a page (the home page, an object's page): a partial
    template and what it shows."""

    key: str
    title: Any
    template: str
    context: dict[str, Any] = field(default_factory=dict)


# A panel for the request's user, or None when it has nothing for them; the
# second argument is the user's organization roles (OrganizationRole.Role values).
PanelFactory = Callable[[HttpRequest, frozenset[str]], Panel | None]
home_panels: Registry[PanelFactory] = Registry()

# Sections of the portfolio page, under its own figures: called with the
# request, the ids of the units the portfolio shows and the portfolio's own
# figures (sponsors.selectors.portfolio), so that a section reuses the sums the
# page already made instead of scanning the initiatives again (the app
# aggregates the rest in a fixed number of queries, whatever the number of
# initiatives).
PortfolioSection = Callable[[HttpRequest, list[int], Mapping[str, Any]], Panel | None]
portfolio_sections: Registry[PortfolioSection] = Registry()


def portfolio_sections_for(
    request: HttpRequest, unit_ids: list[int], figures: Mapping[str, Any]
) -> list[Panel]:
    """The sections the apps show on the portfolio of these units."""
    return [
        s
        for section in portfolio_sections
        if (s := section(request, unit_ids, figures)) is not None
    ]


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

    def delegators(self, user: UserLike, day: datetime.date) -> dict[int, User]:
        """Unit id to the user on whose behalf the user may sign off for it, for
        every unit delegated to the user, in one query."""
        ...


delegations: Registry[Delegations] = Registry()


# What waits for a user (the inbox)


class TaskSource(Protocol):
    """The tasks of one kind waiting for the user, as a values() queryset of
    rows with exactly the columns of TASK_COLUMNS, unordered (the inbox unites
    every source's rows in one query, orders them oldest first and pages them)."""

    def __call__(self, *, user: User) -> QuerySet[Any]: ...


# The columns of a task row, in this order: kind (the source's key), object_id,
# label (what the task is about, e.g. the initiative's title), unit_name (or
# None), waiting_since (when the wait began), on_behalf_of (the user name of
# the sponsor a delegate decides for, or None), due_on (a date after which it
# is overdue, or None), and link_model and link_id: the object whose page
# the task opens (object_urls).
TASK_COLUMNS = (
    "kind",
    "object_id",
    "label",
    "unit_name",
    "since",
    "on_behalf_of",
    "due_on",
    "link_model",
    "link_id",
)

task_sources: Registry[TaskSource] = Registry()

# How the inbox names a kind of task an app adds ("Complete the training"),
# by the kind its source answers.
task_labels: Registry[Any] = Registry()


# Sections that an app adds to another app's object page (the accounts an
# initiative uses, its impact, related reading on a policy or an initiative):
# registered for the object's model label and a place on its page, listed by
# order within the place. The page renders each place with
# `{% object_sections obj place %}` (governance.templatetags.sections).

# The places of an object's page. A page shows those it has: the initiative's
# page all three, a policy's page the end.
DETAILS = "details"  # in the main column, after the object's details
ACTIONS = "actions"  # among the actions, before the decision buttons
END = "end"  # below the page's body
PLACES = (DETAILS, ACTIONS, END)


class SectionPanel(Protocol):
    """The section for the request's user and the object, or None when it has
    nothing for them. `page` is the page's own context for this request (the
    initiative's page: `transitions`, those the user may take now), so that a
    section reuses what the page has read rather than reading it again. A
    section reads in a fixed number of queries, whatever the number of rows it
    shows: the page's query count stays the same at 10 rows as at 1,000."""

    def __call__(
        self, request: HttpRequest, obj: Any, page: Mapping[str, Any], /
    ) -> Panel | None: ...


@dataclass(frozen=True)
class ObjectSection:
    model: str  # the model label, "initiatives.initiative"
    panel: SectionPanel
    place: str = END

    def __post_init__(self) -> None:
        if self.place not in PLACES:
            raise ValueError(f"No place {self.place!r} on an object's page: one of {PLACES}.")


object_sections: Registry[ObjectSection] = Registry()


def sections_for(
    request: HttpRequest, obj: Any, *, place: str = END, page: Mapping[str, Any] | None = None
) -> list[Panel]:
    """The registered sections of this place of the object's page that have
    something for the user, in order."""
    if place not in PLACES:
        raise ValueError(f"No place {place!r} on an object's page: one of {PLACES}.")
    label = obj._meta.label_lower
    page = {} if page is None else page
    found = []
    for section in object_sections:
        if section.model == label and section.place == place:
            panel = section.panel(request, obj, page)
            if panel is not None:
                found.append(panel)
    return found


# Where an object is shown: model label ("initiatives.initiative") to a function
# of the object id giving the URL of its page (for notifications and tasks).
object_urls: Registry[Callable[[int], str]] = Registry()


class Languages(Protocol):
    """The language each of the users chose (user id to language code); users
    who chose none are left out."""

    def __call__(self, *, user_ids: list[int]) -> dict[int, str]: ...


# Emails and notifications are rendered in their recipient's language (the
# first registered source that knows it; otherwise the current language).
user_languages: Registry[Languages] = Registry()


def languages_of(user_ids: list[int]) -> dict[int, str]:
    """The chosen language of each of the users who chose one."""
    found: dict[int, str] = {}
    for source in user_languages:
        for user_id, language in source(user_ids=user_ids).items():
            found.setdefault(user_id, language)
    return found


class EmailChoices(Protocol):
    """Of the users, the ids of those who may be emailed about this kind of
    thing ("decisions", "reminders", "mentions"): active, with an address, and
    not having switched that email off."""

    def __call__(self, *, user_ids: list[int], kind: str) -> set[int]: ...


# An app below the one that keeps the users' email choices (sponsors) asks
# here whom it may email; with no source registered, everyone may be.
email_choices: Registry[EmailChoices] = Registry()


def emailable(user_ids: list[int], kind: str) -> set[int]:
    """The ids of the users every registered source lets us email of `kind`."""
    allowed = set(user_ids)
    for source in email_choices:
        allowed &= source(user_ids=user_ids, kind=kind)
    return allowed


# Steps of an approval chain that apps above initiatives provide (a committee's
# vote): each provider gives (step value, label) pairs, such as
# ("committee:3", "Steering committee"). Routing rules may name only these
# besides the built-in steps.
approval_steps: Registry[Callable[[], list[tuple[str, Any]]]] = Registry()
# The demo (`manage.py seed_demo`, in maturity): apps above maturity add their
# part, called in order with a function that gives a demo user by name.
demo_seeders: Registry[Callable[[Callable[[str], User]], None]] = Registry()
