"""The policies app's background tasks, scheduled by Celery beat."""

import datetime
from collections import defaultdict

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext

from governance import mail
from policies import selectors
from policies.models import Policy


def policy_review_reminders(*, today: datetime.date) -> int:
    """Email each owner of policies past their review date one list of them,
    once per day (the outbox key holds the day). Returns the emails written."""
    by_owner: dict[int, list[Policy]] = defaultdict(list)
    for policy in selectors.overdue_policies(today=today):
        by_owner[policy.owner_id].append(policy)
    written = 0
    for policies in by_owner.values():
        owner = policies[0].owner
        if not owner.is_active or not owner.email:
            continue
        with transaction.atomic():
            written += len(
                mail.outbox_add(
                    key=f"policy-review:{today.isoformat()}",
                    recipients=[owner],
                    template="policy_review",
                    context={"policies": policies},
                    subject=ngettext(
                        "%(count)d policy you own is past its review date",
                        "%(count)d policies you own are past their review date",
                        len(policies),
                    )
                    % {"count": len(policies)},
                )
            )
    return written


@shared_task
def policy_review_reminders_send() -> int:
    return policy_review_reminders(today=timezone.localdate())
