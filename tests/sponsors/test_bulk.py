"""Bulk decisions: each item succeeds or fails on its own."""

import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, models

from governance import audit, audit_verify
from governance.models import AuditEvent
from initiatives.models import Initiative
from tests.conftest import Org, api_client, bring_to


def _python_fault() -> None:
    raise RuntimeError("The audit writer is out of order.")


def _database_fault() -> None:
    # A failing statement: on PostgreSQL it also aborts the transaction, which
    # only rolling back to a savepoint makes usable again.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")


def test_mixed_outcomes_are_reported_item_by_item(org: Org) -> None:
    ready = bring_to(org, "approved")
    also_ready = bring_to(org, "approved")
    running = bring_to(org, "active")
    other_unit = bring_to(org, "approved", unit="sales")

    response = api_client(org.marketing_lead).post(
        "/api/initiatives/bulk-transition/",
        {
            "transition": "launch",
            "ids": [ready.pk, running.pk, other_unit.pk, 999999, also_ready.pk, ready.pk],
            "comment": "Go",
        },
        format="json",
    )

    assert response.status_code == 200
    outcomes = {row["id"]: (row["ok"], row["status"]) for row in response.json()}
    assert outcomes == {
        ready.pk: (True, 200),
        running.pk: (False, 409),
        other_unit.pk: (False, 404),
        999999: (False, 404),
        also_ready.pk: (True, 200),
    }
    assert Initiative.objects.get(pk=ready.pk).state == "active"
    assert Initiative.objects.get(pk=other_unit.pk).state == "approved"


def test_forbidden_and_invalid_items_fail_alone(org: Org) -> None:
    mine = bring_to(org, "in_review")
    theirs = bring_to(org, "in_review", unit="sales")
    response = api_client(org.coe_member).post(
        "/api/initiatives/bulk-transition/",
        {
            "transition": "request_changes",
            "ids": [mine.pk, theirs.pk],
        },
        format="json",
    )
    assert {row["status"] for row in response.json()} == {400}
    response = api_client(org.coe_member).post(
        "/api/initiatives/bulk-transition/",
        {
            "transition": "approve",
            "ids": [mine.pk],
        },
        format="json",
    )
    assert response.json()[0]["status"] == 403


def test_at_most_two_hundred_ids(org: Org) -> None:
    response = api_client(org.coe_lead).post(
        "/api/initiatives/bulk-transition/",
        {
            "transition": "approve",
            "ids": list(range(1, 202)),
        },
        format="json",
    )
    assert response.status_code == 400
    assert "ids" in response.json()


def test_an_unknown_transition_is_400(org: Org) -> None:
    response = api_client(org.coe_lead).post(
        "/api/initiatives/bulk-transition/",
        {
            "transition": "explode",
            "ids": [1],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "transition" in response.json()


@pytest.mark.parametrize("fault", [_python_fault, _database_fault], ids=["python", "database"])
def test_an_unexpected_error_on_one_item_is_its_outcome_and_the_rest_still_run(
    org: Org,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    fault: Callable[[], None],
) -> None:
    first, second, third = (bring_to(org, "approved") for _ in range(3))
    record = audit.record

    def failing_for_the_second(
        event: audit.Event, *, obj: models.Model | None, **kwargs: Any
    ) -> AuditEvent:
        if obj is not None and obj.pk == second.pk and isinstance(obj, Initiative):
            fault()
        return record(event, obj=obj, **kwargs)

    # Fault injection: the audit writer fails for the second initiative only.
    monkeypatch.setattr(audit, "record", failing_for_the_second)

    with caplog.at_level(logging.ERROR, logger="initiatives.services"):
        response = api_client(org.marketing_lead).post(
            "/api/initiatives/bulk-transition/",
            {"transition": "launch", "ids": [first.pk, second.pk, third.pk]},
            format="json",
        )

    assert response.status_code == 200
    outcomes = response.json()
    assert [(row["id"], row["ok"], row["status"]) for row in outcomes] == [
        (first.pk, True, 200),
        (second.pk, False, 500),
        (third.pk, True, 200),
    ]
    # The refusals and successes keep their shape; only the error names its log entry.
    assert "error_id" not in outcomes[0]
    assert "error_id" not in outcomes[2]
    error_id = outcomes[1]["error_id"]
    assert error_id
    assert error_id in outcomes[1]["reason"]
    assert outcomes[1]["state"] == "approved"
    logged = [r for r in caplog.records if getattr(r, "error_id", None) == error_id]
    assert len(logged) == 1
    assert logged[0].exc_info is not None
    assert error_id in logged[0].getMessage()

    states = dict(
        Initiative.objects.values_list("pk", "state").filter(pk__in=[first.pk, second.pk, third.pk])
    )
    assert states == {first.pk: "active", second.pk: "approved", third.pk: "active"}
    launched = set(
        AuditEvent.objects.filter(event=audit.Event.INITIATIVE_LAUNCHED).values_list(
            "object_id", flat=True
        )
    )
    assert launched == {str(first.pk), str(third.pk)}
    assert not second.decisions.filter(transition="launch").exists()
    # What the failed item began is gone from the log: the chain has no gap.
    result = audit_verify.verify()
    assert result.intact, result.problem
