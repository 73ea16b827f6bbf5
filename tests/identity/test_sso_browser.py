"""Single sign-on in a real browser against a real OpenID Connect provider on
loopback (oidc-provider-mock: authorization code flow with PKCE, signed ID
tokens, discovery, userinfo). The provider's groups become roles through the
mapping; a group taken away at the provider takes the role away at the next
sign-in; every change is an audit event."""

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from django.contrib.auth import get_user_model
from oidc_provider_mock import run_server_in_thread
from playwright.sync_api import Browser, Page, expect

from governance.models import AuditEvent, Membership, OrganizationRole
from identity import services
from identity.models import MappedRole
from sponsors.models import Sponsorship
from tests.browser import DESKTOP, assert_accessible, shoot, watch_content_security_policy
from tests.conftest import Org

pytestmark = pytest.mark.django_db(transaction=True)

PROVIDER_NAME = "Corp SSO"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """The provider's issuer URL. It answers on `localhost`, as the live server
    does, and the issuer is written the same way everywhere (discovery, `iss`)."""
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def sso(provider: str, settings: Any) -> str:
    """The product configured for the provider, as DJANGO_OIDC_* would."""
    settings.OIDC_ISSUER = provider
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": settings.OIDC_PROVIDER_ID,
                    "name": PROVIDER_NAME,
                    "client_id": "governance",
                    "secret": "loopback-secret",
                    "settings": {"server_url": provider, "fetch_userinfo": True},
                }
            ],
        }
    }
    policy = settings.CONTENT_SECURITY_POLICY
    directives = dict(policy["DIRECTIVES"])
    directives["form-action"] = [*directives["form-action"], provider]
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}
    return provider


def provider_user(issuer: str, sub: str, groups: list[str]) -> None:
    """The provider's record of a user and their groups."""
    response = httpx.put(
        f"{issuer}/users/{sub}",
        json={"email": f"{sub}@example.org", "preferred_username": sub, "groups": groups},
    )
    response.raise_for_status()


def sign_in_with_provider(page: Page, sub: str) -> None:
    page.goto("/login/")
    page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}").click()
    # The provider's own page: who signs in, and consent to this client.
    expect(page).to_have_url(re.compile(r"/oauth2/authorize"))
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()


@pytest.fixture
def mapping(org: Org) -> None:
    lead = org.coe_lead
    services.role_mapping_create(actor=lead, group="coe-leads", role=MappedRole.COE_LEAD)
    services.role_mapping_create(
        actor=lead, group="marketing-leads", role=MappedRole.UNIT_LEAD, business_unit=org.marketing
    )
    services.role_mapping_create(
        actor=lead,
        group="sales-sponsors",
        role=MappedRole.SPONSOR,
        business_unit=org.sales,
        approval_threshold=Decimal(30000),
    )


def test_a_provider_user_signs_in_and_holds_the_mapped_roles(
    org: Org, mapping: None, sso: str, browser: Browser, live_server: Any
) -> None:
    provider_user(sso, "alice", ["coe-leads", "marketing-leads", "sales-sponsors", "unmapped"])
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    blocked: list[str] = []
    watch_content_security_policy(page, blocked)

    page.goto("/login/")
    assert "script-src 'self'" in (page.request.get("/login/").headers["content-security-policy"])
    assert_accessible(page)
    shoot(page, "sign-in-sso")
    sign_in_with_provider(page, "alice")

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Review queue", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Sign-in roles")).to_be_visible()
    assert_accessible(page)

    alice = get_user_model().objects.get(username="alice")
    assert not alice.has_usable_password()
    assert set(OrganizationRole.objects.filter(user=alice).values_list("role", flat=True)) == {
        "coe_lead"
    }
    assert Membership.objects.get(user=alice).business_unit == org.marketing
    assert Membership.objects.get(user=alice).role == Membership.Role.LEAD
    assert Sponsorship.objects.get(sponsor__user=alice).business_unit == org.sales
    synced = AuditEvent.objects.filter(event="auth.sso_roles_synced").get()
    assert synced.new["groups"] == ["coe-leads", "marketing-leads", "sales-sponsors", "unmapped"]
    granted = AuditEvent.objects.get(event="organization_role.granted", new__user="alice")
    assert granted.actor is None
    assert blocked == []
    context.close()


def test_a_group_removed_at_the_provider_takes_the_role_at_the_next_sign_in(
    org: Org, mapping: None, sso: str, browser: Browser, live_server: Any
) -> None:
    provider_user(sso, "bob", ["coe-leads", "marketing-leads"])
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in_with_provider(page, "bob")
    expect(page.get_by_role("heading", name="Review queue", exact=True)).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login/"))

    provider_user(sso, "bob", ["marketing-leads"])
    sign_in_with_provider(page, "bob")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Your unit's initiatives", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Review queue", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Audit log")).to_have_count(0)

    bob = get_user_model().objects.get(username="bob")
    assert not OrganizationRole.objects.filter(user=bob).exists()
    assert Membership.objects.get(user=bob).role == Membership.Role.LEAD
    revoked = AuditEvent.objects.get(event="organization_role.revoked", old__user="bob")
    assert revoked.old["role"] == "coe_lead"
    assert page.goto("/audit/").status == 403
    context.close()
