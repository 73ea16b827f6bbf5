"""The policies app's background tasks, scheduled by Celery beat."""

import datetime
from collections import defaultdict
from functools import partial

from celery import shared_task
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import ngettext

from governance import mail, registry, signals
from policies import selectors
from policies.models import Policy, ReviewReminder

# The kind of email a reminder is (the user's email choices; sponsors keeps them).
REMINDERS = "reminders"
REMINDER = "reminder.policy_review"


def _subject(count: int) -> str:
    return ngettext(
        "%(count)d policy you own is past its review date",
        "%(count)d policies you own are past their review date",
        count,
    ) % {"count": count}


def policy_review_reminders(*, today: datetime.date) -> int:
    """Remind each active owner of policies past their review date of them in
    one list, once per day (ReviewReminder holds the day): in the app always,
    by email unless the owner switched reminder emails off. Each owner's
    reminder commits on its own. Returns the emails written."""
    by_owner: dict[int, list[Policy]] = defaultdict(list)
    for policy in selectors.overdue_policies(today=today):
        by_owner[policy.owner_id].append(policy)
    owners = [policies[0].owner for policies in by_owner.values()]
    owners = [owner for owner in owners if owner.is_active]
    mailed = registry.emailable([owner.pk for owner in owners], REMINDERS)
    written = 0
    for owner in owners:
        policies = by_owner[owner.pk]
        count = len(policies)
        try:
            with transaction.atomic():
                ReviewReminder.objects.create(user=owner, day=today, policies=count)
                signals.notify.send(
                    sender=Policy,
                    recipients=[owner],
                    actor=None,
                    target=None,
                    event=REMINDER,
                    text=partial(_subject, count),
                    email=False,
                )
                if owner.pk in mailed and owner.email:
                    written += len(
                        mail.outbox_add(
                            key=f"policy-review:{today.isoformat()}",
                            recipients=[owner],
                            template="policy_review",
                            context={"policies": policies},
                            subject=partial(_subject, count),
                        )
                    )
        except IntegrityError:
            # Today's reminder reached this owner already (another run, or this one again).
            continue
    return written


@shared_task
def policy_review_reminders_send() -> int:
    return policy_review_reminders(today=timezone.localdate())
