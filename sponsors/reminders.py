"""Daily digests of overdue review items for the people who must act on them."""

import datetime
from collections import defaultdict
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import ngettext

from initiatives.models import Initiative, State
from initiatives.selectors import COE_STATES, waiting
from sponsors import notifications
from sponsors.models import NotificationKind, ReminderLog

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from sponsors.selectors import Overdue


def digests(today: datetime.date) -> "dict[User, list[WithAnnotations[Initiative, Overdue]]]":
    """Overdue items by the person who must act: the CoE for reviews, the unit's
    sponsors and their active delegates for sign-offs. Owners are left out of
    the items they own (they may not decide on them)."""
    pending = cast(
        "QuerySet[WithAnnotations[Initiative, Overdue]]",
        Initiative.objects.filter(state__in=[*COE_STATES, State.AWAITING_SPONSOR])
        .select_related("business_unit", "owner")
        .order_by("created_at", "id"),
    )
    overdue = []
    for item in pending:
        item.wait = waiting(initiative=item, today=today)
        if item.wait.overdue:
            overdue.append(item)
    if not overdue:
        return {}
    coe = list(notifications.coe_users().filter(is_active=True))
    by_unit: dict[int, list[User]] = {}
    result: dict[User, list[WithAnnotations[Initiative, Overdue]]] = defaultdict(list)
    for item in overdue:
        if item.state == State.AWAITING_SPONSOR:
            if item.business_unit_id not in by_unit:
                by_unit[item.business_unit_id] = list(
                    notifications.sponsors_and_delegates(item.business_unit_id).filter(
                        is_active=True
                    )
                )
            people = by_unit[item.business_unit_id]
        else:
            people = coe
        for person in people:
            if person.pk != item.owner_id:
                result[person].append(item)
    return dict(result)


def record_and_send(*, user: User, items: list[Any], day: datetime.date) -> bool:
    """Send the user's digest unless today's was sent already: in the app, and
    by email unless they switched reminders off. Runs inside a transaction: the
    log row, the notification and the email (after commit) go together."""
    if ReminderLog.objects.filter(user=user, day=day).exists():
        return False
    ReminderLog.objects.create(user=user, day=day, items=len(items))

    def subject() -> str:
        return ngettext(
            "%(count)d overdue review item awaits your decision",
            "%(count)d overdue review items await your decision",
            len(items),
        ) % {"count": len(items)}

    notifications.tell(
        recipients=[user], actor=None, target=None, event="reminder.overdue", text=subject
    )
    if notifications.reachable(
        User.objects.filter(pk=user.pk), NotificationKind.REMINDERS
    ).exists():
        notifications.send_after_commit(
            key=f"reminder:{day.isoformat()}",
            recipients=[user],
            template="reminder",
            context={"items": items},
            subject=subject,
        )
    return True


def send_all(today: datetime.date) -> tuple[int, int]:
    """Each person's digest for `today`, each in its own transaction; returns
    (sent, already sent). Safe to run again, and concurrently."""
    sent = skipped = 0
    for user, items in digests(today).items():
        try:
            with transaction.atomic():
                if record_and_send(user=user, items=items, day=today):
                    sent += 1
                else:
                    skipped += 1
        except IntegrityError:
            # Another run sent today's digest to this person first.
            skipped += 1
    return sent, skipped
