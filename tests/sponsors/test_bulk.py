"""Bulk decisions: each item succeeds or fails on its own."""

from initiatives.models import Initiative
from tests.conftest import Org, api_client, bring_to


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
