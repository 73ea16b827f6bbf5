"""Check the audit log's keyed chain against the signed checkpoints."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from governance import audit_keys, audit_verify


class Command(BaseCommand):
    help = (
        "Verify every link of the audit log and the chain against the newest signed "
        "checkpoint (in the database and, with --checkpoints, in the exported file). "
        "Exits non-zero naming the first event that fails or the missing range."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoints", metavar="FILE", help="The exported checkpoint file (JSON lines)."
        )
        parser.add_argument(
            "--public-key",
            metavar="FILE",
            help="The Ed25519 public key (PEM); default: DJANGO_AUDIT_PUBLIC_KEY_FILE, "
            "else derived from the signing key.",
        )
        parser.add_argument("--json", action="store_true", help="Print a machine-readable result.")

    def handle(self, *args: Any, **options: Any) -> None:
        key = None
        if options["public_key"]:
            try:
                with open(options["public_key"], "rb") as pem:
                    key = audit_keys.load_public_key(pem.read())
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read the public key: {exc}") from exc
        result = audit_verify.verify(public_key=key, checkpoint_file=options["checkpoints"])
        audit_verify.verification_record(result)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
        else:
            self.stdout.write(f"{result.events} audit events checked.")
            if result.checkpoint is not None:
                self.stdout.write(f"Newest signed checkpoint: {result.checkpoint.describe()}.")
            for note in result.notes:
                self.stdout.write(self.style.WARNING(note))
        if not result.intact:
            raise CommandError(f"The audit chain is broken at {result.problem}.")
        if not options["json"]:
            self.stdout.write(self.style.SUCCESS("The audit chain is intact."))
