"""Email each person who must act on overdue items one digest a day."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import IntegrityError, transaction
from django.utils import timezone

from sponsors import reminders


class Command(BaseCommand):
    help = "Send one digest of overdue review items to each person who must act (once a day)."

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        sent = skipped = 0
        for user, items in reminders.digests(today).items():
            try:
                with transaction.atomic():
                    if reminders.record_and_send(user=user, items=items, day=today):
                        sent += 1
                    else:
                        skipped += 1
            except IntegrityError:
                # Another run sent today's digest to this person first.
                skipped += 1
        self.stdout.write(f"Sent {sent} digest(s); {skipped} already sent today.")
