"""The sponsors app's background tasks, scheduled by Celery beat."""

from celery import shared_task
from django.utils import timezone

from sponsors import reminders


@shared_task
def review_reminders_send() -> str:
    """The daily digests of overdue review items (as `send_review_reminders`)."""
    sent, skipped = reminders.send_all(timezone.localdate())
    return f"sent {sent}, already sent {skipped}"
