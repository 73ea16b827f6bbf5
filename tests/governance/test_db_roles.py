"""On PostgreSQL the runtime role may add to the audit log and read it, and
nothing else: not change, delete, empty or alter it, nor switch off its guard."""

import uuid
from collections.abc import Callable

import pytest
from django.db import DatabaseError, connection, transaction
from psycopg import sql

from governance.management.commands.setup_db_roles import grant_runtime_role
from governance.models import AuditEvent, StrategicGoal
from tests.conftest import Org, on_postgres

TABLE = AuditEvent._meta.db_table


def as_role(role: str, statement: str) -> Callable[[], None]:
    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(role)).as_string())
            cursor.execute(statement)

    return run


@pytest.mark.postgres
def test_the_runtime_role_can_only_insert_into_and_read_the_audit_log(org: Org) -> None:
    if not on_postgres():
        pytest.skip("Database roles exist on PostgreSQL only.")
    # Created inside the test's transaction, so it is gone afterwards.
    role = f"gov_rt_{uuid.uuid4().hex[:8]}"
    grant_runtime_role(role, create=True)
    event = AuditEvent.objects.order_by("seq").last()
    refused = [
        f"UPDATE {TABLE} SET comment = 'forged'",
        f"DELETE FROM {TABLE}",
        f"TRUNCATE {TABLE}",
        f"ALTER TABLE {TABLE} DISABLE TRIGGER {TABLE}_append_only",
        f"ALTER TABLE {TABLE} DISABLE TRIGGER ALL",
        f"ALTER TABLE {TABLE} DROP COLUMN comment",
        f"DROP TRIGGER {TABLE}_no_truncate ON {TABLE}",
        "SET session_replication_role = replica",
    ]
    for statement in refused:
        with pytest.raises(DatabaseError), transaction.atomic():
            as_role(role, statement)()
    with transaction.atomic():
        as_role(
            role,
            f"INSERT INTO {TABLE} (seq, at, event, object_type, object_id, object_repr, "
            f"comment, prev_hash, hash) VALUES ({event.seq + 1}, now(), 'goal.updated', "
            f"'x', '1', 'x', '', '{event.hash}', 'h')",
        )()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {TABLE}")
            assert cursor.fetchone()[0] == AuditEvent.objects.count()
    # Ordinary tables stay fully writable.
    goal = StrategicGoal.objects.first()
    with transaction.atomic():
        as_role(role, f"UPDATE governance_strategicgoal SET active = true WHERE id = {goal.pk}")()
