"""Store every initiative's priority score anew: after a change of
DJANGO_SCORING_COST_REFERENCE (a setting, which no service sees change), or
after data was written around the services."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from initiatives import scoring


class Command(BaseCommand):
    help = "Store every initiative's priority score with the current weights and settings."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            written = scoring.scores_refresh()
        self.stdout.write(f"Stored the score of {written} initiative(s).")
