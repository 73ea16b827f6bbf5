"""Grant the runtime role what it needs on PostgreSQL, and nothing more."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from psycopg import sql

from governance.audit_guard import PROTECTED_TABLES


def grant_runtime_role(role: str, *, create: bool = False) -> None:
    """As the tables' owner (DATABASE_MIGRATE_URL): let `role` read and write
    every table of the schema, now and for tables the owner creates later,
    except the audit tables, on which it may only SELECT and INSERT. With
    `create`, create `role` first (NOLOGIN; give it a password and LOGIN
    yourself). Runs in one transaction."""
    name = sql.Identifier(role)
    statements = [
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(name),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(
            name
        ),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(name),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
            "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
        ).format(name),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {}"
        ).format(name),
        *(
            sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {} FROM {}").format(
                sql.Identifier(table), name
            )
            for table in PROTECTED_TABLES
        ),
    ]
    if create:
        statements.insert(0, sql.SQL("CREATE ROLE {} NOLOGIN NOINHERIT").format(name))
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement.as_string(cursor.connection))


class Command(BaseCommand):
    help = (
        "PostgreSQL: grant the runtime role SELECT/INSERT/UPDATE/DELETE on every table "
        "(and by default on future ones) but only SELECT/INSERT on the audit tables. "
        "Run as the owner, after migrate (the owner URL, DATABASE_MIGRATE_URL, is used)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runtime-role", required=True)
        parser.add_argument("--create", action="store_true", help="Create the role first.")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Database roles exist on PostgreSQL only.")
        grant_runtime_role(options["runtime_role"], create=options["create"])
        self.stdout.write(f"Granted {options['runtime_role']} the runtime privileges.")
