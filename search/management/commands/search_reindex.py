from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from search.indexing import documents_rebuild
from search.sources import sources


class Command(BaseCommand):
    help = (
        "Write every search document anew: after installing search on existing data, "
        "after bulk updates that bypass save(), or after a restore."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--kind",
            action="append",
            choices=[source.kind for source in sources],
            help="Only this kind (repeatable); every kind by default.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        written = documents_rebuild(kinds=options["kind"] or ())
        self.stdout.write(f"{written} documents written.")
