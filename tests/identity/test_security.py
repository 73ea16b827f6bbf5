"""Content-Security-Policy, session lifetime, who reads the API schema, MFA
required for some roles, and local accounts switched off."""

import re
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings as django_settings
from django.test import Client

from governance.models import AuditEvent
from tests.conftest import Org, api_client, signed_in

TEMPLATES = Path(django_settings.BASE_DIR) / "templates"


def test_every_page_carries_a_policy_without_inline_script(org: Org) -> None:
    response = signed_in(org.coe_lead).get("/")
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


def test_no_template_has_inline_script_style_or_handlers() -> None:
    # The email templates are not pages: mail clients need inline styles.
    offending = []
    for path in TEMPLATES.rglob("*.html"):
        if path.parts[-2] == "email":
            continue
        text = path.read_text()
        if re.search(
            r"<script(?![^>]*\bsrc=)(?![^>]*application/json)|<style|\sstyle=|\son[a-z]+=|hx-on",
            text,
        ):
            offending.append(str(path.relative_to(TEMPLATES)))
    assert offending == []


def test_sessions_last_eight_hours_by_default() -> None:
    assert django_settings.SESSION_COOKIE_AGE == 8 * 3600


def test_the_schema_and_docs_need_a_signed_in_user(org: Org, client: Client) -> None:
    assert client.get("/api/schema/").status_code in (401, 403)
    assert client.get("/api/docs/").status_code in (401, 403)
    assert api_client(org.outsider).get("/api/schema/").status_code == 200
    assert signed_in(org.outsider).get("/api/docs/").status_code == 200


def test_a_setting_opens_the_schema(client: Client, settings: Any, db: None) -> None:
    settings.API_DOCS_PUBLIC = True
    assert client.get("/api/schema/").status_code == 200


@pytest.fixture
def mfa_required(settings: Any) -> None:
    settings.MFA_REQUIRED = True


def test_a_coe_lead_without_mfa_is_sent_to_set_it_up(
    org: Org, mfa_required: None, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    client.post("/login/", {"login": "coe_lead", "password": "pw"})
    response = client.get("/initiatives/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    assert client.get("/api/business-units/").status_code == 403
    # Setting it up asks for the password again, then for a code from the app.
    response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")
    client.post(response["Location"], {"password": "pw"})
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 200
    secret = client.session["mfa.totp.secret"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/2fa/totp/activate/", {"code": _code(secret)})
    assert response.status_code == 302
    assert client.get("/initiatives/").status_code == 200
    assert AuditEvent.objects.filter(event="auth.mfa_activated", actor=org.coe_lead).exists()
    # The secret is stored encrypted.
    stored = Authenticator.objects.get(user=org.coe_lead, type="totp").data["secret"]
    assert secret not in stored
    # A unit lead is not asked.
    assert signed_in(org.marketing_lead).get("/initiatives/").status_code == 200


def test_a_token_sign_in_without_the_required_mfa_is_refused(org: Org, mfa_required: None) -> None:
    response = api_client(None).post(
        "/api/auth/token/", {"username": "auditor", "password": "pw"}, format="json"
    )
    assert response.status_code == 403


def _code(secret: str) -> str:
    return f"{hotp_value(secret, next(yield_hotp_counters_from_time())):06d}"


def _activate_totp(user: Any) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def test_a_user_with_totp_needs_the_code_on_the_page_and_the_api(
    org: Org, mfa_required: None
) -> None:
    secret = _activate_totp(org.coe_lead)
    client = Client()
    response = client.post("/login/", {"login": "coe_lead", "password": "pw"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    # Not signed in until the code is given.
    assert client.get("/").status_code == 302
    response = client.post("/accounts/2fa/authenticate/", {"code": _code(secret)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200

    api = api_client(None)
    no_code = api.post(
        "/api/auth/token/", {"username": "coe_lead", "password": "pw"}, format="json"
    )
    assert no_code.status_code == 400
    assert "otp" in no_code.json()
    assert Authenticator.objects.filter(user=org.coe_lead).exists()


def test_local_accounts_can_be_switched_off(org: Org, settings: Any, client: Client) -> None:
    settings.LOCAL_ACCOUNTS = False
    response = api_client(None).post(
        "/api/auth/token/", {"username": "coe_lead", "password": "pw"}, format="json"
    )
    assert response.status_code == 400
    assert not client.login(username="coe_lead", password="pw")
    assert 'name="password"' not in client.get("/login/").content.decode()


def test_single_sign_on_without_client_credentials_is_refused(settings: Any) -> None:
    from identity.checks import check_single_sign_on

    settings.DEBUG = True
    settings.OIDC_ISSUER = "https://login.example.org"
    settings.OIDC_CLIENT_ID = ""
    assert [m.id for m in check_single_sign_on()] == ["identity.E001"]
    settings.OIDC_ISSUER = ""
    settings.LOCAL_ACCOUNTS = False
    assert [m.id for m in check_single_sign_on()] == ["identity.E002"]


def test_a_per_process_cache_in_production_is_warned_of(settings: Any) -> None:
    from identity.checks import check_single_sign_on

    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [m.id for m in check_single_sign_on()] == ["identity.W001"]
