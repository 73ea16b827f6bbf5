"""Sign the audit chain's head now; run at least daily (cron or a job)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from governance import audit, login_failures


class Command(BaseCommand):
    help = (
        "Write the count of failed sign-ins of windows that have ended, then sign the "
        "audit chain's head and append the checkpoint to DJANGO_AUDIT_CHECKPOINT_FILE."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        login_failures.login_failure_windows_close()
        try:
            checkpoint = audit.checkpoint_create(export_errors_raise=True)
        except OSError as exc:
            raise CommandError(
                f"The checkpoint is signed, but the checkpoint file cannot be written: {exc}"
            ) from exc
        self.stdout.write(f"Signed {checkpoint}.")
