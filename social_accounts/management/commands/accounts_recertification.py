from typing import Any

from django.core.management.base import BaseCommand

from social_accounts import tasks


class Command(BaseCommand):
    help = "Remind owners of overdue account recertifications and mark unused accounts dormant."

    def handle(self, *args: Any, **options: Any) -> None:
        result = tasks.accounts_recertification_check()
        self.stdout.write(f"reminded {result['reminded']}, dormant {result['dormant']}")
