"""The kinds of thing search finds. Each source names its model, which of its
objects a user may see (the very selector its list uses, so search shows
nothing the lists would not), the text it indexes and the page of a hit.

The search app sits above every other app and registers a source for each
(`register_sources`); a new kind is one call of `model_source` more, with its
model, its list's selector and its page's URL name, as the library's entries
and the social accounts are."""

import datetime
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from governance import access
from governance.registry import Registry
from initiatives import selectors as initiative_selectors
from initiatives.models import Amendment, AmendmentState, Initiative
from initiatives.models import State as InitiativeState
from knowledge import rules as knowledge_rules
from knowledge import selectors as knowledge_selectors
from knowledge.models import Entry
from knowledge.models import State as EntryState
from policies import selectors as policy_selectors
from policies.models import PolicyVersion
from social_accounts import selectors as account_selectors
from social_accounts.models import SocialAccount
from social_accounts.models import State as AccountState

UserLike = User | AnonymousUser


@dataclass(frozen=True)
class Text:
    """What a source indexes of one object."""

    title: str
    body: str
    date: datetime.datetime
    state: str = ""
    unit_id: int | None = None


@dataclass(frozen=True)
class Follow:
    """Another model whose change the source's documents show: when an object
    of `model` is saved with other values of `fields`, the documents of
    `objects(that object)` are written anew (an amendment shows its
    initiative's title and unit)."""

    model: type[Model]
    fields: tuple[str, ...]
    objects: Callable[[Any], Iterable[Any]]


@dataclass(frozen=True)
class Source:
    kind: str
    label: Any
    model: type[Model]
    # The ids (a values("pk") queryset) of the objects the user may see.
    visible_ids: Callable[[UserLike], QuerySet[Any]]
    text: Callable[[Any], Text]
    # Every object to index, with what `text` reads (for a full reindex).
    indexed: Callable[[], QuerySet[Any]]
    # The page of each of the given objects (one query at most for them all).
    urls: Callable[[list[int]], dict[int, str]]
    # The states the state filter offers for this kind.
    states: tuple[tuple[str, Any], ...] = ()
    follows: tuple[Follow, ...] = ()
    # Whether the user may see every object of the kind (its selector returns
    # them all): a search then needs no condition on the objects' ids.
    sees_all: Callable[[UserLike], bool] | None = None
    # The objects of `visible_ids` as a condition on their documents' own
    # columns (`unit_id`, `object_id`), where what decides is kept on the
    # document (an object's unit, which the receivers keep in step): the
    # search then reads no other table for the kind. None: it is joined with
    # `visible_ids`.
    visible_documents: Callable[[UserLike], Q] | None = None


sources: Registry[Source] = Registry()


def source_for(model: type[Model]) -> Source | None:
    return next((source for source in sources if source.model is model), None)


def model_source(
    *,
    kind: str,
    label: Any,
    model: type[Model],
    selector: Callable[..., QuerySet[Any]],
    url_name: str,
    text: Callable[[Any], Text],
    url_field: str = "pk",
    related: tuple[str, ...] = (),
    states: tuple[tuple[str, Any], ...] = (),
    follows: tuple[Follow, ...] = (),
    sees_all: Callable[[UserLike], bool] | None = None,
    visible_documents: Callable[[UserLike], Q] | None = None,
) -> Source:
    """The source of a model: what `selector(user=...)` (its list's selector)
    returns is what the user may find; a hit's page is `url_name` with the
    object's `url_field` (its own key, or the key of the object whose page
    shows it: one query for a page of hits); `related` is what `text` reads
    of other rows, joined for a full reindex; `visible_documents` states the
    selector's condition on the documents, where it can be (see `Source`)."""

    def visible_ids(user: UserLike) -> QuerySet[Any]:
        return selector(user=user).values("pk")

    def urls(ids: list[int]) -> dict[int, str]:
        if url_field == "pk":
            return {pk: reverse(url_name, args=[pk]) for pk in ids}
        found = model._default_manager.filter(pk__in=ids).values_list("pk", url_field)
        return {pk: reverse(url_name, args=[target]) for pk, target in found}

    def indexed() -> QuerySet[Any]:
        return model._default_manager.select_related(*related)

    return Source(
        kind=kind,
        label=label,
        model=model,
        visible_ids=visible_ids,
        text=text,
        indexed=indexed,
        urls=urls,
        states=states,
        follows=follows,
        sees_all=sees_all,
        visible_documents=visible_documents,
    )


# Initiatives


def _sees_every_unit(user: UserLike) -> bool:
    # Every initiative, amendment and account belongs to a unit.
    return access.sees_every_unit(user)


def _visible_initiative_documents(user: UserLike) -> Q:
    return initiative_selectors.initiative_visibility(user=user, unit="unit_id", pk="object_id")


