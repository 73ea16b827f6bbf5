"""The API's initiative list writes its rows from values, not through the
serializer (initiatives.api.ListedInitiatives): every row must be exactly the
serializer's answer for the same initiative, and the list must show exactly
what the caller may see, committee grants included."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIRequestFactory

from governance import access
from governance import services as org_services
from initiatives import selectors
from initiatives.api import InitiativeSerializer
from initiatives.models import Initiative
from tests.conftest import Org, api_client, bring_to, propose


def serializer_answer(queryset: QuerySet[Initiative], user: Any) -> list[bytes]:
    """Each initiative as the serializer writes it, rendered as the API renders it."""
    request = APIRequestFactory().get("/api/initiatives/")
    request.user = user
    data = InitiativeSerializer(queryset, many=True, context={"request": request}).data
    return [JSONRenderer().render(row) for row in data]


def listed(user: Any, path: str = "/api/initiatives/?page_size=200") -> dict[str, Any]:
    response = api_client(user).get(path)
    assert response.status_code == 200, response.content
    return response.json()


def varied(org: Org) -> None:
    """Initiatives with what can be written differently: no dates or dates,
    no goal, one or two goals (in the goals' order, not the links'), cents,
    a large budget, every wait (none, the CoE's, overdue, the sponsor's)."""
    second = org_services.goal_create(actor=org.admin, title="Another goal")
    first = org_services.goal_create(actor=org.admin, title="A first goal")
    propose(org, title="No dates", goals=[], kpis="")
    propose(
        org,
        title="Two goals, dates, cents",
        goals=[second, first],
        budget=Decimal("12000.50"),
        start_date=datetime.date(2027, 1, 1),
        end_date=datetime.date(2027, 6, 30),
        channels=["WhatsApp", "Forum"],
        functions=["marketing"],
    )
    propose(org, title="Large", budget=Decimal("999999999.99"), unit=org.sales, by="sales_member")
    bring_to(org, "submitted")
    bring_to(org, "in_review")
    waiting = bring_to(org, "awaiting_sponsor")
    # Overdue: the sponsor's wait began long ago.
    Initiative.objects.filter(pk=waiting.pk).update(
        waiting_since=timezone.now() - datetime.timedelta(days=60)
    )
    bring_to(org, "approved")


@pytest.mark.parametrize("who", ["coe_lead", "marketing_member", "sponsor", "sales_member"])
def test_each_listed_row_is_the_serializers_answer(org: Org, who: str) -> None:
    varied(org)
    user = org.people[who]
    body = listed(user)

    shown = selectors.as_listed(queryset=selectors.visible_initiatives(user=user))
    expected = serializer_answer(shown, user)
    assert body["count"] == len(expected) > 0
    assert [JSONRenderer().render(row) for row in body["results"]] == expected


def test_the_list_answers_every_field_in_the_serializers_order(org: Org) -> None:
    varied(org)
    row = listed(org.coe_lead)["results"][0]
    assert list(row) == list(InitiativeSerializer().fields)


def test_two_goals_are_listed_in_the_goals_order(org: Org) -> None:
    varied(org)
    row = next(r for r in listed(org.coe_lead)["results"] if r["title"].startswith("Two goals"))
    goals = Initiative.objects.get(pk=row["id"]).goals.all()
    assert row["goals"] == [g.pk for g in goals]
    assert [g.title for g in goals] == ["A first goal", "Another goal"]
    assert row["budget"] == "12000.50"
    assert (row["start_date"], row["end_date"]) == ("2027-01-01", "2027-06-30")


def test_an_overdue_sign_off_is_listed_overdue(org: Org) -> None:
    varied(org)
    rows = listed(org.coe_lead)["results"]
    waits = {r["state"]: (r["waiting_days"] is not None, r["overdue"]) for r in rows}
    assert waits["awaiting_sponsor"] == (True, True)
    assert waits["submitted"] == (True, False)
    assert waits["approved"] == (False, False)


def committee_grant(org: Org, user: Any, initiative: Initiative) -> None:
    access.grant(role=access.Role.COMMITTEE_REVIEWER, user=user, obj=initiative, actor=org.admin)


def test_a_committee_member_lists_what_they_decide_on_and_their_units(org: Org) -> None:
    own = propose(org, title="Sales' own", unit=org.sales, by="sales_member")
    decided = propose(org, title="Marketing's, decided by a committee")
    propose(org, title="Marketing's, not shown")
    committee_grant(org, org.sales_member, decided)

    body = listed(org.sales_member)

    assert body["count"] == 2
    assert {r["id"] for r in body["results"]} == {own.pk, decided.pk}


def test_an_outsider_with_one_grant_lists_that_one(org: Org) -> None:
    decided = propose(org, title="Decided by a committee")
    propose(org, title="Not shown")
    assert listed(org.outsider)["count"] == 0

    committee_grant(org, org.outsider, decided)

    body = listed(org.outsider)
    assert body["count"] == 1
    assert [r["id"] for r in body["results"]] == [decided.pk]


def test_more_grants_than_are_read_first_still_list_every_one(
    org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    granted = [propose(org, title=f"Decided {n}") for n in range(3)]
    propose(org, title="Not shown")
    for initiative in granted:
        committee_grant(org, org.outsider, initiative)
    monkeypatch.setattr(selectors, "LITERAL_GRANTS", 2)

    body = listed(org.outsider)

    assert body["count"] == 3
    assert {r["id"] for r in body["results"]} == {i.pk for i in granted}


def test_an_inactive_user_is_refused_and_lists_nothing(org: Org) -> None:
    propose(org)
    client = api_client(org.marketing_member)
    org.marketing_member.is_active = False
    org.marketing_member.save()
    assert client.get("/api/initiatives/").status_code in (401, 403)
    assert selectors.listed_initiatives(user=org.marketing_member).count() == 0


def test_filters_and_ordering_apply_to_the_listed_rows(org: Org) -> None:
    varied(org)
    body = listed(org.coe_lead, "/api/initiatives/?state=submitted")
    assert [r["state"] for r in body["results"]] == ["submitted"]
    body = listed(org.coe_lead, "/api/initiatives/?ordering=budget")
    budgets = [Decimal(r["budget"]) for r in body["results"]]
    assert budgets == sorted(budgets)
    body = listed(org.coe_lead, "/api/initiatives/?page_size=2&page=2")
    assert len(body["results"]) == 2
    assert body["previous"] is not None
