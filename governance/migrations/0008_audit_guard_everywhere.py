"""The database refuses every change to the audit log and its checkpoints but an
append, on both databases:

- PostgreSQL: row triggers refuse UPDATE and DELETE, a statement trigger
  refuses TRUNCATE (which row triggers do not see), and all are ENABLE ALWAYS,
  so that they fire under `session_replication_role = replica` too. Only the
  tables' owner can disable them; the runtime role does not own them (see
  governance/sql/roles.sql).
- SQLite: triggers refuse UPDATE and DELETE. They guard against mistakes of the
  application, not against whoever can write the file; the keyed chain and the
  signed checkpoints reveal that.

Test flushes, which empty every table, suspend the guard around the flush only
(tests/conftest.py)."""

from django.db import migrations

TABLES = ["governance_auditevent", "governance_auditcheckpoint"]

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION governance_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit log is append-only: % on % refused.', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def pg_forward(table: str) -> str:
    row = f"{table}_append_only"
    truncate = f"{table}_no_truncate"
    # The row trigger of the audit events exists since 0003.
    create_row = (
        ""
        if table == "governance_auditevent"
        else f"""CREATE TRIGGER {row} BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION governance_auditevent_append_only();"""
    )
    return f"""
{create_row}
CREATE TRIGGER {truncate} BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION governance_auditevent_append_only();
ALTER TABLE {table} ENABLE ALWAYS TRIGGER {row};
ALTER TABLE {table} ENABLE ALWAYS TRIGGER {truncate};
"""


def pg_backward(table: str) -> str:
    row = f"{table}_append_only"
    drop_row = (
        f"ALTER TABLE {table} ENABLE TRIGGER {row};"
        if table == "governance_auditevent"
        else f"DROP TRIGGER IF EXISTS {row} ON {table};"
    )
    return f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};\n{drop_row}"


def sqlite_forward(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table}
        BEGIN SELECT RAISE(ABORT, 'The audit log is append-only: {op} on {table} refused.'); END"""
        for op in ("UPDATE", "DELETE")
    ]


def sqlite_backward(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_no_{op}" for op in ("update", "delete")]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)
        for table in TABLES:
            schema_editor.execute(pg_forward(table), params=None)
    elif vendor == "sqlite":
        for table in TABLES:
            for statement in sqlite_forward(table):
                schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(pg_backward(table), params=None)
    elif vendor == "sqlite":
        for table in TABLES:
            for statement in sqlite_backward(table):
                schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("governance", "0007_audit_checkpoints"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
