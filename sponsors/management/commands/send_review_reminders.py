"""Email each person who must act on overdue items one digest a day.

Celery beat runs the same daily (sponsors.tasks); this command is for cron."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from sponsors import reminders


class Command(BaseCommand):
    help = "Send one digest of overdue review items to each person who must act (once a day)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent, skipped = reminders.send_all(timezone.localdate())
        self.stdout.write(f"Sent {sent} digest(s); {skipped} already sent today.")
