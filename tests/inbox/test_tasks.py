"""What waits for whom: each role finds its tasks in the inbox, oldest first,
overdue marked, a delegate's sign-offs "on behalf of" their sponsor; nobody
is asked to decide on their own work."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from inbox import selectors, sources
from initiatives import services as workflow
from sponsors import services as sponsor_services
from tests.conftest import Org, api_client, bring_to, signed_in
from tests.sponsors.conftest import age


def delegate(org: Org, user: Any) -> None:
    today = timezone.localdate()
    sponsor_services.delegation_create(
        actor=org.sponsor,
        delegate=user,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=5),
        reason="Travelling",
    )


def kinds(user: Any) -> list[tuple[str, str]]:
    return [(task.kind, task.label) for task in selectors.as_tasks(selectors.tasks(user=user))]


def test_the_coe_is_asked_to_review_submitted_initiatives(org: Org) -> None:
    initiative = bring_to(org, "submitted", title="Podcast")
    assert (sources.REVIEW, "Podcast") in kinds(org.coe_member)
    assert (sources.REVIEW, "Podcast") in kinds(org.coe_lead)
    assert kinds(org.marketing_member) == [] or all(
        kind != sources.REVIEW for kind, _label in kinds(org.marketing_member)
    )
    assert initiative.owner == org.marketing_member


def test_the_sponsor_is_asked_to_sign_off_in_their_own_right(org: Org) -> None:
    bring_to(org, "awaiting_sponsor", title="Big launch")
    tasks = selectors.as_tasks(selectors.tasks(user=org.sponsor))
    assert [(t.kind, t.label, t.on_behalf_of) for t in tasks] == [
        (sources.SIGNOFF, "Big launch", None)
    ]
    assert kinds(org.sales_sponsor) == []


def test_a_delegate_is_asked_to_sign_off_on_behalf_of_the_sponsor(org: Org) -> None:
    bring_to(org, "awaiting_sponsor", title="Big launch")
    delegate(org, org.sales_lead)
    tasks = selectors.as_tasks(selectors.tasks(user=org.sales_lead))
    assert [(t.kind, t.label, t.on_behalf_of) for t in tasks] == [
        (sources.SIGNOFF, "Big launch", "sponsor")
    ]
    page = signed_in(org.sales_lead).get("/inbox/")
    assert "on behalf of sponsor" in page.content.decode()


def test_an_owner_is_asked_to_revise_what_came_back(org: Org) -> None:
    bring_to(org, "changes_requested", title="Returned one")
    assert (sources.RETURNED, "Returned one") in kinds(org.marketing_member)
    assert (sources.RETURNED, "Returned one") not in kinds(org.marketing_lead)


def test_nobody_is_asked_to_sign_off_on_their_own_initiative(org: Org) -> None:
    delegate(org, org.marketing_member)
    bring_to(org, "awaiting_sponsor", title="Own")
    assert all(kind != sources.SIGNOFF for kind, _ in kinds(org.marketing_member))


def test_tasks_come_oldest_first_and_overdue_ones_are_marked(org: Org) -> None:
    old = bring_to(org, "submitted", title="Old")
    bring_to(org, "submitted", title="New")
    age(old, 20)
    tasks = [
        t
        for t in selectors.as_tasks(selectors.tasks(user=org.coe_lead))
        if t.kind == sources.REVIEW
    ]
    assert [(t.label, t.overdue) for t in tasks] == [("Old", True), ("New", False)]


def test_a_decision_clears_the_task(org: Org) -> None:
    initiative = bring_to(org, "awaiting_sponsor", title="Big launch")
    workflow.initiative_transition(actor=org.sponsor, initiative=initiative, name="sponsor_approve")
    assert kinds(org.sponsor) == []


def test_the_api_lists_the_callers_tasks(org: Org) -> None:
    bring_to(org, "awaiting_sponsor", title="Big launch")
    delegate(org, org.sales_lead)
    body = api_client(org.sales_lead).get("/api/me/tasks/").json()
    assert body["count"] == 1
    (task,) = body["results"]
    assert task["kind"] == sources.SIGNOFF
    assert task["on_behalf_of"] == "sponsor"
    assert task["title"] == "Big launch"
    assert task["url"].startswith("/initiatives/")
    assert api_client(None).get("/api/me/tasks/").status_code == 401


@pytest.mark.parametrize("path", ["/inbox/", "/account/profile/", "/account/delegations/"])
def test_the_pages_need_a_sign_in(org: Org, client: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert "/login/" in response["Location"]
