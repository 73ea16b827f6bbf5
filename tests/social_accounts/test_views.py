"""The registry's pages and API: who sees what (404 for outsiders, 403 for
those who see but may not act, 409 for a wrong state, 400 naming the field),
and lists whose query count does not grow with the number of accounts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from social_accounts.models import SocialAccount
from tests.conftest import api_client, bring_to, signed_in

from .conftest import account_in, request_account


def _many(org, count: int) -> None:
    SocialAccount.objects.bulk_create(
        SocialAccount(
            business_unit=org.marketing,
            channel="x",
            handle=f"@bulk{n}",
            owner=org.marketing_member,
            backup_owner=org.marketing_lead,
            requested_by=org.marketing_lead,
            state="active",
            paused=n % 3 == 0,
        )
        for n in range(count)
    )


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/social-accounts/", "/api/social-accounts/"])
def test_list_costs_the_same_for_10_and_1000_accounts(org, url) -> None:
    client = signed_in(org.coe_lead) if url.startswith("/social") else api_client(org.coe_lead)
    _many(org, 10)
    few = _count(client, url)
    SocialAccount.objects.all().delete()
    _many(org, 1000)
    assert _count(client, url) == few


def test_list_shows_the_units_accounts_with_paused_and_overdue(org) -> None:
    account = account_in(org, "active")
    SocialAccount.objects.filter(pk=account.pk).update(paused=True)
    page = signed_in(org.marketing_member).get("/social-accounts/").content.decode()
    assert "@acme" in page
    assert "Paused" in page


def test_other_units_accounts_are_not_listed(org) -> None:
    account_in(org, "active")
    assert "@acme" not in signed_in(org.sales_lead).get("/social-accounts/").content.decode()


def test_outsider_gets_404_on_an_account(org) -> None:
    account = account_in(org, "active")
    assert signed_in(org.outsider).get(f"/social-accounts/{account.pk}/").status_code == 404
    assert api_client(org.outsider).get(f"/api/social-accounts/{account.pk}/").status_code == 404


def test_unit_lead_requests_an_account_through_the_page(org) -> None:
    client = signed_in(org.marketing_lead)
    response = client.post(
        reverse("social_accounts:create"),
        {
            "business_unit": org.marketing.pk,
            "channel": "linkedin",
            "handle": "acme-corp",
            "owner": org.marketing_lead.pk,
            "backup_owner": org.marketing_member.pk,
            "purpose": "Hiring",
        },
    )
    account = SocialAccount.objects.get(handle="acme-corp")
    assert response.status_code == 302
    assert response["Location"] == f"/social-accounts/{account.pk}/"
    assert account.state == "requested"


def test_outsider_may_not_open_the_request_page(org) -> None:
    assert signed_in(org.outsider).get(reverse("social_accounts:create")).status_code == 403


def test_coe_lead_approves_on_the_page(org) -> None:
    account = request_account(org)
    response = signed_in(org.coe_lead).post(f"/social-accounts/{account.pk}/transitions/approve/")
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.state == "approved"


def test_unit_member_gets_403_approving_on_the_page(org) -> None:
    account = request_account(org)
    response = signed_in(org.marketing_member).post(
        f"/social-accounts/{account.pk}/transitions/approve/"
    )
    assert response.status_code == 403


def test_initiative_page_shows_its_accounts_and_channel_text(org) -> None:
    initiative = bring_to(org, "draft", channels=["Instagram"])
    account_in(org, "active", initiatives=[initiative])
    page = signed_in(org.marketing_member).get(f"/initiatives/{initiative.pk}/").content.decode()
    assert "@acme" in page
    assert "Channels as proposed" in page


def test_coe_matches_a_channel_on_the_initiative_page(org) -> None:
    initiative = bring_to(org, "draft", channels=["Instagram"])
    account = account_in(org, "active")
    client = signed_in(org.coe_member)
    assert f"/match/{account.pk}/" in client.get(f"/initiatives/{initiative.pk}/").content.decode()
    client.post(f"/social-accounts/initiatives/{initiative.pk}/match/{account.pk}/")
    assert list(account.initiatives.all()) == [initiative]


# API


def test_api_request_and_approve(org) -> None:
    response = api_client(org.marketing_lead).post(
        "/api/social-accounts/",
        {
            "business_unit": org.marketing.pk,
            "channel": "tiktok",
            "handle": "@acme",
            "owner": "marketing_member",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["state"] == "requested"
    response = api_client(org.coe_lead).post(f"/api/social-accounts/{pk}/transitions/approve/")
    assert response.status_code == 200
    assert response.json()["state"] == "approved"


def test_api_names_the_field_of_invalid_input(org) -> None:
    response = api_client(org.marketing_lead).post(
        "/api/social-accounts/",
        {"business_unit": org.marketing.pk, "channel": "x", "handle": " ", "owner": "nobody"},
        format="json",
    )
    assert response.status_code == 400
    assert "owner" in response.json()


def test_api_wrong_state_is_409(org) -> None:
    account = account_in(org, "active")
    response = api_client(org.coe_lead).post(
        f"/api/social-accounts/{account.pk}/transitions/approve/"
    )
    assert response.status_code == 409


def test_api_member_who_sees_but_may_not_approve_gets_403(org) -> None:
    account = request_account(org)
    response = api_client(org.marketing_member).post(
        f"/api/social-accounts/{account.pk}/transitions/approve/"
    )
    assert response.status_code == 403


def test_api_recertify_and_reassign(org) -> None:
    account = account_in(org, "active")
    assert (
        api_client(org.sales_lead).post(f"/api/social-accounts/{account.pk}/recertify/").status_code
        == 404
    )
    assert (
        api_client(org.marketing_member)
        .post(f"/api/social-accounts/{account.pk}/recertify/")
        .status_code
        == 200
    )
    assert (
        api_client(org.marketing_member)
        .post(
            f"/api/social-accounts/{account.pk}/reassign/",
            {"owner": "marketing_lead"},
            format="json",
        )
        .status_code
        == 403
    )
    response = api_client(org.coe_lead).post(
        f"/api/social-accounts/{account.pk}/reassign/",
        {"owner": "marketing_lead", "backup_owner": None},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["owner"] == "marketing_lead"


def test_api_recertifying_a_requested_account_is_409(org) -> None:
    account = request_account(org)
    response = api_client(org.marketing_member).post(
        f"/api/social-accounts/{account.pk}/recertify/"
    )
    assert response.status_code == 409


def test_reassignment_pages_are_the_coe_leads(org) -> None:
    account_in(org, "active")
    org.marketing_member.is_active = False
    org.marketing_member.save()
    assert signed_in(org.marketing_lead).get("/social-accounts/reassignments/").status_code == 403
    page = signed_in(org.coe_lead).get("/social-accounts/reassignments/").content.decode()
    assert "marketing_member" in page
    tasks = signed_in(org.coe_lead).get("/inbox/").content.decode()
    assert "Reassign what a deactivated person held" in tasks
