"""The priority score: weights from the database, set by the CoE lead, audited,
and sortable in lists."""

from decimal import Decimal

from governance.models import AuditEvent
from initiatives.models import Initiative
from tests.conftest import Org, api_client, bring_to


def set_weights(org: Org, **weights: str) -> object:
    return api_client(org.coe_lead).patch(
        "/api/scoring/weights/", {"weights": weights}, format="json"
    )


def score_of(initiative: Initiative) -> float:
    return Initiative.objects.get(pk=initiative.pk).score


def test_default_weights_are_in_place(org: Org) -> None:
    body = api_client(org.outsider).get("/api/scoring/weights/").json()
    assert set(body["weights"]) == {"alignment", "impact", "cost", "risk", "effort"}


def test_each_criterion_scales_as_documented(org: Org) -> None:
    set_weights(org, alignment="1", impact="0", cost="0", risk="0", effort="0")
    aligned = bring_to(org, "draft")
    unaligned = bring_to(org, "draft", goals=[org.inactive_goal])
    assert score_of(aligned) == 100.0
    assert score_of(unaligned) == 0.0

    set_weights(org, alignment="0", cost="1")
    assert score_of(bring_to(org, "draft", budget=Decimal(25000))) == 75.0
    assert score_of(bring_to(org, "draft", budget=Decimal(500000))) == 0.0

    set_weights(org, cost="0", risk="1", impact="1")
    # risk medium (0.5) and impact 5 (1.0): mean 0.75
    assert score_of(bring_to(org, "draft", risk="medium", expected_impact=5)) == 75.0

    set_weights(org, risk="0", impact="0", effort="2")
    assert score_of(bring_to(org, "draft", effort=1)) == 100.0


def test_only_the_coe_lead_sets_weights_and_changes_are_audited(org: Org) -> None:
    for user in (org.coe_member, org.sponsor, org.auditor):
        response = api_client(user).patch(
            "/api/scoring/weights/", {"weights": {"risk": "9"}}, format="json"
        )
        assert response.status_code == 403
    response = set_weights(org, risk="9")
    assert response.status_code == 200
    assert response.json()["weights"]["risk"] == "9.00"
    event = AuditEvent.objects.get(event="scoring.weights_changed")
    assert event.actor == org.coe_lead
    assert event.new == {"risk": "9.00"}


def test_bad_weights_are_400_naming_the_criterion(org: Org) -> None:
    assert "fame" in set_weights(org, fame="1").json()
    assert set_weights(org, risk="-1").status_code == 400


def test_lists_show_and_sort_by_score(org: Org) -> None:
    set_weights(org, alignment="1", impact="0", cost="0", risk="1", effort="0")
    low = bring_to(org, "draft", risk="high", goals=[org.inactive_goal])
    high = bring_to(org, "draft", risk="low")
    body = api_client(org.coe_lead).get("/api/initiatives/?ordering=-score").json()
    assert [row["id"] for row in body["results"]] == [high.pk, low.pk]
    assert [row["score"] for row in body["results"]] == [100.0, 0.0]
