"""Attestation is a precondition: an initiative is submitted, and an amendment
proposed, only by someone who has acknowledged the version in force of every
policy that applies to the unit. Until then the answer is 409 with the list of
policies and versions to acknowledge, and nothing is written; afterwards the
attestation names exactly those versions."""

from decimal import Decimal

from governance.audit import Event
from governance.models import AuditEvent
from initiatives.models import Amendment, Initiative
from policies import services
from policies.models import Attestation
from tests.conftest import Org, acknowledge_policies, api_client, bring_to, propose, signed_in
from tests.policies.conftest import policy_in, republish


def test_submitting_without_acknowledging_is_refused_with_what_to_acknowledge(org: Org) -> None:
    everyone = policy_in(org, "published", title="Social media policy", body="v1\n")
    marketing = policy_in(org, "published", title="Brand voice", units=[org.marketing])
    policy_in(org, "published", title="Sales playbook", units=[org.sales])  # not Marketing's
    initiative = propose(org)
    client = api_client(org.marketing_member)
    url = f"/api/initiatives/{initiative.pk}/transitions/submit/"

    refused = client.post(url)
    assert refused.status_code == 409
    assert refused.json()["policies_to_acknowledge"] == [
        {"policy": marketing.pk, "title": "Brand voice", "version": 1},
        {"policy": everyone.pk, "title": "Social media policy", "version": 1},
    ]
    assert "Brand voice (v1)" in refused.json()["detail"]
    assert Initiative.objects.get(pk=initiative.pk).state == "draft"
    assert not Attestation.objects.exists()
    assert not AuditEvent.objects.filter(event=Event.POLICIES_ATTESTED).exists()

    services.policy_acknowledge(actor=org.marketing_member, policy=everyone)
    still = client.post(url)
    assert still.status_code == 409
    assert [p["policy"] for p in still.json()["policies_to_acknowledge"]] == [marketing.pk]

    services.policy_acknowledge(actor=org.marketing_member, policy=marketing)
    assert client.post(url).status_code == 200
    attested = set(
        Attestation.objects.filter(initiative=initiative, user=org.marketing_member).values_list(
            "policy_id", "version"
        )
    )
    assert attested == {(everyone.pk, 1), (marketing.pk, 1)}
    event = AuditEvent.objects.get(event=Event.POLICIES_ATTESTED)
    assert event.actor == org.marketing_member
    assert sorted(p["policy"] for p in event.new["policies"]) == sorted([everyone.pk, marketing.pk])


def test_an_acknowledgment_of_an_older_version_does_not_count(org: Org) -> None:
    policy = policy_in(org, "published", body="v1\n")
    services.policy_acknowledge(actor=org.marketing_member, policy=policy)
    republish(org, policy, "v2\n")
    initiative = propose(org)
    refused = api_client(org.marketing_member).post(
        f"/api/initiatives/{initiative.pk}/transitions/submit/"
    )
    assert refused.status_code == 409
    assert refused.json()["policies_to_acknowledge"][0]["version"] == 2


def test_proposing_an_amendment_needs_the_acknowledgments_too(org: Org) -> None:
    initiative = bring_to(org, "active")
    policy = policy_in(org, "published", units=[org.marketing])
    body = {"changes": {"budget": "2000"}, "reason": "More reach"}
    client = api_client(org.marketing_lead)
    url = f"/api/initiatives/{initiative.pk}/amendments/"
    refused = client.post(url, body, format="json")
    assert refused.status_code == 409
    assert refused.json()["policies_to_acknowledge"][0]["policy"] == policy.pk
    assert not Amendment.objects.exists()
    services.policy_acknowledge(actor=org.marketing_lead, policy=policy)
    assert client.post(url, body, format="json").status_code == 201
    assert Attestation.objects.filter(
        initiative=initiative, user=org.marketing_lead, policy=policy, version=1
    ).exists()
    assert Amendment.objects.get().changes == {"budget": "2000.00"}


def test_the_page_shows_the_statement_and_what_to_acknowledge_before_submitting(
    org: Org,
) -> None:
    policy = policy_in(org, "published", title="Brand voice", units=[org.marketing])
    initiative = propose(org)
    client = signed_in(org.marketing_member)
    page = client.get(f"/initiatives/{initiative.pk}/").content.decode()
    statement = page.index("By submitting, you attest")
    assert statement < page.index('value="submit"')
    assert f'href="/policies/{policy.pk}/#h-acknowledge"' in page
    assert "Acknowledge the policy marked above before you submit." in page

    refused = client.post(f"/initiatives/{initiative.pk}/transitions/submit/", follow=True)
    assert "Acknowledge the version in force" in refused.content.decode()
    assert Initiative.objects.get(pk=initiative.pk).state == "draft"

    acknowledge_policies(org.marketing_member, org.marketing)
    page = client.get(f"/initiatives/{initiative.pk}/").content.decode()
    assert "By submitting, you attest" in page
    assert "before you submit" not in page
    client.post(f"/initiatives/{initiative.pk}/transitions/submit/")
    assert Initiative.objects.get(pk=initiative.pk).state == "submitted"


def test_the_high_risk_path_attests_once_per_submission(org: Org) -> None:
    policy_in(org, "published")
    initiative = bring_to(org, "awaiting_sponsor", budget=Decimal(1000))
    assert Attestation.objects.filter(initiative=initiative).count() == 1
