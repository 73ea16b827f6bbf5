"""Email to whoever must act next, sent by a task after the decision commits. A
failure to send is logged and retried, and never undoes or blocks the decision.

The same people hear of it in the app too: each act here also sends
governance.signals.notify (with `email=False`: the email is sent from here,
to those who did not switch this kind of email off)."""

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from governance import mail, signals
from governance.models import OrganizationRole
from initiatives.models import Amendment, Decision, Initiative
from sponsors.models import NotificationKind


def reachable(users: QuerySet[User], kind: str = NotificationKind.DECISIONS) -> QuerySet[User]:
    """Active users with an address who have not switched email, or email of
    this kind (a NotificationKind), off."""
    return (
        users.filter(is_active=True)
        .exclude(email="")
        .exclude(notification_preference__email_enabled=False)
        .exclude(**{f"notification_preference__email_{NotificationKind(kind)}": False})
    )


def emailable(*, user_ids: list[int], kind: str) -> set[int]:
    """governance.registry.email_choices: the users `reachable` by email of `kind`."""
    users = get_user_model().objects.filter(pk__in=user_ids)
    return set(reachable(users, kind).values_list("pk", flat=True))


def tell(
    *, recipients: Iterable[User], actor: User | None, target: Any, event: str, text: Any
) -> None:
    """The in-app side of an email sent from here (governance.signals.notify)."""
    signals.notify.send(
        sender=None,
        recipients=recipients,
        actor=actor,
        target=target,
        event=event,
        text=text,
        email=False,
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
    subject: mail.Subject,
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

# The event of the in-app notification for each headline.
EVENTS = {
    "submit": "initiative.submitted",
    "awaiting_sponsor": "initiative.awaiting_sponsor",
    "owner": "initiative.decided",
}


def _subject(title: str, headline: Any) -> str:
    return f"{title}: {headline}"


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
        told = [u for u in users.filter(is_active=True) if u.pk not in seen]
        seen |= {u.pk for u in told}
        tell(
            recipients=told,
            actor=decision.actor,
            target=initiative,
            event=EVENTS[key],
            text=HEADLINES[key],
        )
        mailed = {u.pk for u in reachable(users)}
        send_after_commit(
            key=f"decision:{decision.pk}:{key}",
            recipients=[u for u in told if u.pk in mailed],
            template="decision",
            context=context | {"headline": HEADLINES[key]},
            subject=partial(_subject, initiative.title, HEADLINES[key]),
        )


def amendment_proposed(*, amendment: Amendment) -> None:
    """The CoE reviews amendments as it reviews initiatives."""
    title = amendment.initiative.title
    tell(
        recipients=[
            u for u in coe_users().filter(is_active=True) if u.pk != amendment.proposed_by_id
        ],
        actor=amendment.proposed_by,
        target=amendment.initiative,
        event="amendment.proposed",
        text=_("An amendment awaits CoE review."),
    )
    send_after_commit(
        key=f"amendment:{amendment.pk}:proposed",
        recipients=[u for u in reachable(coe_users()) if u.pk != amendment.proposed_by_id],
        template="amendment",
        context={"amendment": amendment, "initiative": amendment.initiative},
        subject=lambda: gettext("An amendment awaits CoE review: %(title)s") % {"title": title},
    )


def on_transition_taken(
    sender: type[Initiative | Amendment], *, decision: Decision, **kwargs: Any
) -> None:
    """Receiver of governance.signals.transition_taken for initiatives and amendments."""
    decision_made(initiative=decision.initiative, decision=decision)


def on_amendment_proposed(sender: type[Amendment], *, amendment: Amendment, **kwargs: Any) -> None:
    """Receiver of initiatives.signals.amendment_proposed."""
    amendment_proposed(amendment=amendment)
