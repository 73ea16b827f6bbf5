"""The database's own guard on the audit log: triggers that refuse UPDATE,
DELETE and (on PostgreSQL) TRUNCATE of the audit events and checkpoints
(migration 0008).

`suspended` lifts it for a moment, as the tables' owner only: the runtime role
owns nothing and cannot. Its one legitimate use is emptying a test database,
whose flush TRUNCATEs (PostgreSQL) or DELETEs (SQLite) every table."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db.backends.base.base import BaseDatabaseWrapper

PROTECTED_TABLES = ("governance_auditevent", "governance_auditcheckpoint")


def _pg_triggers(connection: BaseDatabaseWrapper) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
               WHERE NOT t.tgisinternal AND c.relname = ANY(%s)
                 AND c.relnamespace = to_regnamespace(current_schema())""",
            [list(PROTECTED_TABLES)],
        )
        return list(cursor.fetchall())


def _sqlite_triggers(connection: BaseDatabaseWrapper) -> list[tuple[str, str]]:
    placeholders = ", ".join("%s" for _ in PROTECTED_TABLES)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            f"AND tbl_name IN ({placeholders})",
            list(PROTECTED_TABLES),
        )
        return list(cursor.fetchall())


@contextmanager
def suspended(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Within the block the audit tables accept any change; afterwards the guard
    is back exactly as it was (ENABLE ALWAYS on PostgreSQL)."""
    if connection.vendor == "postgresql":
        triggers = _pg_triggers(connection)
        with connection.cursor() as cursor:
            if connection.in_atomic_block:
                # ALTER TABLE refuses while deferred foreign-key checks are pending
                # in the transaction: run them now (Django defers them all).
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, name in triggers:
                cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER "{name}"')
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                if connection.in_atomic_block:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for table, name in triggers:
                    cursor.execute(f'ALTER TABLE "{table}" ENABLE ALWAYS TRIGGER "{name}"')
                if connection.in_atomic_block:
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    elif connection.vendor == "sqlite":
        definitions = _sqlite_triggers(connection)
        with connection.cursor() as cursor:
            for name, _sql in definitions:
                cursor.execute(f'DROP TRIGGER "{name}"')
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                for _name, sql in definitions:
                    cursor.execute(sql)
    else:
        yield
