"""Walk the audit log's hash chain and report the first event that does not match."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from governance import audit


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exits non-zero naming the first broken event."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problem = audit.verify_chain()
        self.stdout.write(f"{checked} audit events checked.")
        if problem is not None:
            raise CommandError(f"The audit chain is broken at {problem}.")
        self.stdout.write(self.style.SUCCESS("The audit chain is intact."))
