"""The social accounts' periodic job, scheduled by Celery beat (and run by
`manage.py accounts_recertification` where no beat runs)."""

from celery import shared_task
from django.utils import timezone

from social_accounts import services


@shared_task
def accounts_recertification_check() -> dict[str, int]:
    """Remind the owners of overdue accounts, then mark unused ones dormant."""
    today = timezone.localdate()
    return {
        "reminded": services.accounts_remind_overdue(today=today),
        "dormant": services.accounts_mark_dormant(today=today),
    }
