"""On PostgreSQL the database itself refuses UPDATE and DELETE on the audit log,
whoever connects. (TRUNCATE, used by test flushes, is not a row operation and
stays with the table owner.) SQLite has no such guard; the hash chain still
reveals tampering there."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION governance_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit log is append-only: % on governance_auditevent refused.', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER governance_auditevent_append_only
    BEFORE UPDATE OR DELETE ON governance_auditevent
    FOR EACH ROW EXECUTE FUNCTION governance_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS governance_auditevent_append_only ON governance_auditevent;
DROP FUNCTION IF EXISTS governance_auditevent_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("governance", "0002_audit_hash_chain"),
    ]

    operations = [
        migrations.RunPython(create_trigger, drop_trigger),
    ]
