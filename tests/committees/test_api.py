"""The committees' and the routing rules' API: 404 for who may not see the
vote, 403 outside the committee or recused, 409 when closed, 400 naming the field."""

from typing import Any

from committees.models import Case
from initiatives.models import Initiative
from tests.committees.conftest import Setup, amendment_to_committee
from tests.conftest import Org, api_client


def vote(user: Any, case: Case, choice: str = "approve", comment: str = "") -> Any:
    return api_client(user).post(
        f"/api/committee-cases/{case.pk}/votes/",
        {"choice": choice, "comment": comment},
        format="json",
    )


def test_members_vote_the_initiative_through(setup: Setup) -> None:
    o = setup.org
    assert vote(o.sales_lead, setup.case, comment="Yes").status_code == 201
    response = vote(o.sales_sponsor, setup.case)
    assert response.status_code == 201
    assert response.json()["state"] == "approved"
    assert [v["voter"] for v in response.json()["votes"]] == ["sales_lead", "sales_sponsor"]
    assert Initiative.objects.get(pk=setup.initiative.pk).state == "approved"


def test_outsider_who_cannot_see_it_gets_404(setup: Setup) -> None:
    assert vote(setup.org.outsider, setup.case).status_code == 404
    assert (
        api_client(setup.org.outsider).get(f"/api/committee-cases/{setup.case.pk}/").status_code
        == 404
    )


def test_someone_outside_the_committee_who_sees_it_gets_403(setup: Setup) -> None:
    response = vote(setup.org.coe_lead, setup.case)
    assert response.status_code == 403
    assert not setup.case.votes.exists()


def test_a_recused_member_gets_403_saying_why(setup: Setup) -> None:
    response = vote(setup.org.marketing_lead, setup.case)
    assert response.status_code == 403
    assert "recused" in response.json()["detail"]


def test_a_second_vote_gets_409(setup: Setup) -> None:
    vote(setup.org.sales_lead, setup.case, "abstain")
    assert vote(setup.org.sales_lead, setup.case).status_code == 409


def test_an_unknown_choice_gets_400_naming_the_field(setup: Setup) -> None:
    response = vote(setup.org.sales_lead, setup.case, "maybe")
    assert response.status_code == 400
    assert "choice" in response.json()


def test_the_chair_closes_without_quorum_gets_409(setup: Setup) -> None:
    response = api_client(setup.org.sales_sponsor).post(
        f"/api/committee-cases/{setup.case.pk}/close/", {}, format="json"
    )
    assert response.status_code == 409


def test_the_agenda_lists_open_votes(setup: Setup) -> None:
    response = api_client(setup.org.sales_lead).get(f"/api/committees/{setup.committee.pk}/agenda/")
    assert response.status_code == 200
    assert [row["initiative"] for row in response.json()["results"]] == [setup.initiative.pk]


def test_committees_are_listed_with_members(setup: Setup) -> None:
    response = api_client(setup.org.marketing_member).get("/api/committees/")
    (committee,) = response.json()["results"]
    assert committee["chair"] == "sales_sponsor"
    assert {m["username"] for m in committee["members"]} == {
        "sales_sponsor",
        "sales_lead",
        "marketing_lead",
    }


def test_the_initiative_shows_its_stored_chain(setup: Setup) -> None:
    response = api_client(setup.org.sales_lead).get(f"/api/initiatives/{setup.initiative.pk}/")
    assert response.status_code == 200
    assert response.json()["approval_chain"] == [
        {"step": "coe", "state": "approved"},
        {"step": f"committee:{setup.committee.pk}", "state": "pending"},
    ]


def test_routing_rules_are_read_and_published_by_the_coe_lead(org: Org) -> None:
    assert api_client(org.marketing_member).get("/api/routing-rules/").json()["version"] == 1
    rules = {"rules": [{"name": "Big", "min_budget": "250000.00", "steps": ["finance"]}]}
    refused = api_client(org.coe_member).post("/api/routing-rules/", rules, format="json")
    assert refused.status_code == 403
    done = api_client(org.coe_lead).post("/api/routing-rules/", rules, format="json")
    assert done.status_code == 201
    assert done.json()["version"] == 2
    assert done.json()["rules"][0]["steps"] == ["finance"]


def test_an_invalid_rule_gets_400_naming_the_field(org: Org) -> None:
    rules = {"rules": [{"name": "x", "steps": ["cfo"]}]}
    response = api_client(org.coe_lead).post("/api/routing-rules/", rules, format="json")
    assert response.status_code == 400
    assert "rules.1.steps" in response.json()


def test_the_coe_lead_sets_up_a_committee(org: Org) -> None:
    body = {
        "name": "Working group on video",
        "kind": "working_group",
        "chair": "sales_lead",
        "quorum": 2,
        "members": [
            {"username": "sales_lead", "business_unit": org.sales.slug},
            {"username": "marketing_lead", "business_unit": org.marketing.slug},
        ],
    }
    assert (
        api_client(org.coe_member).post("/api/committees/", body, format="json").status_code == 403
    )
    done = api_client(org.coe_lead).post("/api/committees/", body, format="json")
    assert done.status_code == 201
    assert done.json()["kind"] == "working_group"
    again = api_client(org.coe_lead).post("/api/committees/", body, format="json")
    assert again.status_code == 400
    assert "name" in again.json()
    bad = api_client(org.coe_lead).post(
        "/api/committees/", body | {"name": "Other", "quorum": 3}, format="json"
    )
    assert bad.status_code == 400
    assert "quorum" in bad.json()


def test_a_vote_on_an_amendment_carries_the_amendment(org: Org) -> None:
    """Members from other units cannot open the amendment in the amendments'
    list (it follows the units one sees); the vote carries it."""
    case = amendment_to_committee(org, {"risk": "high"}, "Influencers join the campaign.")
    member = api_client(org.sales_lead)

    detail = member.get(f"/api/committee-cases/{case.pk}/")

    assert detail.status_code == 200
    body = detail.json()
    assert body["amendment"] == case.amendment_id
    proposal = body["amendment_proposal"]
    assert proposal["id"] == case.amendment_id
    assert proposal["proposed_changes"] == {"risk": "high"}
    assert proposal["reason"] == "Influencers join the campaign."
    assert member.get(f"/api/amendments/{case.amendment_id}/").status_code == 404
    agenda = member.get(f"/api/committees/{case.committee_id}/agenda/").json()["results"]
    assert [(row["id"], row["amendment"]) for row in agenda] == [(case.pk, case.amendment_id)]


def test_a_vote_on_an_initiative_carries_no_amendment(setup: Setup) -> None:
    body = api_client(setup.org.sales_lead).get(f"/api/committee-cases/{setup.case.pk}/").json()
    assert body["amendment"] is None
    assert body["amendment_proposal"] is None
