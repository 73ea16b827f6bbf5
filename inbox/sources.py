"""What waits for a user, one source per kind of task, registered with
governance.registry.task_sources (InboxConfig.ready()).

Each source answers a values() queryset with exactly the columns of
governance.registry.TASK_COLUMNS, unordered: the inbox unites them in one
query, so that the page and its count cost the same whatever the number of
tasks. Every source reads only what the user may see and may do, with the
rights the workflow checks (separation of duties included: nobody is asked
to decide on what they own, proposed or requested)."""

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.db.models import (
    Case,
    CharField,
    DateField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone

from committees.models import Case as CommitteeCase
from committees.models import CaseState
from governance import access
from governance.models import BusinessUnit
from initiatives.models import Amendment, AmendmentState, Decision, Initiative, State
from policies import selectors as policy_selectors
from policies.models import ExceptionState, PolicyException, PolicyVersion
from sponsors.models import Delegation

INITIATIVE = "initiatives.initiative"
POLICY = "policies.policy"

# The kinds of task.
REVIEW = "initiative.review"
SIGNOFF = "initiative.signoff"
RETURNED = "initiative.returned"
AMENDMENT_REVIEW = "amendment.review"
AMENDMENT_SIGNOFF = "amendment.signoff"
FINANCE = "initiative.finance"
AMENDMENT_FINANCE = "amendment.finance"
EXCEPTION = "exception.decide"
ACKNOWLEDGE = "policy.acknowledge"
POLICY_REVIEW = "policy.review"


def _text(value: Any) -> Any:
    return Value(value, output_field=CharField())


def _none(field: Any) -> Any:
    # Typed, so that PostgreSQL can unite it with the other sources' values.
    return Cast(Value(None), field)


def _row(
    queryset: QuerySet[Any],
    *,
    kind: str,
    label: Any,
    unit_name: Any,
    waiting_since: Any,
    on_behalf_of: Any = None,
    due_on: Any = None,
    link_model: str,
    link_id: Any,
) -> QuerySet[Any]:
    """The queryset as task rows, in TASK_COLUMNS' order."""
    return queryset.order_by().values(
        kind=_text(kind),
        object_id=Cast(F("pk"), IntegerField()),
        label=Cast(label, CharField()),
        unit_name=_none(CharField()) if unit_name is None else Cast(unit_name, CharField()),
        since=Cast(waiting_since, DateTimeField()),
        on_behalf_of=_none(CharField()) if on_behalf_of is None else on_behalf_of,
        due_on=_none(DateField()) if due_on is None else due_on,
        link_model=_text(link_model),
        link_id=Cast(link_id, IntegerField()),
    )


def _delegator(unit_ref: str, *, user: User, day: datetime.date) -> Subquery:
    """The user name of the sponsor who delegated their sign-off on the unit to the user."""
    return Subquery(
        Delegation.objects.filter(
            delegate_id=user.pk,
            starts_on__lte=day,
            ends_on__gte=day,
            ended_at__isnull=True,
            sponsor__business_units__id=OuterRef(unit_ref),
        )
        .order_by("starts_on", "id")
        .values("sponsor__user__username")[:1],
        output_field=CharField(),
    )


def _on_behalf_of(unit_field: str, *, user: User, own_units: set[int]) -> Any:
    """None where the user signs off in their own right, else their delegator."""
    return Case(
        When(**{f"{unit_field}__in": sorted(own_units)}, then=_none(CharField())),
        default=_delegator(unit_field, user=user, day=timezone.localdate()),
        output_field=CharField(),
    )


def _unit_ids(user: User, codename: str) -> set[int]:
    return set(access.unit_rights(user).get(codename, ()))


def _signable(field: str, user: User) -> Q:
    """In a unit the user sponsors, or signs off for today as a delegate (a
    subquery: no query of its own)."""
    return Q(**{f"{field}__in": sorted(_unit_ids(user, access.SPONSOR))}) | Q(
        **{f"{field}__in": access.delegated_unit_ids(user)}
    )


def initiatives_to_review(*, user: User) -> QuerySet[Any]:
    """Submitted or in review, in a unit where the user reviews or decides."""
    reviewable, decidable = _unit_ids(user, access.REVIEW), _unit_ids(user, access.DECIDE)
    queryset = Initiative.objects.filter(
        Q(state=State.SUBMITTED, business_unit_id__in=sorted(reviewable))
        | Q(state=State.IN_REVIEW, business_unit_id__in=sorted(reviewable | decidable))
    ).exclude(owner_id=user.pk)
    return _row(
        queryset,
        kind=REVIEW,
        label=F("title"),
        unit_name=F("business_unit__name"),
        waiting_since=Coalesce(F("waiting_since"), F("created_at")),
        link_model=INITIATIVE,
        link_id=F("pk"),
    )


def initiatives_to_sign_off(*, user: User) -> QuerySet[Any]:
    """Awaiting the sponsor, in a unit the user sponsors or signs off for as a delegate."""
    own = _unit_ids(user, access.SPONSOR)
    queryset = (
        Initiative.objects.filter(_signable("business_unit_id", user))
        .filter(state=State.AWAITING_SPONSOR)
        .exclude(owner_id=user.pk)
    )
    return _row(
        queryset,
        kind=SIGNOFF,
        label=F("title"),
        unit_name=F("business_unit__name"),
        waiting_since=Coalesce(F("waiting_since"), F("created_at")),
        on_behalf_of=_on_behalf_of("business_unit_id", user=user, own_units=own),
        link_model=INITIATIVE,
        link_id=F("pk"),
    )


def initiatives_returned(*, user: User) -> QuerySet[Any]:
    """The user's own initiatives that came back with changes requested."""
    returned_at = Subquery(
        Decision.objects.filter(
            initiative=OuterRef("pk"), amendment__isnull=True, target=State.CHANGES_REQUESTED
        )
        .order_by("-at", "-id")
        .values("at")[:1]
    )
    queryset = Initiative.objects.filter(
        owner_id=user.pk,
        state=State.CHANGES_REQUESTED,
        business_unit_id__in=access.visible_unit_ids(user),
    )
    return _row(
        queryset,
        kind=RETURNED,
        label=F("title"),
        unit_name=F("business_unit__name"),
        waiting_since=Coalesce(returned_at, F("updated_at")),
        link_model=INITIATIVE,
        link_id=F("pk"),
    )


def _amendment_wait(target: str = AmendmentState.AWAITING_SPONSOR) -> Any:
    """Since the amendment reached `target` (else since it was proposed)."""
    latest = (
        Decision.objects.filter(amendment=OuterRef("pk"), target=target)
        .order_by("-at", "-id")
        .values("at")[:1]
    )
    return Coalesce(Subquery(latest), F("created_at"))


def amendments_to_review(*, user: User) -> QuerySet[Any]:
    """Amendments submitted or in review, in a unit where the user reviews or decides."""
    reviewable, decidable = _unit_ids(user, access.REVIEW), _unit_ids(user, access.DECIDE)
    queryset = Amendment.objects.filter(
        Q(state=AmendmentState.SUBMITTED, initiative__business_unit_id__in=sorted(reviewable))
        | Q(
            state=AmendmentState.IN_REVIEW,
            initiative__business_unit_id__in=sorted(reviewable | decidable),
        )
    ).exclude(Q(proposed_by_id=user.pk) | Q(initiative__owner_id=user.pk))
    return _row(
        queryset,
        kind=AMENDMENT_REVIEW,
        label=F("initiative__title"),
        unit_name=F("initiative__business_unit__name"),
        waiting_since=F("created_at"),
        link_model=INITIATIVE,
        link_id=F("initiative_id"),
    )


def amendments_to_sign_off(*, user: User) -> QuerySet[Any]:
    """Amendments awaiting the sponsor of a unit the user signs off for."""
    own = _unit_ids(user, access.SPONSOR)
    queryset = (
        Amendment.objects.filter(_signable("initiative__business_unit_id", user))
        .filter(state=AmendmentState.AWAITING_SPONSOR)
        .exclude(Q(proposed_by_id=user.pk) | Q(initiative__owner_id=user.pk))
    )
    return _row(
        queryset,
        kind=AMENDMENT_SIGNOFF,
        label=F("initiative__title"),
        unit_name=F("initiative__business_unit__name"),
        waiting_since=_amendment_wait(),
        on_behalf_of=_on_behalf_of("initiative__business_unit_id", user=user, own_units=own),
        link_model=INITIATIVE,
        link_id=F("initiative_id"),
    )


def _approves_finance(user: User) -> bool:
    return access.FINANCE_SIGNOFF in access.organization_rights(user)


def _vote_open(**link: Any) -> Exists:
    """A committee vote is open on it: the step it waits for is the committee's."""
    return Exists(CommitteeCase.objects.filter(state=CaseState.OPEN, **link))


def initiatives_for_finance(*, user: User) -> QuerySet[Any]:
    """Awaiting the finance step of their chain (awaiting approval with no
    committee vote open), for a finance approver who does not own them."""
    queryset = (
        Initiative.objects.filter(state=State.AWAITING_APPROVAL)
        .exclude(owner_id=user.pk)
        .exclude(_vote_open(initiative_id=OuterRef("pk"), amendment__isnull=True))
    )
    if not _approves_finance(user):
        queryset = queryset.none()
    return _row(
        queryset,
        kind=FINANCE,
        label=F("title"),
        unit_name=F("business_unit__name"),
        waiting_since=Coalesce(F("waiting_since"), F("created_at")),
        link_model=INITIATIVE,
        link_id=F("pk"),
    )


def amendments_for_finance(*, user: User) -> QuerySet[Any]:
    """Amendments awaiting the finance step of their chain, for a finance approver."""
    queryset = (
        Amendment.objects.filter(state=AmendmentState.AWAITING_APPROVAL)
        .exclude(Q(proposed_by_id=user.pk) | Q(initiative__owner_id=user.pk))
        .exclude(_vote_open(amendment_id=OuterRef("pk")))
    )
    if not _approves_finance(user):
        queryset = queryset.none()
    return _row(
        queryset,
        kind=AMENDMENT_FINANCE,
        label=F("initiative__title"),
        unit_name=F("initiative__business_unit__name"),
        waiting_since=_amendment_wait(AmendmentState.AWAITING_APPROVAL),
        link_model=INITIATIVE,
        link_id=F("initiative_id"),
    )


def exceptions_to_decide(*, user: User) -> QuerySet[Any]:
    """Requested exceptions, for those who decide them; not their own requests
    nor those for their own initiatives."""
    queryset = PolicyException.objects.filter(state=ExceptionState.REQUESTED).exclude(
        Q(requested_by_id=user.pk) | Q(initiative__owner_id=user.pk)
    )
    if access.DECIDE_EXCEPTIONS not in access.organization_rights(user):
        queryset = queryset.none()
    return _row(
        queryset,
        kind=EXCEPTION,
        label=F("policy__title"),
        unit_name=F("initiative__business_unit__name"),
        waiting_since=F("requested_at"),
        link_model=INITIATIVE,
        link_id=F("initiative_id"),
    )


def policies_to_acknowledge(*, user: User) -> QuerySet[Any]:
    """Policies in force for the user's units whose version in force they have
    not acknowledged, waiting since that version was published."""
    published_at = Subquery(
        PolicyVersion.objects.filter(pk=OuterRef("version_in_force_id")).values("published_at")[:1]
    )
    unit_ids = access.visible_unit_ids(user, access.PROPOSE)
    queryset = policy_selectors.unacknowledged_in_force(
        user=user, units=BusinessUnit.objects.filter(pk__in=unit_ids)
    )
    if not unit_ids:
        # A policy for every unit is not one for someone outside them all.
        queryset = queryset.none()
    return _row(
        queryset,
        kind=ACKNOWLEDGE,
        label=F("title"),
        unit_name=None,
        waiting_since=Coalesce(published_at, F("updated_at")),
        link_model=POLICY,
        link_id=F("pk"),
    )


def policies_to_review(*, user: User) -> QuerySet[Any]:
    """Policies the user owns whose review date has passed."""
    queryset = policy_selectors.overdue_policies().filter(owner_id=user.pk)
    return _row(
        queryset,
        kind=POLICY_REVIEW,
        label=F("title"),
        unit_name=None,
        waiting_since=F("next_review_due"),
        due_on=F("next_review_due"),
        link_model=POLICY,
        link_id=F("pk"),
    )


SOURCES: dict[str, Callable[..., QuerySet[Any]]] = {
    REVIEW: initiatives_to_review,
    SIGNOFF: initiatives_to_sign_off,
    RETURNED: initiatives_returned,
    AMENDMENT_REVIEW: amendments_to_review,
    AMENDMENT_SIGNOFF: amendments_to_sign_off,
    FINANCE: initiatives_for_finance,
    AMENDMENT_FINANCE: amendments_for_finance,
    EXCEPTION: exceptions_to_decide,
    ACKNOWLEDGE: policies_to_acknowledge,
    POLICY_REVIEW: policies_to_review,
}


OBJECT_URLS: dict[str, Callable[[int], str]] = {
    INITIATIVE: lambda pk: reverse("initiatives:detail", args=[pk]),
    POLICY: lambda pk: reverse("policies:detail", args=[pk]),
}
