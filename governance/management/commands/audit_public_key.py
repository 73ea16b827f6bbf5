"""Print the public key that checks the audit checkpoints."""

from typing import Any

from django.core.management.base import BaseCommand

from governance import audit_keys


class Command(BaseCommand):
    help = "Print the Ed25519 public key (PEM) of the audit signing key, for auditors."

    def handle(self, *args: Any, **options: Any) -> None:
        key = audit_keys.signing_key().public_key()
        self.stderr.write(f"key id {audit_keys.key_id(key)}")
        self.stdout.write(audit_keys.public_pem(key), ending="")
