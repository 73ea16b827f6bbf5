"""Reads of initiatives, always through what the user may see."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import OrderBy
from django.utils import timezone
from django_fsm import Transition

from governance import access
from initiatives.models import Decision, Initiative, Rule, State

UserLike = AbstractBaseUser | AnonymousUser

# Every transition of the initiative, by name, with its rule.
TRANSITIONS: dict[str, Rule] = {
    t.name: t.custom["rule"]
    for t in Initiative._meta.get_field("state").get_all_transitions(Initiative)  # type: ignore[attr-defined]
}


@dataclass(frozen=True)
class Available:
    name: str
    target: str
    comment_required: bool


def visible_initiatives(user: UserLike) -> QuerySet[Initiative]:
    """The initiatives the user may see: those of units they may see."""
    return (
        Initiative.objects.filter(business_unit__in=access.visible_units(user))
        .select_related("business_unit", "owner")
        .prefetch_related("goals")
    )


def refusal(user: UserLike, initiative: Initiative, name: str) -> str | None:
    """Why the user may not take the transition, whatever the state; None if they may."""
    rule = TRANSITIONS[name]
    allowed = bool(rule.unit_perms & access.unit_codenames(user, initiative.business_unit_id))
    if not allowed and rule.owner_may:
        allowed = access.OWN in access.object_codenames(user, initiative)
    if not allowed:
        return f"You may not {name.replace('_', ' ')} this initiative."
    if rule.owner_barred and initiative.owner_id == user.pk:
        return "Separation of duties: nobody decides on an initiative they own."
    return None


def transition_target(initiative: Initiative, transition: Transition) -> str:
    return transition.target if isinstance(transition.target, str) else initiative.approval_target()


def available_transitions(user: UserLike, initiative: Initiative) -> list[Available]:
    """The transitions the user may take now, given the state and their rights."""
    unit_perms = access.unit_codenames(user, initiative.business_unit_id)
    own_perms: frozenset[str] | None = None
    result = []
    for transition in initiative.get_available_state_transitions():  # type: ignore[attr-defined]
        rule: Rule = transition.custom["rule"]
        if rule.owner_barred and initiative.owner_id == user.pk:
            continue
        allowed = bool(rule.unit_perms & unit_perms)
        if not allowed and rule.owner_may:
            if own_perms is None:
                own_perms = access.object_codenames(user, initiative)
            allowed = access.OWN in own_perms
        if allowed:
            result.append(
                Available(
                    transition.name,
                    transition_target(initiative, transition),
                    rule.comment_required,
                )
            )
    return result


def decisions_of(initiative: Initiative) -> QuerySet[Decision]:
    return initiative.decisions.select_related("actor").order_by("at", "id")


# The CoE's promise: a submitted initiative is reviewed within this many business days.
REVIEW_OVERDUE_BUSINESS_DAYS = 5
REVIEW_QUEUE_STATES = (State.SUBMITTED, State.IN_REVIEW)

# How a list may be ordered: the public key and the ordering it stands for.
SORTS: dict[str, tuple[str | OrderBy, ...]] = {
    "created": ("-created_at", "-id"),
    "title": ("title", "id"),
    "budget": (F("budget").desc(), "-id"),
    # Longest waiting first; initiatives never submitted come last.
    "waiting": (F("submitted_at").asc(nulls_last=True), "id"),
}


def _last(transition: str) -> Subquery:
    """When the initiative last took `transition`, from the decision log."""
    return Subquery(
        Decision.objects.filter(initiative=OuterRef("pk"), transition=transition)
        .order_by("-at", "-id")
        .values("at")[:1]
    )


def with_waiting(queryset: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """Annotate `submitted_at`: when the initiative was last submitted (a
    resubmission restarts the clock)."""
    return queryset.annotate(submitted_at=_last("submit"))


def review_queue(user: UserLike) -> QuerySet[Initiative]:
    """Submitted and in-review initiatives the user may see, oldest submission first."""
    return (
        with_waiting(visible_initiatives(user))
        .filter(state__in=REVIEW_QUEUE_STATES)
        .order_by(F("submitted_at").asc(nulls_last=True), "id")
    )


def awaiting_sponsor(user: UserLike) -> QuerySet[Initiative]:
    """Initiatives waiting for the user's sign-off: awaiting a sponsor in a unit
    they sponsor. Not their own (nobody decides on what they own). Annotated
    with `approved_at`, when the CoE approved it into sponsor sign-off."""
    return (
        visible_initiatives(user)
        .annotate(approved_at=_last("approve"))
        .filter(
            state=State.AWAITING_SPONSOR,
            business_unit__in=access.visible_units(user, access.SPONSOR),
        )
        .exclude(owner_id=user.pk)
        .order_by(F("approved_at").asc(nulls_last=True), "id")
    )


def search_initiatives(
    user: UserLike,
    *,
    state: str = "",
    business_unit: int | None = None,
    goal: int | None = None,
    text: str = "",
    sort: str = "created",
) -> QuerySet[Initiative]:
    """The visible initiatives matching every given filter, in the order `sort` names."""
    queryset = with_waiting(visible_initiatives(user))
    if state:
        queryset = queryset.filter(state=state)
    if business_unit:
        queryset = queryset.filter(business_unit_id=business_unit)
    if goal:
        # A subquery, not a join, so that an initiative with two goals is listed once.
        queryset = queryset.filter(
            pk__in=Initiative.goals.through.objects.filter(strategicgoal_id=goal).values(
                "initiative_id"
            )
        )
    if text:
        queryset = queryset.filter(Q(title__icontains=text) | Q(summary__icontains=text))
    return queryset.order_by(*SORTS.get(sort, SORTS["created"]))


def business_days_between(start: datetime.date, end: datetime.date) -> int:
    """Whole weekdays (Monday to Friday) after `start` up to and including `end`."""
    if end <= start:
        return 0
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    weekday = start.weekday()
    for offset in range(1, rest + 1):
        if (weekday + offset) % 7 < 5:
            count += 1
    return count


@dataclass(frozen=True)
class Waiting:
    days: int
    business_days: int

    @property
    def overdue(self) -> bool:
        return self.business_days > REVIEW_OVERDUE_BUSINESS_DAYS


def waiting(
    submitted_at: datetime.datetime | None, now: datetime.datetime | None = None
) -> Waiting | None:
    """How long an initiative submitted at `submitted_at` has waited, in the
    current time zone's calendar days and business days."""
    if submitted_at is None:
        return None
    now = now or timezone.now()
    start = timezone.localtime(submitted_at).date()
    end = timezone.localtime(now).date()
    return Waiting(days=max((end - start).days, 0), business_days=business_days_between(start, end))
