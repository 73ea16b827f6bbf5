"""What waits for whom in the registry, as inbox task sources (registered with
governance.registry.task_sources): requests for the CoE lead to decide,
approved accounts for their owners to bring live, overdue recertifications
for the owners, and deactivated people's accounts and items for the CoE lead
to reassign. Each answers rows with exactly governance.registry.TASK_COLUMNS."""

from typing import Any

from django.contrib.auth.models import User
from django.db.models import (
    Case,
    CharField,
    DateField,
    DateTimeField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone

from governance import access
from social_accounts import selectors
from social_accounts.models import LIVE_STATES, Channel, Reassignment, SocialAccount, State

ACCOUNT = "social_accounts.socialaccount"
REASSIGNMENT = "social_accounts.reassignment"

DECIDE = "social_account.decide"
ACTIVATE = "social_account.activate"
RECERTIFY = "social_account.recertify"
REASSIGN = "social_account.reassign"


def _rows(
    queryset: QuerySet[Any],
    *,
    kind: str,
    label: Any,
    unit_name: Any,
    since: Any,
    due_on: Any = None,
    link_model: str,
) -> QuerySet[Any]:
    return queryset.order_by().values(
        kind=Value(kind, output_field=CharField()),
        object_id=Cast(F("pk"), IntegerField()),
        label=Cast(label, CharField()),
        unit_name=Cast(Value(None), CharField())
        if unit_name is None
        else Cast(unit_name, CharField()),
        since=Cast(since, DateTimeField()),
        on_behalf_of=Cast(Value(None), CharField()),
        due_on=Cast(Value(None), DateField()) if due_on is None else Cast(due_on, DateField()),
        link_model=Value(link_model, output_field=CharField()),
        link_id=Cast(F("pk"), IntegerField()),
    )


def _account_label() -> Any:
    """ "Instagram @acme": the channel's display label in the active language
    (the rows are one SQL union, so the label is chosen in the query)."""
    channel = Case(
        *(When(channel=value, then=Value(str(label))) for value, label in Channel.choices),
        default=F("channel"),
        output_field=CharField(),
    )
    return Concat(channel, Value(" "), F("handle"), output_field=CharField())


def accounts_to_decide(*, user: User) -> QuerySet[Any]:
    """Requested accounts in units where the user decides (the CoE lead)."""
    units = sorted(access.unit_rights(user).get(access.DECIDE, ()))
    return _rows(
        SocialAccount.objects.filter(state=State.REQUESTED, business_unit_id__in=units),
        kind=DECIDE,
        label=_account_label(),
        unit_name=F("business_unit__name"),
        since=F("created_at"),
        link_model=ACCOUNT,
    )


def accounts_to_activate(*, user: User) -> QuerySet[Any]:
    """Approved accounts the user owns: open them on the channel, then mark them live."""
    return _rows(
        SocialAccount.objects.filter(state=State.APPROVED).filter(
            Q(owner_id=user.pk) | Q(backup_owner_id=user.pk)
        ),
        kind=ACTIVATE,
        label=_account_label(),
        unit_name=F("business_unit__name"),
        since=F("updated_at"),
        link_model=ACCOUNT,
    )


def accounts_to_recertify(*, user: User) -> QuerySet[Any]:
    """Live accounts the user owns or backs up, past their recertification date."""
    return _rows(
        SocialAccount.objects.filter(
            state__in=LIVE_STATES, recertification_due__lt=timezone.localdate()
        ).filter(Q(owner_id=user.pk) | Q(backup_owner_id=user.pk)),
        kind=RECERTIFY,
        label=_account_label(),
        unit_name=F("business_unit__name"),
        since=F("recertification_due"),
        due_on=F("recertification_due"),
        link_model=ACCOUNT,
    )


def reassignments_to_do(*, user: User) -> QuerySet[Any]:
    """For the CoE lead: deactivated people whose accounts and items wait for new holders."""
    queryset = Reassignment.objects.filter(resolved_at__isnull=True)
    if not selectors.is_coe_lead(user):
        queryset = queryset.none()
    return _rows(
        queryset,
        kind=REASSIGN,
        label=F("user__username"),
        unit_name=None,
        since=F("created_at"),
        link_model=REASSIGNMENT,
    )


SOURCES = {
    DECIDE: accounts_to_decide,
    ACTIVATE: accounts_to_activate,
    RECERTIFY: accounts_to_recertify,
    REASSIGN: reassignments_to_do,
}

OBJECT_URLS = {
    ACCOUNT: lambda pk: reverse("social_accounts:detail", args=[pk]),
    REASSIGNMENT: lambda pk: reverse("social_accounts:reassignment", args=[pk]),
}
