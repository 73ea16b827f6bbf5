"""The portfolio: exact totals, who sees which units, and a constant number of
queries however large the portfolio."""

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance import services as org_services
from initiatives import services
from initiatives.models import Decision, Initiative, State
from tests.conftest import Org, api_client, bring_to


@pytest.fixture
def known(org: Org) -> dict[str, Initiative]:
    return known_portfolio(org)


def known_portfolio(org: Org) -> dict[str, Initiative]:
    """A portfolio whose every figure is known (the portfolio page checks the same)."""
    second = org_services.goal_create(actor=org.admin, title="Serve customers")
    paused = bring_to(org, "paused", budget=Decimal(3000))
    # An approved amendment takes the paused initiative's goal away.
    amendment = services.amendment_propose(
        actor=org.marketing_lead, initiative=paused, changes={"goals": []}, reason="Refocus."
    )
    for name, by in (("start_review", org.coe_member), ("approve", org.coe_lead)):
        amendment = services.amendment_transition(actor=by, amendment=amendment, name=name)
    return {
        "approved": bring_to(org, "approved", budget=Decimal(1000)),
        "active": bring_to(org, "active", budget=Decimal(2000), goals=[org.goal, second]),
        "paused": paused,
        "draft": bring_to(org, "draft", budget=Decimal(500)),
        "rejected": bring_to(org, "rejected", budget=Decimal(700)),
        "sales_active": bring_to(
            org, "active", unit="sales", budget=Decimal(4000), goals=[org.inactive_goal]
        ),
        "awaiting": bring_to(org, "awaiting_sponsor", budget=Decimal(60000)),
    }


def test_the_whole_organization_totals_are_exact(org: Org, known: dict) -> None:
    body = api_client(org.coe_lead).get("/api/portfolio/").json()

    assert body["counts_by_state"] | {} == {
        **dict.fromkeys(State.values, 0),
        "approved": 1,
        "active": 2,
        "paused": 1,
        "draft": 1,
        "rejected": 1,
        "awaiting_sponsor": 1,
    }
    assert body["committed_budget"] == "10000.00"
    assert {u["name"]: u["budget"] for u in body["budget_by_business_unit"]} == {
        "Marketing": "6000.00",
        "Sales": "4000.00",
    }
    assert {g["title"]: g["budget"] for g in body["budget_by_goal"]} == {
        "Grow brand awareness": "3000.00",
        "Serve customers": "2000.00",
        "Retired goal": "4000.00",
    }
    # Aligned: approved (1000) and active (2000); the paused one has no goal and
    # the sales one serves an inactive goal.
    assert body["aligned_budget"] == "3000.00"
    assert body["aligned_share"] == "0.3000"
    assert [i["id"] for i in body["without_goal"]] == [known["paused"].pk]
    # The CoE lead has no sign-off to give: the awaiting item is the sponsor's.
    assert body["awaiting_decision"] == []


def test_a_sponsor_sees_their_units_only(org: Org, known: dict) -> None:
    body = api_client(org.sponsor).get("/api/portfolio/").json()
    assert [u["name"] for u in body["business_units"]] == ["Marketing"]
    assert body["committed_budget"] == "6000.00"
    assert body["aligned_share"] == "0.5000"
    assert [i["id"] for i in body["awaiting_decision"]] == [known["awaiting"].pk]
    assert body["awaiting_decision"][0]["priority_rank"] == 1


def test_the_coe_lead_awaits_in_review_items_not_sponsor_sign_offs(org: Org, known: dict) -> None:
    in_review = bring_to(org, "in_review")
    body = api_client(org.coe_lead).get("/api/portfolio/").json()
    assert [i["id"] for i in body["awaiting_decision"]] == [in_review.pk]


@pytest.mark.parametrize(
    ("persona", "units"),
    [
        ("coe_lead", ["Marketing", "Sales"]),
        ("auditor", ["Marketing", "Sales"]),
        ("sponsor", ["Marketing"]),
        ("sales_sponsor", ["Sales"]),
        ("marketing_member", ["Marketing"]),
        ("sales_lead", ["Sales"]),
        ("outsider", []),
    ],
)
def test_portfolio_visibility_per_role(org: Org, persona: str, units: list[str]) -> None:
    body = api_client(org.people[persona]).get("/api/portfolio/").json()
    assert [u["name"] for u in body["business_units"]] == units


