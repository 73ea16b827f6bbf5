"""Email to whoever must act next, sent by a task after the decision commits. A
failure to send is logged and retried, and never undoes or blocks the decision."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from governance import mail
from governance.models import OrganizationRole
from initiatives.models import Amendment, Decision, Initiative


def reachable(users: QuerySet[User]) -> QuerySet[User]:
    """Active users with an address who have not switched email off."""
    return (
        users.filter(is_active=True)
        .exclude(email="")
        .exclude(notification_preference__email_enabled=False)
    )


def coe_users() -> QuerySet[User]:
    roles = [OrganizationRole.Role.COE_LEAD, OrganizationRole.Role.COE_MEMBER]
    return get_user_model().objects.filter(organization_roles__role__in=roles).distinct()


def sponsors_and_delegates(unit_id: int) -> QuerySet[User]:
    today = timezone.localdate()
    return (
        get_user_model()
        .objects.filter(
            Q(sponsor_profile__business_units__id=unit_id)
            | Q(
                delegations_received__sponsor__business_units__id=unit_id,
                delegations_received__starts_on__lte=today,
                delegations_received__ends_on__gte=today,
                delegations_received__ended_at__isnull=True,
            )
        )
        .distinct()
    )


def send_after_commit(
    *,
    key: str,
    recipients: Iterable[User],
    template: str,
    context: dict[str, object],
    subject: str,
) -> None:
    """Render now, send after commit through the outbox (governance.mail): once
    per recipient and `key`, by a task; send failures are retried there and never
    undo the decision."""
    mail.outbox_add(
        key=key, recipients=recipients, template=template, context=context, subject=subject
    )


HEADLINES = {
    "submit": _("A new initiative was submitted for CoE review."),
    "awaiting_sponsor": _("An initiative awaits your sign-off."),
    "owner": _("A decision was taken on your initiative."),
}


def decision_made(*, initiative: Initiative, decision: Decision) -> None:
    """Tell whoever must act next, and the owner of every decision on their initiative."""
    context = {"initiative": initiative, "decision": decision}
    actor_id = decision.actor_id
    targets: dict[str, QuerySet[User]] = {}
    if decision.amendment_id is None and decision.transition == "submit":
        targets["submit"] = coe_users()
    if decision.target == "awaiting_sponsor":
        targets["awaiting_sponsor"] = sponsors_and_delegates(initiative.business_unit_id)
    targets["owner"] = get_user_model().objects.filter(pk=initiative.owner_id)
    seen: set[int] = {actor_id}
    for key, users in targets.items():
        recipients = [u for u in reachable(users) if u.pk not in seen]
        seen |= {u.pk for u in recipients}
        send_after_commit(
            key=f"decision:{decision.pk}:{key}",
            recipients=recipients,
            template="decision",
            context=context | {"headline": HEADLINES[key]},
            subject=f"{initiative.title}: {HEADLINES[key]}",
        )


def amendment_proposed(*, amendment: Amendment) -> None:
    """The CoE reviews amendments as it reviews initiatives."""
    send_after_commit(
        key=f"amendment:{amendment.pk}:proposed",
        recipients=[u for u in reachable(coe_users()) if u.pk != amendment.proposed_by_id],
        template="amendment",
        context={"amendment": amendment, "initiative": amendment.initiative},
        subject=gettext("An amendment awaits CoE review: %(title)s")
        % {"title": amendment.initiative.title},
    )


def on_transition_taken(
    sender: type[Initiative | Amendment], *, decision: Decision, **kwargs: Any
) -> None:
    """Receiver of governance.signals.transition_taken for initiatives and amendments."""
    decision_made(initiative=decision.initiative, decision=decision)


def on_amendment_proposed(sender: type[Amendment], *, amendment: Amendment, **kwargs: Any) -> None:
    """Receiver of initiatives.signals.amendment_proposed."""
    amendment_proposed(amendment=amendment)
