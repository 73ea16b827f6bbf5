"""Reads of committees. Everyone signed in sees which committees exist and who
sits on them; a committee's votes are seen by whoever may see the initiative
(its members are given that right when a vote opens). What a working group
owns is listed as far as the reader may see it."""

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from committees.models import (
    Case,
    CaseState,
    Committee,
    CommitteeMember,
    OwnedInitiative,
    OwnedPolicy,
    Vote,
)
from committees.services import is_recused
from governance import access
from initiatives import routing
from initiatives.models import Initiative
from initiatives.selectors import visible_initiatives
from policies.models import Policy
from policies.selectors import visible_policies

UserLike = User | AnonymousUser


def committees() -> QuerySet[Committee]:
    return Committee.objects.select_related("chair").annotate(
        member_count=Count("members", distinct=True),
        open_count=Count("cases", filter=Q(cases__state=CaseState.OPEN), distinct=True),
    )


def committee_or_404(*, pk: int) -> Committee:
    found = Committee.objects.select_related("chair").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def members_of(*, committee: Committee) -> QuerySet[CommitteeMember]:
    return committee.members.select_related("user", "business_unit")


def visible_cases(*, user: UserLike) -> QuerySet[Case]:
    return Case.objects.filter(initiative__in=visible_initiatives(user=user).values("pk"))


def agenda(*, user: UserLike, committee: Committee) -> QuerySet[Case]:
    """What awaits the committee (open votes), oldest first, as the user may see it."""
    return (
        visible_cases(user=user)
        .filter(committee=committee, state=CaseState.OPEN)
        .select_related("initiative__business_unit")
        .annotate(vote_count=Count("votes"))
        .order_by("opened_at", "id")
    )


def decided(*, user: UserLike, committee: Committee) -> QuerySet[Case]:
    return (
        visible_cases(user=user)
        .filter(committee=committee)
        .exclude(state=CaseState.OPEN)
        .select_related("initiative")
        .order_by("-closed_at", "-id")
    )


def case_or_404(*, user: UserLike, pk: int) -> Case:
    """The case, if the user may see its initiative; 404 otherwise."""
    found = (
        visible_cases(user=user)
        .select_related(
            "committee__chair", "initiative__business_unit", "closed_by", "amendment__proposed_by"
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def votes_of(*, case: Case) -> QuerySet[Vote]:
    return case.votes.select_related("voter")


def seat_of(*, user: UserLike, case: Case) -> CommitteeMember | None:
    if not user.is_authenticated:
        return None
    return case.committee.members.filter(user_id=user.pk).first()


def may_vote(*, user: UserLike, case: Case) -> bool:
    seat = seat_of(user=user, case=case)
    return (
        seat is not None
        and case.state == CaseState.OPEN
        and not is_recused(seat, case.initiative)
        and not case.votes.filter(voter_id=user.pk).exists()
    )


def approval_steps() -> list[tuple[str, Any]]:
    """The committees as steps a routing rule may name."""
    return [
        (routing.committee_step(pk), name)
        for pk, name in Committee.objects.order_by("name").values_list("pk", "name")
    ]


def owned_initiatives(*, user: UserLike, committee: Committee) -> QuerySet[Initiative]:
    """The initiatives the working group owns, as far as the user may see them."""
    return (
        visible_initiatives(user=user)
        .filter(owning_group__committee=committee)
        .prefetch_related(None)
        .order_by("title", "id")
    )


def owned_policies(*, user: UserLike, committee: Committee) -> QuerySet[Policy]:
    """The policies the working group owns, as far as the user may see them."""
    return (
        visible_policies(user=user)
        .filter(owning_group__committee=committee)
        .prefetch_related(None)
        .order_by("title", "id")
    )


def owning_group(*, obj: Initiative | Policy) -> Committee | None:
    """The working group that owns the initiative or policy, if any."""
    if isinstance(obj, Initiative):
        found: OwnedInitiative | OwnedPolicy | None = (
            OwnedInitiative.objects.select_related("committee").filter(initiative=obj).first()
        )
    else:
        found = OwnedPolicy.objects.select_related("committee").filter(policy_id=obj.pk).first()
    return found.committee if found is not None else None


def working_groups() -> QuerySet[Committee]:
    return Committee.objects.filter(kind=Committee.Kind.WORKING_GROUP).order_by("name")


def may_change_committees(*, user: UserLike) -> bool:
    """Who sets up committees, seats members and makes a group owner: the CoE lead."""
    return access.EDIT_ROUTING in access.organization_rights(user)
