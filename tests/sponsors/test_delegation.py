"""A sponsor's delegate signs off in the window and only then; no chains, no
delegating to oneself; every step audited."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from governance import access
from governance import services as org_services
from governance.models import AuditEvent, Membership
from initiatives import services
from initiatives.models import Decision, Initiative
from sponsors import selectors
from sponsors import services as sponsor_services
from tests.conftest import Org, api_client, bring_to, signed_in

TODAY = timezone.localdate


def delegate_to(org: Org, user: object, start: int = 0, end: int = 5) -> object:
    return sponsor_services.delegation_create(
        actor=org.sponsor,
        delegate=user,
        starts_on=TODAY() + datetime.timedelta(days=start),
        ends_on=TODAY() + datetime.timedelta(days=end),
        reason="Travelling",
    )


def test_a_delegate_signs_off_on_behalf_of_the_sponsor(org: Org) -> None:
    delegate_to(org, org.outsider)
    initiative = bring_to(org, "awaiting_sponsor")

    response = api_client(org.outsider).post(
        f"/api/initiatives/{initiative.pk}/transitions/sponsor_approve/", {}, format="json"
    )

    assert response.status_code == 200, response.json()
    decision = Decision.objects.filter(initiative=initiative).last()
    assert (decision.actor, decision.on_behalf_of) == (org.outsider, org.sponsor)
    log = api_client(org.auditor).get(f"/api/initiatives/{initiative.pk}/decisions/").json()
    assert log["results"][-1]["on_behalf_of"] == "sponsor"
    used = AuditEvent.objects.get(event="delegation.used")
    assert used.new == {"transition": "sponsor_approve", "on_behalf_of": "sponsor"}


def test_a_delegate_sees_the_sponsors_initiatives_only_during_the_window(org: Org) -> None:
    initiative = bring_to(org, "awaiting_sponsor")
    client = api_client(org.outsider)
    assert client.get(f"/api/initiatives/{initiative.pk}/").status_code == 404
    delegate_to(org, org.outsider)
    assert client.get(f"/api/initiatives/{initiative.pk}/").status_code == 200
    names = [t["name"] for t in client.get(f"/api/initiatives/{initiative.pk}/transitions/").json()]
    assert names == ["sponsor_approve", "sponsor_reject"]


def test_a_delegation_that_has_not_started_gives_nothing(org: Org) -> None:
    org_services.membership_set(
        actor=org.admin,
        user=org.outsider,
        business_unit=org.marketing,
        role=Membership.Role.MEMBER,
    )
    delegate_to(org, org.outsider, start=1, end=3)
    initiative = bring_to(org, "awaiting_sponsor")
    with pytest.raises(PermissionDenied):
        services.initiative_transition(
            actor=org.outsider, initiative=initiative, name="sponsor_approve"
        )


def test_a_delegation_that_has_ended_gives_nothing(org: Org) -> None:
    delegation = delegate_to(org, org.outsider)
    initiative = bring_to(org, "awaiting_sponsor")
    sponsor_services.delegation_end(actor=org.sponsor, delegation=delegation)
    response = api_client(org.outsider).post(
        f"/api/initiatives/{initiative.pk}/transitions/sponsor_approve/", {}, format="json"
    )
    assert response.status_code == 404
    assert Initiative.objects.get(pk=initiative.pk).state == "awaiting_sponsor"
    assert AuditEvent.objects.filter(event="delegation.ended").count() == 1


def test_a_past_window_is_refused(org: Org) -> None:
    with pytest.raises(ValidationError) as failure:
        delegate_to(org, org.outsider, start=-5, end=-1)
    assert "ends_on" in failure.value.message_dict


def test_nobody_delegates_to_themselves(org: Org) -> None:
    response = api_client(org.sponsor).post(
        "/api/delegations/",
        {
            "delegate": "sponsor",
            "starts_on": str(TODAY()),
            "ends_on": str(TODAY()),
        },
        format="json",
    )
    assert response.status_code == 400
    assert "delegate" in response.json()


def test_a_delegate_cannot_delegate_onwards(org: Org) -> None:
    delegate_to(org, org.outsider)
    response = api_client(org.outsider).post(
        "/api/delegations/",
        {
            "delegate": "marketing_lead",
            "starts_on": str(TODAY()),
            "ends_on": str(TODAY()),
        },
        format="json",
    )
    assert response.status_code == 403


def test_delegated_rights_are_never_passed_on(org: Org) -> None:
    # sales_sponsor is a sponsor too, and holds the marketing sponsor's delegation;
    # delegating their own sign-off must not hand on the marketing one.
    delegate_to(org, org.sales_sponsor)
    sponsor_services.delegation_create(
        actor=org.sales_sponsor, delegate=org.outsider, starts_on=TODAY(), ends_on=TODAY()
    )
    marketing = bring_to(org, "awaiting_sponsor")
    sales = bring_to(org, "awaiting_sponsor", unit="sales")
    client = api_client(org.outsider)
    assert (
        client.post(
            f"/api/initiatives/{marketing.pk}/transitions/sponsor_approve/", {}, format="json"
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/api/initiatives/{sales.pk}/transitions/sponsor_approve/", {}, format="json"
        ).status_code
        == 200
    )


def test_only_the_sponsor_ends_their_delegation(org: Org) -> None:
    delegation = delegate_to(org, org.outsider)
    assert (
        api_client(org.outsider).post(f"/api/delegations/{delegation.pk}/end/").status_code == 403
    )
    response = api_client(org.sponsor).post(f"/api/delegations/{delegation.pk}/end/")
    assert response.status_code == 200
    assert response.json()["active"] is False
    assert api_client(org.sponsor).post(f"/api/delegations/{delegation.pk}/end/").status_code == 409


def test_delegations_are_listed_for_the_two_parties(org: Org) -> None:
    delegation = delegate_to(org, org.outsider)
    for user, count in (
        (org.sponsor, 1),
        (org.outsider, 1),
        (org.coe_lead, 1),
        (org.marketing_lead, 0),
    ):
        body = api_client(user).get("/api/delegations/").json()
        assert body["count"] == count
    created = AuditEvent.objects.get(event="delegation.created")
    assert created.new["delegate"] == "outsider"
    assert created.object_id == str(delegation.pk)


def test_the_sponsor_still_decides_during_a_delegation(org: Org) -> None:
    delegate_to(org, org.outsider)
    initiative = bring_to(org, "awaiting_sponsor", budget=Decimal(10))
    done = services.initiative_transition(
        actor=org.sponsor, initiative=initiative, name="sponsor_approve"
    )
    assert done.state == "approved"
    assert Decision.objects.filter(initiative=initiative).last().on_behalf_of is None


def test_the_portfolio_is_offered_to_whoever_sees_a_unit_delegates_included(org: Org) -> None:
    """The navigation's portfolio entry follows the units a user sees: their
    own grants, or, for someone with none, a delegation running today."""
    offered = {name for name, user in org.people.items() if selectors.has_portfolio(user=user)}
    seen = {name for name, user in org.people.items() if access.visible_unit_ids(user)}
    assert offered == seen
    assert "outsider" not in offered
    assert "marketing_member" in offered
    assert b'href="/portfolio/"' not in signed_in(org.outsider).get("/").content

    delegate_to(org, org.outsider)
    outsider = User.objects.get(pk=org.outsider.pk)
    assert selectors.has_portfolio(user=outsider)
    assert b'href="/portfolio/"' in signed_in(outsider).get("/").content
    outsider.is_active = False
    assert not selectors.has_portfolio(user=outsider)
