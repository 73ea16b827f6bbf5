"""A version published to take effect later is scheduled: the version before
it stays in force until its day, for every reader that asks which version
applies (detail, acknowledgment, coverage, attestation, portfolio, maturity),
and nothing has to run on the day for the answer to change."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from governance.models import BusinessUnit
from initiatives import services as workflow
from policies import selectors, services
from policies.models import Acknowledgment, Attestation, Policy
from sponsors.selectors import policy_coverage
from tests.conftest import Org, api_client, propose, signed_in
from tests.policies.conftest import policy_in

TODAY = timezone.localdate


def publish_next(o: Org, policy: Policy, body: str, **extra: Any) -> Any:
    """Revise, edit and submit through the services; publish through the API."""
    policy = services.policy_transition(actor=o.coe_member, policy=policy, name="revise")
    policy = services.policy_update(
        actor=o.coe_member, policy=policy, changes={"body": body}, change_reason="Next version"
    )
    policy = services.policy_transition(actor=o.coe_member, policy=policy, name="submit")
    return api_client(o.coe_lead).post(
        f"/api/policies/{policy.pk}/transitions/publish/", extra, format="json"
    )


@pytest.fixture
def scheduled(org: Org) -> Policy:
    """Version 1 in force for Marketing, version 2 published to take effect in six days."""
    policy = policy_in(org, "published", body="v1\n", units=[org.marketing])
    in_six_days = TODAY() + datetime.timedelta(days=6)
    response = publish_next(org, policy, "v2\n", effective_date=in_six_days.isoformat())
    assert response.status_code == 200, response.content
    return Policy.objects.get(pk=policy.pk)


def test_publish_takes_the_effective_date_and_schedules_the_version(
    org: Org, scheduled: Policy
) -> None:
    data = api_client(org.coe_lead).get(f"/api/policies/{scheduled.pk}/").json()
    assert data["version"] == 2
    assert data["version_in_force"] == 1
    assert data["published"]["version"] == 2
    assert data["published"]["effective_date"] == str(TODAY() + datetime.timedelta(days=6))
    assert data["published"]["in_force"] is False
    assert data["published"]["scheduled"] is True


def test_staff_read_the_version_in_force_and_see_the_upcoming_one(
    org: Org, scheduled: Policy
) -> None:
    data = api_client(org.marketing_member).get(f"/api/policies/{scheduled.pk}/").json()
    assert (data["version"], data["body"], data["in_force"]) == (1, "v1\n", True)
    assert data["upcoming"]["version"] == 2
    assert data["upcoming"]["effective_date"] == str(TODAY() + datetime.timedelta(days=6))
    page = signed_in(org.marketing_member).get(f"/policies/{scheduled.pk}/").content.decode()
    assert "v1" in page
    assert "Acknowledge version 1" in page
    assert "Acknowledge version 2 in advance" in page


def test_the_same_selector_answers_for_any_day_without_a_job(org: Org, scheduled: Policy) -> None:
    in_six_days = TODAY() + datetime.timedelta(days=6)
    assert selectors.version_in_force(policy=scheduled).version == 1
    assert selectors.version_in_force(policy=scheduled, on=in_six_days).version == 2
    on_the_day = selectors.policies_in_force_for_unit(unit_id=org.marketing.pk, on=in_six_days)
    assert [selectors.shown_version(policy=p) for p in on_the_day] == [2]
    today = api_client(org.marketing_member).get(
        f"/api/policies/{scheduled.pk}/as-of/?date={TODAY().isoformat()}"
    )
    assert today.json()["version"] == 1


def test_acknowledging_records_the_version_in_force_unless_asked_in_advance(
    org: Org, scheduled: Policy
) -> None:
    client = api_client(org.marketing_member)
    now = client.post(f"/api/policies/{scheduled.pk}/acknowledge/")
    assert now.status_code == 200
    assert now.json()["version"] == 1
    ahead = client.post(f"/api/policies/{scheduled.pk}/acknowledge/", {"version": 2})
    assert ahead.status_code == 200
    assert ahead.json()["version"] == 2
    other = client.post(f"/api/policies/{scheduled.pk}/acknowledge/", {"version": 3})
    assert other.status_code == 400
    assert set(other.json()) == {"version"}
    assert sorted(
        Acknowledgment.objects.filter(policy=scheduled).values_list("version", flat=True)
    ) == [1, 2]
    data = client.get(f"/api/policies/{scheduled.pk}/").json()
    assert data["acknowledged"] is True
    assert data["acknowledgment_outdated"] is False


def test_coverage_is_measured_against_the_version_in_force(org: Org, scheduled: Policy) -> None:
    # The lead acknowledged only the upcoming version: not the one in force.
    services.policy_acknowledge(actor=org.marketing_lead, policy=scheduled, version=2)
    services.policy_acknowledge(actor=org.marketing_member, policy=scheduled)
    data = api_client(org.coe_lead).get(f"/api/policies/{scheduled.pk}/acknowledgments/").json()
    assert data["version"] == 1
    (marketing,) = data["business_units"]
    assert marketing["acknowledged"] == ["marketing_member"]
    assert marketing["outdated"] == [{"user": "marketing_lead", "version": 2}]
    (row,) = policy_coverage(units=BusinessUnit.objects.filter(pk=org.marketing.pk))
    assert (row["staff"], row["acknowledged_current"]) == (2, 1)


def test_the_attestation_names_the_version_in_force(org: Org, scheduled: Policy) -> None:
    services.policy_acknowledge(actor=org.marketing_member, policy=scheduled)
    initiative = propose(org)
    workflow.initiative_transition(actor=org.marketing_member, initiative=initiative, name="submit")
    assert list(
        Attestation.objects.filter(initiative=initiative).values_list("policy_id", "version")
    ) == [(scheduled.pk, 1)]


def test_an_effective_date_in_the_past_or_off_publish_is_refused(org: Org) -> None:
    policy = policy_in(org, "published", body="v1\n")
    yesterday = TODAY() - datetime.timedelta(days=1)
    response = publish_next(org, policy, "v2\n", effective_date=yesterday.isoformat())
    assert response.status_code == 400
    assert set(response.json()) == {"effective_date"}
    assert Policy.objects.get(pk=policy.pk).version == 1
    garbled = api_client(org.coe_lead).post(
        f"/api/policies/{policy.pk}/transitions/publish/", {"effective_date": "soon"}
    )
    assert garbled.status_code == 400
    assert set(garbled.json()) == {"effective_date"}
    retire = api_client(org.coe_lead).post(
        f"/api/policies/{policy.pk}/transitions/retire/",
        {"effective_date": TODAY().isoformat()},
    )
    assert retire.status_code == 400
    assert set(retire.json()) == {"effective_date"}


def test_a_first_version_scheduled_is_upcoming_not_in_force(org: Org) -> None:
    policy = policy_in(org, "in_review", body="v1\n", units=[org.marketing])
    later = TODAY() + datetime.timedelta(days=3)
    response = api_client(org.coe_lead).post(
        f"/api/policies/{policy.pk}/transitions/publish/",
        {"effective_date": later.isoformat()},
    )
    assert response.status_code == 200, response.content
    assert not selectors.policies_in_force_for_unit(unit_id=org.marketing.pk).exists()
    data = api_client(org.marketing_member).get(f"/api/policies/{policy.pk}/").json()
    assert data["in_force"] is False
    assert data["upcoming"]["version"] == 1
    now = api_client(org.marketing_member).post(f"/api/policies/{policy.pk}/acknowledge/")
    assert now.status_code == 400
    assert set(now.json()) == {"version"}
    # Nothing applies yet, so submitting attests nothing and needs nothing.
    initiative = propose(org)
    workflow.initiative_transition(actor=org.marketing_member, initiative=initiative, name="submit")
    assert not Attestation.objects.filter(initiative=initiative).exists()