def _initiative_text(initiative: Initiative) -> Text:
    return Text(
        title=initiative.title,
        body="\n".join(part for part in (initiative.summary, initiative.kpis) if part),
        date=initiative.created_at,
        state=initiative.state,
        unit_id=initiative.business_unit_id,
    )


# Amendments


def _visible_amendment_documents(user: UserLike) -> Q:
    # The document keeps its initiative's unit (see the Follow below).
    return initiative_selectors.amendment_visibility(user=user, unit="unit_id")


def _changes_text(changes: dict[str, Any]) -> str:
    return " ".join(
        value if isinstance(value, str) else json.dumps(value) for value in changes.values()
    )


def _amendment_text(amendment: Amendment) -> Text:
    initiative = amendment.initiative
    return Text(
        title=initiative.title,
        body=f"{amendment.reason}\n{_changes_text(amendment.changes)}",
        date=amendment.created_at,
        state=amendment.state,
        unit_id=initiative.business_unit_id,
    )


def _amendments_of(initiative: Initiative) -> list[Amendment]:
    """The initiative's amendments, reading its title from the saved object."""
    found = list(Amendment.objects.filter(initiative_id=initiative.pk))
    for amendment in found:
        amendment.initiative = initiative
    return found


# Published policy versions


def _visible_versions(*, user: UserLike) -> QuerySet[PolicyVersion]:
    """Every published version of a visible policy for those who see every
    policy (its history is theirs); for everyone else, the version the policy's
    page shows them: the one in force, else the scheduled one."""
    shown = policy_selectors.shown_version_ids(user=user)
    if shown is None:
        return PolicyVersion.objects.all()
    return PolicyVersion.objects.filter(pk__in=shown)


def _sees_all_versions(user: UserLike) -> bool:
    return policy_selectors.sees_all_policies(user=user)


def _sees_all_entries(user: UserLike) -> bool:
    return user.is_authenticated and user.is_active and knowledge_rules.reads_all(user)


def _version_text(version: PolicyVersion) -> Text:
    return Text(
        title=f"{version.title} (v{version.version})",
        body=version.body,
        date=version.published_at,
    )


# Library entries


def _entry_text(entry: Entry) -> Text:
    return Text(
        title=entry.title,
        body="\n".join(part for part in (entry.summary, entry.body, entry.tags) if part),
        date=entry.published_at or entry.created_at,
        state=entry.state,
    )


# Social accounts


def _visible_account_documents(user: UserLike) -> Q:
    return account_selectors.account_visibility(user=user, unit="unit_id")


def _account_text(account: SocialAccount) -> Text:
    return Text(
        title=f"{account.get_channel_display()} {account.handle}",
        body="\n".join(part for part in (account.url, account.purpose) if part),
        date=account.created_at,
        state=account.state,
        unit_id=account.business_unit_id,
    )


def register_sources() -> None:
    found = [
        model_source(
            kind="initiative",
            label=_("Initiatives"),
            model=Initiative,
            selector=initiative_selectors.visible_initiatives,
            url_name="initiatives:detail",
            text=_initiative_text,
            states=tuple(InitiativeState.choices),
            sees_all=_sees_every_unit,
            visible_documents=_visible_initiative_documents,
        ),
        model_source(
            kind="amendment",
            label=_("Amendments"),
            model=Amendment,
            selector=initiative_selectors.visible_amendments,
            # An amendment is shown on its initiative's page.
            url_name="initiatives:detail",
            url_field="initiative_id",
            text=_amendment_text,
            related=("initiative",),
            states=tuple(AmendmentState.choices),
            follows=(Follow(Initiative, ("title", "business_unit_id"), _amendments_of),),
            sees_all=_sees_every_unit,
            visible_documents=_visible_amendment_documents,
        ),
        model_source(
            kind="policy",
            label=_("Policies"),
            model=PolicyVersion,
            selector=_visible_versions,
            url_name="policies:detail",
            url_field="policy_id",
            text=_version_text,
            sees_all=_sees_all_versions,
        ),
        model_source(
            kind="library_entry",
            label=_("Library entries"),
            model=Entry,
            selector=knowledge_selectors.visible_entries,
            url_name="knowledge:detail",
            text=_entry_text,
            states=tuple(EntryState.choices),
            sees_all=_sees_all_entries,
        ),
        model_source(
            kind="social_account",
            label=_("Social accounts"),
            model=SocialAccount,
            selector=account_selectors.visible_accounts,
            url_name="social_accounts:detail",
            text=_account_text,
            states=tuple(AccountState.choices),
            sees_all=_sees_every_unit,
            visible_documents=_visible_account_documents,
        ),
    ]
    for order, source in enumerate(found, start=1):
        sources.register(source.kind, source, order=order * 10)
