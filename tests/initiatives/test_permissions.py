"""The role by action matrix, driven from one table: every part a person can
play towards an initiative, on an initiative of their own unit and of another."""

import pytest

from initiatives.models import Decision
from tests.conftest import CASTS, Org, api_client, bring_to

# transition -> (source state, parts that may take it)
MATRIX: dict[str, tuple[str, set[str]]] = {
    "submit": ("draft", {"unit_member", "unit_lead"}),
    "start_review": ("submitted", {"coe_member", "coe_lead"}),
    "request_changes": ("in_review", {"coe_member", "coe_lead"}),
    "approve": ("in_review", {"coe_lead"}),
    "reject": ("in_review", {"coe_lead"}),
    "sponsor_approve": ("awaiting_sponsor", {"unit_sponsor"}),
    "sponsor_reject": ("awaiting_sponsor", {"unit_sponsor"}),
    "launch": ("approved", {"unit_lead"}),
    "pause": ("active", {"unit_lead", "coe_lead"}),
    "resume": ("paused", {"unit_lead", "coe_lead"}),
    "complete": ("active", {"unit_lead"}),
    # unit_member is the owner of the initiatives built here.
    "withdraw": ("draft", {"unit_member", "unit_lead"}),
}
# Parts that see the initiative at all; everyone else gets 404.
SEES = {"coe_lead", "coe_member", "auditor", "unit_sponsor", "unit_lead", "unit_member"}
PARTS = sorted(CASTS["marketing"])


def expected_status(name: str, part: str) -> int:
    if part not in SEES:
        return 404
    return 200 if part in MATRIX[name][1] else 403


@pytest.mark.parametrize("unit", sorted(CASTS))
@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_role_matrix(org: Org, unit: str, part: str, name: str) -> None:
    source, _ = MATRIX[name]
    initiative = bring_to(org, source, unit=unit, outcome_accepted=name == "complete")
    user = org.people[CASTS[unit][part]]
    decisions_before = Decision.objects.filter(initiative=initiative).count()

    response = api_client(user).post(
        f"/api/initiatives/{initiative.pk}/transitions/{name}/",
        {"comment": "reasoned"},
        format="json",
    )

    assert response.status_code == expected_status(name, part), response.data
    listed = api_client(user).get(f"/api/initiatives/{initiative.pk}/transitions/")
    if response.status_code == 200:
        assert Decision.objects.filter(initiative=initiative).count() == decisions_before + 1
    else:
        assert Decision.objects.filter(initiative=initiative).count() == decisions_before
    if part in SEES and response.status_code == 403:
        # What the user may not take is not offered to them either.
        assert name not in [t["name"] for t in listed.json()]
    if part not in SEES:
        assert listed.status_code == 404


@pytest.mark.parametrize("part", PARTS)
def test_visibility_in_lists(org: Org, part: str) -> None:
    mine = bring_to(org, "draft", unit="marketing")
    theirs = bring_to(org, "draft", unit="sales")
    user = org.people[CASTS["marketing"][part]]

    ids = {row["id"] for row in api_client(user).get("/api/initiatives/").json()["results"]}

    sees_marketing = part in SEES
    sees_sales = part in {"coe_lead", "coe_member", "auditor"} or part in {
        "other_lead",
        "other_sponsor",
    }
    assert (mine.pk in ids) == sees_marketing
    assert (theirs.pk in ids) == sees_sales
