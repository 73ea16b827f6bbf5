"""A sponsor sets up, sees and ends the delegation of their sign-off in the
browser, with the service's rules and messages; others cannot."""

import datetime

from django.utils import timezone

from governance.models import AuditEvent
from sponsors import services as sponsor_services
from sponsors.models import Delegation
from tests.conftest import Org, signed_in


def days(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def test_a_sponsor_sets_up_a_delegation_from_the_page(org: Org) -> None:
    client = signed_in(org.sponsor)
    response = client.post(
        "/account/delegations/",
        {"delegate": "sales_lead", "starts_on": days(0), "ends_on": days(7), "reason": "Leave"},
    )
    assert response.status_code == 302
    delegation = Delegation.objects.get()
    assert (delegation.delegate, delegation.reason) == (org.sales_lead, "Leave")
    assert AuditEvent.objects.filter(event="delegation.created").count() == 1
    page = client.get("/account/delegations/").content.decode()
    assert "sales_lead" in page
    assert "End the delegation to sales_lead" in page
    received = signed_in(org.sales_lead).get("/account/delegations/").content.decode()
    assert "On behalf of sponsor" in received


def test_the_services_rules_come_back_as_field_messages(org: Org) -> None:
    client = signed_in(org.sponsor)
    for data, message in [
        ({"delegate": "sponsor"}, "You cannot delegate to yourself."),
        ({"delegate": "nobody"}, "No user with this user name."),
        ({"ends_on": days(-1), "starts_on": days(0)}, "The delegation ends before it starts."),
        ({"starts_on": days(-5), "ends_on": days(-2)}, "The delegation would be over already."),
    ]:
        body = {"delegate": "sales_lead", "starts_on": days(0), "ends_on": days(3)} | data
        response = client.post("/account/delegations/", body)
        assert response.status_code == 400, data
        assert message in response.content.decode()
    assert not Delegation.objects.exists()


def test_someone_who_is_no_sponsor_cannot_delegate(org: Org) -> None:
    client = signed_in(org.marketing_lead)
    page = client.get("/account/delegations/")
    assert page.status_code == 200
    assert "Only an executive sponsor can delegate their sign-off." in page.content.decode()
    response = client.post(
        "/account/delegations/",
        {"delegate": "sales_lead", "starts_on": days(0), "ends_on": days(3)},
    )
    assert response.status_code == 403
    assert not Delegation.objects.exists()


def make(org: Org) -> Delegation:
    return sponsor_services.delegation_create(
        actor=org.sponsor,
        delegate=org.sales_lead,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + datetime.timedelta(days=3),
    )


def test_the_sponsor_ends_a_delegation_once(org: Org) -> None:
    delegation = make(org)
    client = signed_in(org.sponsor)
    assert client.post(f"/account/delegations/{delegation.pk}/end/").status_code == 302
    delegation.refresh_from_db()
    assert delegation.ended_at is not None
    again = client.post(f"/account/delegations/{delegation.pk}/end/")
    assert again.status_code == 409
    assert "This delegation has already ended." in again.content.decode()


def test_the_delegate_may_not_end_it_and_outsiders_do_not_see_it(org: Org) -> None:
    delegation = make(org)
    assert (
        signed_in(org.sales_lead).post(f"/account/delegations/{delegation.pk}/end/").status_code
        == 403
    )
    assert (
        signed_in(org.outsider).post(f"/account/delegations/{delegation.pk}/end/").status_code
        == 404
    )
    assert (
        signed_in(org.sponsor).get(f"/account/delegations/{delegation.pk}/end/").status_code == 405
    )
    delegation.refresh_from_db()
    assert delegation.ended_at is None
