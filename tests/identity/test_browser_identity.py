"""The identity pages in a real browser, with the Content-Security-Policy on:
the account page (tokens), MFA set-up and the CoE lead's role mapping."""

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from identity.models import ApiToken, RoleMapping
from tests.browser import assert_accessible, shoot
from tests.conftest import Org

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_user_creates_and_revokes_a_token_on_the_account_page(org: Org, people: Any) -> None:
    page = people("marketing_lead")
    page.get_by_role("link", name="Account", exact=True).click()
    page.get_by_label("Name").fill("reporting script")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token").inner_text()
    assert token.startswith(ApiToken.objects.get(name="reporting script").token_key)
    assert_accessible(page)
    shoot(page, "account-tokens")
    page.get_by_role("button", name="Revoke reporting script").click()
    expect(page.get_by_text("You hold no API token.")).to_be_visible()
    assert not ApiToken.objects.filter(name="reporting script").exists()


def test_mfa_set_up_page_shows_the_code_to_scan(org: Org, people: Any) -> None:
    page = people("auditor")
    page.goto("/accounts/2fa/totp/activate/")
    # Setting up MFA asks for the password again first.
    if re.search(r"/reauthenticate/", page.url):
        page.get_by_label("Password").fill("pw")
        page.get_by_role("button", name=re.compile("Confirm", re.IGNORECASE)).click()
    expect(page.get_by_role("heading", name="Activate Authenticator App")).to_be_visible()
    expect(page.locator("img[src^='data:image/svg']")).to_be_visible()
    assert_accessible(page)
    shoot(page, "mfa-activate")


def test_the_coe_lead_maps_a_group_to_a_role(org: Org, people: Any) -> None:
    page = people("coe_lead")
    page.get_by_role("link", name="Sign-in roles").click()
    page.get_by_label("Provider group").fill("emea-marketing")
    page.get_by_label("Role").select_option("unit_member")
    page.get_by_label("Business unit").select_option(label="Marketing")
    page.get_by_role("button", name="Add mapping").click()
    expect(page.get_by_role("cell", name="emea-marketing", exact=True)).to_be_visible()
    assert RoleMapping.objects.get(group="emea-marketing").business_unit == org.marketing
    assert_accessible(page)
    shoot(page, "role-mappings")
