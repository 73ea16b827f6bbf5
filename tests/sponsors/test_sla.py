"""Review targets in business days, across weekends, from the decision log."""

import datetime

import pytest

from initiatives.selectors import business_days_between
from tests.conftest import Org, api_client, bring_to
from tests.sponsors.conftest import age

FRIDAY = datetime.date(2026, 11, 20)


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (FRIDAY, FRIDAY, 0),
        (FRIDAY, FRIDAY + datetime.timedelta(days=1), 0),  # Saturday
        (FRIDAY, FRIDAY + datetime.timedelta(days=3), 1),  # Monday
        (FRIDAY, FRIDAY + datetime.timedelta(days=7), 5),  # next Friday
        (FRIDAY + datetime.timedelta(days=1), FRIDAY + datetime.timedelta(days=3), 1),
        (FRIDAY, FRIDAY + datetime.timedelta(days=14), 10),
        (FRIDAY, FRIDAY - datetime.timedelta(days=3), 0),
    ],
)
def test_business_days_skip_weekends(start: datetime.date, end: datetime.date, days: int) -> None:
    assert business_days_between(start=start, end=end) == days


def test_a_fresh_submission_is_not_overdue(org: Org) -> None:
    initiative = bring_to(org, "submitted")
    body = api_client(org.coe_lead).get(f"/api/initiatives/{initiative.pk}/").json()
    assert (body["waiting_days"], body["overdue"]) == (0, False)


def test_a_review_waiting_past_five_business_days_is_overdue(org: Org) -> None:
    initiative = bring_to(org, "in_review")
    age(initiative, 14)  # two calendar weeks: ten business days
    body = api_client(org.coe_lead).get(f"/api/initiatives/{initiative.pk}/").json()
    assert (body["waiting_days"], body["overdue"]) == (10, True)
    listed = api_client(org.coe_lead).get("/api/initiatives/").json()["results"]
    assert listed[0]["overdue"] is True


def test_the_sponsor_clock_starts_when_awaiting_begins(org: Org) -> None:
    initiative = bring_to(org, "awaiting_sponsor")
    age(initiative, 14, transition="submit")
    body = api_client(org.sponsor).get(f"/api/initiatives/{initiative.pk}/").json()
    assert (body["waiting_days"], body["overdue"]) == (0, False)
    age(initiative, 7, target="awaiting_sponsor")  # five business days > three
    body = api_client(org.sponsor).get(f"/api/initiatives/{initiative.pk}/").json()
    assert (body["waiting_days"], body["overdue"]) == (5, True)
    portfolio = api_client(org.sponsor).get("/api/portfolio/").json()
    assert [i["id"] for i in portfolio["overdue"]] == [initiative.pk]


def test_states_without_a_pending_decision_have_no_wait(org: Org) -> None:
    initiative = bring_to(org, "active")
    body = api_client(org.coe_lead).get(f"/api/initiatives/{initiative.pk}/").json()
    assert (body["waiting_days"], body["overdue"]) == (None, False)
