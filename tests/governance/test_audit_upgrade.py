"""A log written before keyed links (plain SHA-256) keeps verifying: the
upgrade records where it ends, the first signed checkpoint seals that, and
tampering with an old event is still found."""

import importlib
import io
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from governance import audit, audit_guard
from governance.models import AuditChainUpgrade, AuditCheckpoint, AuditEvent, StrategicGoal
from tests.conftest import build_org

TABLE = AuditEvent._meta.db_table
UPGRADE = importlib.import_module("governance.migrations.0007_audit_checkpoints")


def verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def tamper(sql: str, params: list[Any]) -> None:
    with audit_guard.suspended(connection), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def upgraded(db: None, monkeypatch: pytest.MonkeyPatch) -> int:
    """A log written by the writer of before (unkeyed links), then the upgrade
    migration's step, then new events with keyed links and a checkpoint."""
    with monkeypatch.context() as before:
        before.setattr(audit, "link", lambda event, key=None: audit.legacy_hash(event))
        build_org()
    legacy = AuditEvent.objects.count()
    UPGRADE.record_legacy_events(apps, None)
    goal = StrategicGoal.objects.first()
    for _ in range(3):
        with transaction.atomic():
            audit.record(audit.Event.GOAL_UPDATED, actor=None, obj=goal)
    return legacy


def test_the_upgrade_records_where_the_unkeyed_chain_ends(upgraded: int) -> None:
    assert AuditChainUpgrade.objects.get().legacy_until == upgraded
    assert AuditEvent.objects.get(seq=upgraded).hash == audit.legacy_hash(
        AuditEvent.objects.get(seq=upgraded)
    )
    assert AuditEvent.objects.get(seq=upgraded + 1).hash == audit.link(
        AuditEvent.objects.get(seq=upgraded + 1)
    )


def test_an_upgraded_log_verifies_and_the_first_checkpoint_seals_the_old_events(
    upgraded: int,
) -> None:
    assert "intact" in verify()
    checkpoint = audit.checkpoint_create()
    assert checkpoint.legacy_until == upgraded
    assert audit.checkpoint_create().legacy_until == upgraded
    output = verify()
    assert f"{upgraded + 3} audit events checked." in output
    assert "intact" in output


def test_tampering_with_an_old_event_is_still_found(upgraded: int) -> None:
    audit.checkpoint_create()
    victim = AuditEvent.objects.get(seq=3)
    tamper(f"UPDATE {TABLE} SET comment = %s WHERE seq = 3", ["forged"])
    with pytest.raises(CommandError, match=rf"audit event {victim.pk} \(seq 3\): content"):
        verify()


def test_moving_the_boundary_after_the_seal_does_not_help(upgraded: int) -> None:
    """Claiming that newer events are old too, to rehash them without the key,
    contradicts the signed boundary."""
    audit.checkpoint_create()
    new = AuditEvent.objects.get(seq=upgraded + 1)
    new.comment = "forged"
    tamper(
        f"UPDATE {TABLE} SET comment = %s, hash = %s WHERE id = %s",
        ["forged", audit.legacy_hash(new), new.pk],
    )
    tamper(f"UPDATE {AuditChainUpgrade._meta.db_table} SET legacy_until = %s", [upgraded + 3])
    with pytest.raises(CommandError, match=rf"\(seq {upgraded + 1}\): content"):
        verify()
    assert AuditCheckpoint.objects.get().legacy_until == upgraded
