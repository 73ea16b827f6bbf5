"""The kinds of thing search finds. Each source names its model, which of its
objects a user may see (the very selector its list uses, so search shows
nothing the lists would not), the text it indexes and the page of a hit.

The search app sits above every other app and registers a source for each
(`register_sources`); a new kind is one `Source` more, with its list's
selector, as the library's entries and the social accounts are."""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import BigIntegerField, Model, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from governance.registry import Registry
from initiatives import selectors as initiative_selectors
from initiatives.models import Amendment, AmendmentState, Initiative
from initiatives.models import State as InitiativeState
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


sources: Registry[Source] = Registry()


def source_for(model: type[Model]) -> Source | None:
    return next((source for source in sources if source.model is model), None)


# Initiatives


def _visible_initiatives(user: UserLike) -> QuerySet[Any]:
    return initiative_selectors.visible_initiatives(user=user).values("pk")


def _initiative_text(initiative: Initiative) -> Text:
    return Text(
        title=initiative.title,
        body="\n".join(part for part in (initiative.summary, initiative.kpis) if part),
        date=initiative.created_at,
        state=initiative.state,
        unit_id=initiative.business_unit_id,
    )


# Amendments


def _visible_amendments(user: UserLike) -> QuerySet[Any]:
    return initiative_selectors.visible_amendments(user=user).values("pk")


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


def _initiative_urls(ids: list[int]) -> dict[int, str]:
    return {pk: reverse("initiatives:detail", args=[pk]) for pk in ids}


def _amendment_urls(ids: list[int]) -> dict[int, str]:
    """An amendment is shown on its initiative's page."""
    found = Amendment.objects.filter(pk__in=ids).values_list("pk", "initiative_id")
    return {pk: reverse("initiatives:detail", args=[initiative]) for pk, initiative in found}


# Published policy versions


def _visible_versions(user: UserLike) -> QuerySet[Any]:
    """Every published version of a visible policy for those who see every
    policy (its history is theirs); for everyone else, the version the policy's
    page shows them: the one in force, else the scheduled one."""
    policies = policy_selectors.visible_policies(user=user)
    if policy_selectors.sees_all_policies(user=user):
        return PolicyVersion.objects.filter(policy__in=policies.values("pk")).values("pk")
    return policies.annotate(
        shown_version_id=Coalesce(
            "version_in_force_id", "current_version_id", output_field=BigIntegerField()
        )
    ).values("shown_version_id")


def _version_text(version: PolicyVersion) -> Text:
    return Text(
        title=f"{version.title} (v{version.version})",
        body=version.body,
        date=version.published_at,
    )


def _version_urls(ids: list[int]) -> dict[int, str]:
    found = PolicyVersion.objects.filter(pk__in=ids).values_list("pk", "policy_id")
    return {pk: reverse("policies:detail", args=[policy]) for pk, policy in found}


# Library entries


def _visible_entries(user: UserLike) -> QuerySet[Any]:
    return knowledge_selectors.visible_entries(user=user).values("pk")


def _entry_text(entry: Entry) -> Text:
    return Text(
        title=entry.title,
        body="\n".join(part for part in (entry.summary, entry.body, entry.tags) if part),
        date=entry.published_at or entry.created_at,
        state=entry.state,
    )


def _entry_urls(ids: list[int]) -> dict[int, str]:
    return {pk: reverse("knowledge:detail", args=[pk]) for pk in ids}


# Social accounts


def _visible_accounts(user: UserLike) -> QuerySet[Any]:
    return account_selectors.visible_accounts(user=user).values("pk")


def _account_text(account: SocialAccount) -> Text:
    return Text(
        title=f"{account.get_channel_display()} {account.handle}",
        body="\n".join(part for part in (account.url, account.purpose) if part),
        date=account.created_at,
        state=account.state,
        unit_id=account.business_unit_id,
    )


def _account_urls(ids: list[int]) -> dict[int, str]:
    return {pk: reverse("social_accounts:detail", args=[pk]) for pk in ids}


def register_sources() -> None:
    sources.register(
        "initiative",
        Source(
            kind="initiative",
            label=_("Initiatives"),
            model=Initiative,
            visible_ids=_visible_initiatives,
            text=_initiative_text,
            indexed=lambda: Initiative.objects.all(),
            urls=_initiative_urls,
            states=tuple(InitiativeState.choices),
        ),
        order=10,
    )
    sources.register(
        "amendment",
        Source(
            kind="amendment",
            label=_("Amendments"),
            model=Amendment,
            visible_ids=_visible_amendments,
            text=_amendment_text,
            indexed=lambda: Amendment.objects.select_related("initiative"),
            urls=_amendment_urls,
            states=tuple(AmendmentState.choices),
        ),
        order=20,
    )
    sources.register(
        "policy",
        Source(
            kind="policy",
            label=_("Policies"),
            model=PolicyVersion,
            visible_ids=_visible_versions,
            text=_version_text,
            indexed=lambda: PolicyVersion.objects.all(),
            urls=_version_urls,
        ),
        order=30,
    )
    sources.register(
        "library_entry",
        Source(
            kind="library_entry",
            label=_("Library entries"),
            model=Entry,
            visible_ids=_visible_entries,
            text=_entry_text,
            indexed=lambda: Entry.objects.all(),
            urls=_entry_urls,
            states=tuple(EntryState.choices),
        ),
        order=40,
    )
    sources.register(
        "social_account",
        Source(
            kind="social_account",
            label=_("Social accounts"),
            model=SocialAccount,
            visible_ids=_visible_accounts,
            text=_account_text,
            indexed=lambda: SocialAccount.objects.all(),
            urls=_account_urls,
            states=tuple(AccountState.choices),
        ),
        order=50,
    )
