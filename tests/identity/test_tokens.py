"""API tokens: named, several per user, stored as a digest, expiring, revocable
at once in the page and the API."""

import datetime
from typing import Any

from django.utils import timezone

from governance.models import AuditEvent
from identity.models import ApiToken
from tests.conftest import Org, api_client, signed_in


def _sign_in(name: str = "", username: str = "marketing_lead") -> Any:
    return api_client(None).post(
        "/api/auth/token/",
        {"username": username, "password": "pw", "name": name},
        format="json",
    )


def _call(token: str) -> Any:
    client = api_client(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/business-units/")


def test_each_sign_in_gives_a_new_named_token_with_an_expiry(org: Org, settings: Any) -> None:
    first = _sign_in("laptop").json()
    second = _sign_in("ci").json()
    assert first["token"] != second["token"]
    assert first["name"] == "laptop"
    expiry = datetime.datetime.fromisoformat(first["expiry"])
    hours = settings.REST_KNOX["TOKEN_TTL"].total_seconds() / 3600
    assert abs((expiry - timezone.now()).total_seconds() / 3600 - hours) < 0.1
    assert _call(first["token"]).status_code == 200
    assert _call(second["token"]).status_code == 200


def test_tokens_are_stored_only_as_a_digest(org: Org) -> None:
    token = _sign_in("laptop").json()["token"]
    row = ApiToken.objects.get(name="laptop")
    assert token not in {row.digest, row.token_key}
    assert token.startswith(row.token_key)


def test_a_token_past_its_expiry_answers_401(org: Org) -> None:
    token = _sign_in("old").json()["token"]
    ApiToken.objects.filter(name="old").update(
        expiry=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = _call(token)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_revoked_token_answers_401_at_once(org: Org) -> None:
    token = _sign_in("to-revoke").json()["token"]
    key = ApiToken.objects.get(name="to-revoke").token_key
    client = api_client(org.marketing_lead)
    assert client.delete(f"/api/auth/tokens/{key}/").status_code == 204
    assert _call(token).status_code == 401
    event = AuditEvent.objects.get(event="api_token.revoked")
    assert (event.actor, event.old["name"]) == (org.marketing_lead, "to-revoke")


def test_the_api_lists_only_your_own_tokens_without_the_secret(org: Org) -> None:
    _sign_in("mine")
    _sign_in("theirs", username="sales_lead")
    listed = api_client(org.marketing_lead).get("/api/auth/tokens/").json()["results"]
    names = {t["name"] for t in listed}
    assert "mine" in names
    assert "theirs" not in names
    assert all("token" not in t and "digest" not in t for t in listed)


def test_someone_elses_token_is_not_found(org: Org) -> None:
    _sign_in("theirs", username="sales_lead")
    key = ApiToken.objects.get(name="theirs").token_key
    assert api_client(org.marketing_lead).delete(f"/api/auth/tokens/{key}/").status_code == 404
    assert ApiToken.objects.filter(name="theirs").exists()


def test_the_page_creates_shows_once_and_revokes_a_token(org: Org) -> None:
    client = signed_in(org.marketing_lead)
    response = client.post("/account/tokens/", {"name": "script"})
    assert response.status_code == 200
    row = ApiToken.objects.get(name="script")
    shown = response.context["new_token"]
    assert shown.startswith(row.token_key)
    assert _call(shown).status_code == 200
    assert shown not in client.get("/account/tokens/").content.decode()
    response = client.post(f"/account/tokens/{row.token_key}/revoke/")
    assert response.status_code == 302
    assert _call(shown).status_code == 401
    assert AuditEvent.objects.filter(event="api_token.created", actor=org.marketing_lead).exists()


def test_a_nameless_token_on_the_page_is_refused_naming_the_field(org: Org) -> None:
    response = signed_in(org.marketing_lead).post("/account/tokens/", {"name": ""})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors


def test_more_tokens_than_the_limit_answer_409(org: Org, settings: Any) -> None:
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_LIMIT_PER_USER": 2}
    assert _sign_in("a").status_code == 200
    assert _sign_in("b").status_code == 200
    assert _sign_in("c").status_code == 409


def test_a_single_sign_on_users_token_ends_with_their_session(org: Org) -> None:
    from allauth.socialaccount.models import SocialAccount

    SocialAccount.objects.create(user=org.marketing_lead, provider="corp", uid="ml")
    client = signed_in(org.marketing_lead)
    session = client.session
    session.set_expiry(3600)
    session.save()
    client.post("/account/tokens/", {"name": "sso"})
    expiry = ApiToken.objects.get(name="sso").expiry
    assert expiry <= timezone.now() + datetime.timedelta(hours=1, seconds=5)


def test_a_session_past_its_lifetime_signs_the_user_out(org: Org, settings: Any) -> None:
    client = signed_in(org.marketing_lead)
    assert client.get("/").status_code == 200
    session = client.session
    session.set_expiry(-1)
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_an_active_session_still_ends_its_lifetime_after_sign_in(org: Org, settings: Any) -> None:
    from identity.middleware import SIGNED_IN_AT

    client = signed_in(org.marketing_lead)
    assert client.get("/").status_code == 200
    session = client.session
    session[SIGNED_IN_AT] = session[SIGNED_IN_AT] - settings.SESSION_COOKIE_AGE - 1
    session.save()
    response = client.get("/initiatives/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert client.get("/").status_code == 302
