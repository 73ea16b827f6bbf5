from typing import Any

from django.core.management.base import BaseCommand

from knowledge import digest


class Command(BaseCommand):
    help = "Send this week's library digest to every user who has not had it (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = digest.send_weekly()
        self.stdout.write(f"Library digest sent to {sent} users.")
