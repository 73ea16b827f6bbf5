"""Separation of duties, declared once per transition and checked at decision
time: the authors of what is decided do not review or decide on it, whoever
approved for the CoE does not also give the sponsor's decision (not even as a
delegate), a policy's writers do not publish it (unless the CoE lead turned
the two-person rule off, with a reason), and a waiver's requester does not
approve it. Each refusal is a 403 naming the rule, and the transitions a user
may take leave out what the rule forbids."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from governance import services as org_services
from governance.audit import Event
from governance.models import AuditEvent, Membership, OrganizationRole
from initiatives import services as workflow
from initiatives.models import Initiative
from policies import services as policy_services
from policies.models import Policy, TwoPersonRule
from sponsors import services as sponsor_services
from tests.conftest import Org, api_client, bring_to, propose, signed_in
from tests.policies.conftest import draft_policy, policy_in

AUTHORS = (
    "Separation of duties: whoever owns, submitted or edited what is under review "
    "may not review or decide on it."
)
COE_APPROVER = (
    "Separation of duties: whoever approved this for the CoE may not also give "
    "the sponsor's decision, in their own name or as a delegate."
)
POLICY_AUTHORS = "Separation of duties: whoever wrote or edited this version may not publish it."


def take(user: object, initiative: Initiative, name: str) -> object:
    return api_client(user).post(
        f"/api/initiatives/{initiative.pk}/transitions/{name}/", {"comment": "noted"}
    )


def offered(user: object, path: str) -> set[str]:
    return {t["name"] for t in api_client(user).get(f"{path}transitions/").json()}


@pytest.fixture
def coe_lead_in_marketing(org: Org) -> Org:
    """The CoE lead also leads Marketing."""
    org_services.membership_set(
        actor=org.admin, user=org.coe_lead, business_unit=org.marketing, role=Membership.Role.LEAD
    )
    return org


def test_whoever_submitted_may_not_review_or_decide(coe_lead_in_marketing: Org) -> None:
    org = coe_lead_in_marketing
    initiative = propose(org, by="marketing_lead")
    assert take(org.coe_lead, initiative, "submit").status_code == 200
    refused = take(org.coe_lead, initiative, "start_review")
    assert refused.status_code == 403
    assert refused.json()["detail"] == AUTHORS
    assert take(org.coe_member, initiative, "start_review").status_code == 200
    approve = take(org.coe_lead, initiative, "approve")
    assert approve.status_code == 403
    assert approve.json()["detail"] == AUTHORS
    path = f"/api/initiatives/{initiative.pk}/"
    assert "approve" not in offered(org.coe_lead, path)
    assert Initiative.objects.get(pk=initiative.pk).state == "in_review"


def test_whoever_edited_the_submitted_version_may_not_decide(coe_lead_in_marketing: Org) -> None:
    org = coe_lead_in_marketing
    initiative = propose(org, by="marketing_member")
    workflow.initiative_update(
        actor=org.coe_lead, initiative=initiative, changes={"summary": "Sharper."}
    )
    for name, by in (("submit", "marketing_member"), ("start_review", "coe_member")):
        workflow.initiative_transition(actor=org.people[by], initiative=initiative, name=name)
    response = take(org.coe_lead, initiative, "approve")
    assert response.status_code == 403
    assert response.json()["detail"] == AUTHORS


def test_the_coe_approver_may_not_sign_off_as_the_sponsors_delegate(org: Org) -> None:
    # The sponsor delegated first: a delegation made earlier opens no way around the rule.
    sponsor_services.delegation_create(
        actor=org.sponsor,
        delegate=org.coe_lead,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + datetime.timedelta(days=5),
        reason="Travelling",
    )
    initiative = bring_to(org, "in_review", risk="high")
    assert take(org.coe_lead, initiative, "approve").json()["state"] == "awaiting_sponsor"
    path = f"/api/initiatives/{initiative.pk}/"
    assert offered(org.coe_lead, path) == set()
    for name in ("sponsor_approve", "sponsor_reject"):
        response = take(org.coe_lead, initiative, name)
        assert response.status_code == 403
        assert response.json()["detail"] == COE_APPROVER
    # The sponsor still decides in their own name.
    assert take(org.sponsor, initiative, "sponsor_approve").json()["state"] == "approved"


def test_the_coe_approver_of_an_amendment_may_not_sign_it_off(org: Org) -> None:
    sponsor_services.delegation_create(
        actor=org.sponsor,
        delegate=org.coe_lead,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + datetime.timedelta(days=5),
    )
    initiative = bring_to(org, "active")
    amendment = workflow.amendment_propose(
        actor=org.marketing_lead,
        initiative=initiative,
        changes={"budget": Decimal(90000)},
        reason="More reach",
    )
    client = api_client(org.coe_lead)
    base = f"/api/amendments/{amendment.pk}/transitions/"
    # The proposer, also a CoE member, may not review it.
    org_services.organization_role_grant(
        actor=org.admin, user=org.marketing_lead, role=OrganizationRole.Role.COE_MEMBER
    )
    proposer = api_client(org.marketing_lead).post(f"{base}start_review/")
    assert proposer.status_code == 403
    assert proposer.json()["detail"] == AUTHORS
    assert api_client(org.coe_member).post(f"{base}start_review/").status_code == 200
    assert client.post(f"{base}approve/").json()["state"] == "awaiting_sponsor"
    refused = client.post(f"{base}sponsor_approve/")
    assert refused.status_code == 403
    assert refused.json()["detail"] == COE_APPROVER


def test_a_new_review_cycle_starts_afresh(coe_lead_in_marketing: Org) -> None:
    """Whoever submitted an earlier cycle is not barred in the next one, unless
    they are among the authors of what is submitted again."""
    org = coe_lead_in_marketing
    initiative = propose(org, by="marketing_member")
    workflow.initiative_transition(actor=org.coe_lead, initiative=initiative, name="submit")
    assert take(org.coe_member, initiative, "start_review").status_code == 200
    assert take(org.coe_lead, initiative, "approve").status_code == 403
    assert take(org.coe_member, initiative, "request_changes").status_code == 200
    workflow.initiative_transition(actor=org.marketing_member, initiative=initiative, name="submit")
    assert take(org.coe_member, initiative, "start_review").status_code == 200
    assert take(org.coe_lead, initiative, "approve").status_code == 200


def test_a_policys_writer_may_not_publish_it(org: Org) -> None:
    policy = draft_policy(org, by="coe_member")
    policy_services.policy_update(
        actor=org.coe_lead, policy=policy, changes={"body": "Edited\n"}, change_reason="Tighten"
    )
    policy_services.policy_transition(actor=org.coe_member, policy=policy, name="submit")
    path = f"/api/policies/{policy.pk}/"
    assert "publish" not in offered(org.coe_lead, path)
    response = api_client(org.coe_lead).post(f"{path}transitions/publish/")
    assert response.status_code == 403
    assert response.json()["detail"] == POLICY_AUTHORS
    assert Policy.objects.get(pk=policy.pk).state == "in_review"


def test_only_the_writers_of_the_version_under_way_are_barred(org: Org) -> None:
    policy = draft_policy(org, by="coe_lead")
    policy_services.policy_transition(actor=org.coe_lead, policy=policy, name="submit")
    # Version 1 was written by the CoE lead: a second lead would have to publish it.
    assert "publish" not in offered(org.coe_lead, f"/api/policies/{policy.pk}/")
    published = policy_in(org, "published")  # written by the CoE member
    policy_services.policy_transition(actor=org.coe_member, policy=published, name="revise")
    policy_services.policy_update(
        actor=org.coe_member, policy=published, changes={"body": "v2\n"}, change_reason="Next"
    )
    policy_services.policy_transition(actor=org.coe_member, policy=published, name="submit")
    assert "publish" in offered(org.coe_lead, f"/api/policies/{published.pk}/")


def test_the_coe_lead_turns_the_two_person_rule_off_with_a_reason(org: Org) -> None:
    policy = draft_policy(org, by="coe_lead")
    policy_services.policy_transition(actor=org.coe_lead, policy=policy, name="submit")
    url = "/api/policies/two-person-rule/"
    assert (
        api_client(org.coe_member).post(url, {"enabled": False, "reason": "x"}).status_code == 403
    )
    assert api_client(org.marketing_lead).get(url).status_code == 403
    missing = api_client(org.coe_lead).post(url, {"enabled": False, "reason": " "})
    assert missing.status_code == 400
    assert set(missing.json()) == {"reason"}
    assert TwoPersonRule.current().enabled

    off = api_client(org.coe_lead).post(url, {"enabled": False, "reason": "Our CoE is one person"})
    assert off.status_code == 200
    assert off.json()["enabled"] is False
    assert off.json()["changed_by"] == "coe_lead"
    event = AuditEvent.objects.get(event=Event.POLICY_TWO_PERSON_RULE_CHANGED)
    assert (event.actor, event.new, event.comment) == (
        org.coe_lead,
        {"enabled": False},
        "Our CoE is one person",
    )
    published = api_client(org.coe_lead).post(f"/api/policies/{policy.pk}/transitions/publish/")
    assert published.status_code == 200

    page = signed_in(org.auditor).get("/audit/").content.decode()
    assert "Two-person rule for policies" in page
    assert "Our CoE is one person" in page
    assert "policy.two_person_rule_changed" in page
    # The auditor reads it; only the CoE lead gets the switch.
    assert 'name="reason"' not in page
    assert 'name="reason"' in signed_in(org.coe_lead).get("/audit/").content.decode()


def test_the_switch_on_the_audit_page_needs_the_coe_lead_and_a_reason(org: Org) -> None:
    client = signed_in(org.coe_lead)
    response = client.post("/policies/two-person-rule/", {"reason": ""}, follow=True)
    assert "Say why the rule changes." in response.content.decode()
    assert TwoPersonRule.current().enabled
    client.post("/policies/two-person-rule/", {"reason": "One-person CoE"})
    assert not TwoPersonRule.current().enabled
    forbidden = signed_in(org.auditor).post("/policies/two-person-rule/", {"reason": "x"})
    assert forbidden.status_code == 403
    assert not TwoPersonRule.current().enabled


def test_a_waivers_requester_may_not_approve_it(org: Org) -> None:
    org_services.membership_set(
        actor=org.admin, user=org.coe_lead, business_unit=org.marketing, role=Membership.Role.LEAD
    )
    policy = policy_in(org, "published")
    initiative = bring_to(org, "in_review")
    exception = policy_services.exception_request(
        actor=org.coe_lead,
        initiative=initiative,
        policy=policy,
        reason="Launch week",
        expires_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    response = api_client(org.coe_lead).post(
        f"/api/exceptions/{exception.pk}/transitions/approve/", {"comment": "ok"}
    )
    assert response.status_code == 403
    assert "requested" in response.json()["detail"]
