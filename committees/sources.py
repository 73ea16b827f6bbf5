"""The inbox's task of a committee member: a vote that awaits them
(registered with governance.registry.task_sources)."""

from typing import Any

from django.contrib.auth.models import User
from django.db.models import (
    CharField,
    DateField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast
from django.urls import reverse

from committees.models import Case, CaseState, CommitteeMember

VOTE = "committee.vote"


def case_url(pk: int) -> str:
    return reverse("committees:case", args=[pk])


def votes_awaiting(*, user: User) -> QuerySet[Any]:
    """Open votes of the user's committees on which they have not voted and
    from which they are not recused (their unit does not own the initiative)."""
    recused = CommitteeMember.objects.filter(
        user_id=user.pk,
        committee_id=OuterRef("committee_id"),
        business_unit_id=OuterRef("initiative__business_unit_id"),
    )
    queryset = (
        Case.objects.filter(state=CaseState.OPEN, committee__members__user_id=user.pk)
        .exclude(votes__voter_id=user.pk)
        .exclude(Exists(recused))
    )
    return queryset.order_by().values(
        kind=Value(VOTE, output_field=CharField()),
        object_id=Cast(F("pk"), IntegerField()),
        label=Cast(F("initiative__title"), CharField()),
        unit_name=Cast(F("initiative__business_unit__name"), CharField()),
        since=Cast(F("opened_at"), DateTimeField()),
        on_behalf_of=Cast(Value(None), CharField()),
        due_on=Cast(Value(None), DateField()),
        link_model=Value("committees.case", output_field=CharField()),
        link_id=Cast(F("pk"), IntegerField()),
    )
