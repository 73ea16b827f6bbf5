"""The history endpoint answers a page in a fixed number of queries, however
long the history."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from policies.models import Policy
from tests.conftest import Org, api_client
from tests.policies.conftest import draft_policy

HistoricalPolicy = Policy.history.model  # type: ignore[attr-defined]
UnitRow = HistoricalPolicy._meta.get_field("historicalpolicy_business_units").related_model


def _with_versions(org: Org, count: int) -> Policy:
    """A policy with `count` history rows: the creation, then edits written
    directly (building 2,000 through the services would only slow the test)."""
    policy = draft_policy(org, units=[org.marketing])
    start = timezone.now()
    rows = HistoricalPolicy.objects.bulk_create(
        HistoricalPolicy(
            id=policy.pk,
            title=policy.title,
            category=policy.category,
            body=f"Body {i}\n",
            owner_id=policy.owner_id,
            review_interval_months=12,
            version=0,
            state="draft",
            created_at=policy.created_at,
            history_date=start + datetime.timedelta(seconds=i + 1),
            history_type="~",
            history_user=org.coe_member if i % 2 else org.coe_lead,
            history_change_reason=f"edit {i}",
        )
        for i in range(count - 1)
    )
    if not all(r.history_id for r in rows):  # backends that do not return ids
        rows = list(HistoricalPolicy.objects.filter(id=policy.pk, history_type="~"))
    link = Policy.business_units.through.objects.get(policy=policy)
    UnitRow.objects.bulk_create(
        UnitRow(
            id=link.pk,
            history_id=r.history_id,
            policy_id=policy.pk,
            businessunit_id=org.marketing.pk,
        )
        for r in rows
    )
    assert policy.history.count() == count
    return policy


def _queries_for_a_page(org: Org, policy: Policy, page: int) -> int:
    client = api_client(org.auditor)
    url = f"/api/policies/{policy.pk}/history/?page_size=20&page={page}"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == 20
    return len(queries)


@pytest.mark.parametrize("page", ["first", "last"])
def test_a_history_page_costs_the_same_for_20_and_2000_versions(org: Org, page: str) -> None:
    short = _with_versions(org, 20)
    long = _with_versions(org, 2000)
    short_count = _queries_for_a_page(org, short, 1)
    long_count = _queries_for_a_page(org, long, 1 if page == "first" else 100)
    assert short_count == long_count
    assert long_count <= 10


def test_changed_fields_are_computed_across_a_long_history(org: Org) -> None:
    policy = _with_versions(org, 2000)
    client = api_client(org.coe_lead)
    last = client.get(f"/api/policies/{policy.pk}/history/?page_size=20&page=100").json()
    assert last["count"] == 2000
    oldest = last["results"][-1]
    assert (oldest["change_reason"], oldest["user"]) == ("created", "coe_member")
    assert "title" in oldest["changed_fields"]
    assert last["results"][0]["changed_fields"] == ["body"]
