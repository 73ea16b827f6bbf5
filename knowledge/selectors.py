"""Reads of the library. `visible_entries` is the one answer to "which entries
may this user read": the list, the detail page, the API, related reading and
the digest all start from it."""

import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from governance import access
from governance.models import Membership
from initiatives import selectors as initiative_selectors
from initiatives.models import Initiative
from knowledge import rules
from knowledge.models import Audience, Entry, State, UsefulMark
from knowledge.rules import UserLike
from policies import selectors as policy_selectors
from policies.models import Policy

RELATED_LIMIT = 10


def readable_by_units(*, unit_ids: list[int]) -> Q:
    """Published entries for the whole organization, or for one of the units.
    Someone who sees no unit at all is not of the organization (as with
    policies): they read nothing but their own proposals."""
    if not unit_ids:
        return Q(pk__in=[])
    shown_to = Entry.audience_units.through.objects.filter(
        entry_id=OuterRef("pk"), businessunit_id__in=unit_ids
    )
    return Q(state=State.PUBLISHED) & (Q(audience=Audience.ORGANIZATION) | Q(Exists(shown_to)))


def visible_entries(*, user: UserLike) -> QuerySet[Entry]:
    """The entries the user may read: every entry for the CoE and auditors;
    for everyone else the published entries meant for the whole organization
    (when they see a unit at all) or for a unit they see, and their own
    proposals."""
    entries = Entry.objects.all()
    if not user.is_authenticated or not user.is_active:
        return entries.none()
    if rules.reads_all(user):
        return entries
    return entries.filter(
        readable_by_units(unit_ids=access.visible_unit_ids(user)) | Q(owner_id=user.pk)
    )


def as_listed(*, entries: QuerySet[Entry], user: UserLike) -> QuerySet[Entry]:
    """The entries as lists show them: owner read with the row, useful count and
    whether the user marked it, without a query per row."""
    mine = UsefulMark.objects.filter(entry_id=OuterRef("pk"), user_id=user.pk or 0)
    return (
        entries.select_related("owner")
        .annotate(useful_count=Count("useful_marks", distinct=True), marked_useful=Exists(mine))
        .order_by("-published_at", "-created_at", "-id")
    )


def library(*, user: UserLike, kind: str = "", state: str = "", tag: str = "") -> QuerySet[Entry]:
    """The library list, filtered; its query count does not grow with its rows."""
    entries = visible_entries(user=user)
    if kind:
        entries = entries.filter(kind=kind)
    if state:
        entries = entries.filter(state=state)
    if tag:
        entries = entries.filter(tags__icontains=tag.strip().lower())
    return as_listed(entries=entries, user=user)


def entry_for(*, user: UserLike, pk: int) -> Entry | None:
    """One entry as its page shows it, or None when the user may not read it."""
    return (
        as_listed(entries=visible_entries(user=user), user=user)
        .prefetch_related("units", "goals", "audience_units")
        .filter(pk=pk)
        .first()
    )


def related_of_entry(*, entry: Entry, user: UserLike) -> dict[str, list[Any]]:
    """What an entry links to, as far as the user may see it."""
    policies = policy_selectors.visible_policies(user=user).filter(library_entries=entry)
    initiatives = initiative_selectors.visible_initiatives(user=user).filter(library_entries=entry)
    entries = visible_entries(user=user).filter(related=entry).exclude(pk=entry.pk)
    return {
        "policies": list(policies.order_by("title")[:RELATED_LIMIT]),
        "initiatives": list(initiatives.order_by("title")[:RELATED_LIMIT]),
        "entries": list(entries.order_by("title")[:RELATED_LIMIT]),
    }


def related_reading(*, obj: Policy | Initiative, user: UserLike) -> list[Entry]:
    """The published entries linked to a policy or an initiative that the user may read."""
    entries = visible_entries(user=user).filter(state=State.PUBLISHED)
    if isinstance(obj, Policy):
        entries = entries.filter(policies=obj)
    else:
        entries = entries.filter(initiatives__id=obj.pk)
    return list(entries.order_by("title")[:RELATED_LIMIT])


def user_unit_ids(*, user: UserLike) -> list[int]:
    """The units the user works in (member or lead)."""
    return list(
        Membership.objects.filter(user_id=user.pk or 0).values_list("business_unit_id", flat=True)
    )


def digest_for(*, user: UserLike, since: datetime.datetime) -> list[Entry]:
    """New in the library for the user since `since`: published entries they
    may read that concern one of their units, a goal their units' initiatives
    serve, or no unit or goal in particular."""
    unit_ids = user_unit_ids(user=user)
    goal_ids = (
        Initiative.objects.filter(business_unit_id__in=unit_ids)
        .values_list("goals", flat=True)
        .distinct()
    )
    concerns_units = Entry.units.through.objects.filter(entry_id=OuterRef("pk"))
    concerns_goals = Entry.goals.through.objects.filter(entry_id=OuterRef("pk"))
    concerns = (
        (~Exists(concerns_units) & ~Exists(concerns_goals))
        | Exists(concerns_units.filter(businessunit_id__in=unit_ids))
        | Exists(concerns_goals.filter(strategicgoal_id__in=goal_ids))
    )
    return list(
        visible_entries(user=user)
        .filter(state=State.PUBLISHED, published_at__gte=since)
        .filter(concerns)
        .order_by("-published_at", "-id")
    )


def week_start(*, day: datetime.date | None = None) -> datetime.date:
    day = day or timezone.localdate()
    return day - datetime.timedelta(days=day.weekday())


def audit_links(*, user: UserLike, ids: list[str]) -> dict[str, str]:
    """The audit page's links to the entries the user may read."""
    from django.urls import reverse

    numeric = [int(i) for i in ids if i.isdigit()]
    visible = visible_entries(user=user).filter(pk__in=numeric).values_list("pk", flat=True)
    return {str(pk): reverse("knowledge:detail", args=[pk]) for pk in visible}