def test_narrowing_to_a_unit_outside_the_portfolio_is_404(org: Org) -> None:
    client = api_client(org.sponsor)
    assert client.get(f"/api/portfolio/?business_unit={org.sales.pk}").status_code == 404
    assert client.get(f"/api/portfolio/?business_unit={org.marketing.pk}").status_code == 200
    assert client.get("/api/portfolio/?business_unit=abc").status_code == 400


def test_the_export_has_one_row_per_visible_initiative(org: Org, known: dict) -> None:
    response = api_client(org.sponsor).get("/api/portfolio/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode().strip().splitlines()
    assert lines[0].startswith("id,title,business_unit,state")
    marketing = [i for k, i in known.items() if not k.startswith("sales")]
    assert sorted(int(line.split(",")[0]) for line in lines[1:]) == sorted(i.pk for i in marketing)


def _bulk_portfolio(org: Org, count: int) -> None:
    """`count` initiatives of Marketing over the states, written in bulk: this
    is a read benchmark, the workflow itself is tested elsewhere."""
    states = [State.ACTIVE, State.APPROVED, State.AWAITING_SPONSOR, State.IN_REVIEW, State.DRAFT]
    rows = [
        Initiative(
            title=f"Bulk {i}",
            summary="s",
            business_unit=org.marketing,
            owner=org.marketing_member,
            budget=Decimal(100 + i),
            audiences=["customers"],
            state=states[i % len(states)],
        )
        for i in range(count)
    ]
    created = Initiative.objects.bulk_create(rows)
    Initiative.goals.through.objects.bulk_create(
        [
            Initiative.goals.through(initiative_id=i.pk, strategicgoal_id=org.goal.pk)
            for i in created[::2]
        ]
    )
    Decision.objects.bulk_create(
        [
            Decision(
                initiative=i,
                transition="submit",
                source="draft",
                target="submitted",
                actor=org.marketing_member,
            )
            for i in created
            if i.state != State.DRAFT
        ]
    )
    services.initiative_waits_refresh()


def test_portfolio_queries_do_not_grow_with_the_portfolio(org: Org) -> None:
    def measure(count: int) -> int:
        Decision.objects.all().delete()
        Initiative.objects.all().delete()
        _bulk_portfolio(org, count)
        client = api_client(org.sponsor)
        client.get("/api/portfolio/")  # warm the token and content-type caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/portfolio/")
        assert response.status_code == 200
        assert sum(response.json()["counts_by_state"].values()) == count
        return len(queries)

    small, large = measure(10), measure(1000)
    assert small == large
    # 19 for the portfolio, and 2 for the token: knox reads the token, then the
    # holder's other tokens to clear the expired ones.
    assert large <= 21


def _published(org: Org, units: list) -> Any:
    from policies import services as policy_services

    policy = policy_services.policy_create(
        actor=org.coe_member,
        title="Social media policy",
        category="social_media",
        body="Be kind.",
        business_units=units,
    )
    policy = policy_services.policy_transition(actor=org.coe_member, policy=policy, name="submit")
    return policy_services.policy_transition(actor=org.coe_lead, policy=policy, name="publish")


def test_policy_coverage_and_expiring_exceptions(org: Org) -> None:
    import datetime

    from django.utils import timezone

    from policies import services as policy_services

    soon, later = bring_to(org, "active"), bring_to(org, "active")
    policy = _published(org, [org.marketing])
    policy_services.policy_acknowledge(actor=org.marketing_lead, policy=policy)
    today = timezone.localdate()
    for initiative, days in ((soon, 10), (later, 60)):
        exception = policy_services.exception_request(
            actor=org.marketing_lead,
            initiative=initiative,
            policy=policy,
            reason="Pilot",
            expires_on=today + datetime.timedelta(days=days),
        )
        policy_services.exception_transition(
            actor=org.coe_lead, exception=exception, name="approve", comment="Fine"
        )

    body = api_client(org.coe_lead).get("/api/portfolio/").json()

    coverage = {row["name"]: row for row in body["policy_coverage"]}
    assert coverage["Marketing"] | {} == {
        "id": org.marketing.pk,
        "name": "Marketing",
        "policies": 1,
        "staff": 2,
        "acknowledged_current": 1,
        "share": 0.5,
    }
    assert coverage["Sales"]["policies"] == 0
    assert coverage["Sales"]["share"] is None
    assert [e["initiative"] for e in body["exceptions_expiring"]] == [soon.pk]


def test_the_export_neutralises_cells_that_look_like_formulas(org: Org) -> None:
    bring_to(org, "draft", title='=HYPERLINK("http://example.invalid")')
    response = api_client(org.sponsor).get("/api/portfolio/export.csv")
    body = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK" in body
    assert ",=HYPERLINK" not in body
