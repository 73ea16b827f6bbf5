"""Sign-in is refused with 429 after LOGIN_FAILURE_LIMIT failures in a row,
on the page and the API, and the burst is one audit event."""

from typing import Any

import pytest
from django.test import Client

from governance.models import AuditEvent, LoginFailureWindow
from tests.conftest import Org, api_client

LIMIT = 10


@pytest.fixture(autouse=True)
def _limit(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = LIMIT


def _page_attempt(client: Client, password: str, ip: str = "10.0.0.1") -> Any:
    return client.post("/login/", {"login": "coe_lead", "password": password}, REMOTE_ADDR=ip)


def _api_attempt(password: str, ip: str = "10.0.0.1", username: str = "coe_lead") -> Any:
    return api_client(None).post(
        "/api/auth/token/",
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=ip,
    )


def test_the_eleventh_wrong_password_on_the_page_answers_429(org: Org, client: Client) -> None:
    before = AuditEvent.objects.count()
    for _ in range(LIMIT):
        assert _page_attempt(client, "wrong").status_code == 200
    response = _page_attempt(client, "wrong")
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    # Even the right password waits for the cool-off.
    assert _page_attempt(client, "pw").status_code == 429
    # The whole burst is one audit event; the counter holds the number.
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.filter(event="auth.login_failed").count() == 1
    assert LoginFailureWindow.objects.get().count == LIMIT + 2


def test_the_eleventh_wrong_password_on_the_api_answers_429(org: Org) -> None:
    before = AuditEvent.objects.count()
    for _ in range(LIMIT):
        assert _api_attempt("wrong").status_code == 400
    response = _api_attempt("wrong")
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.json()["detail"]
    assert response["Retry-After"]
    assert _api_attempt("pw").status_code == 429
    assert AuditEvent.objects.count() == before + 1


def test_the_account_is_locked_from_every_address(org: Org) -> None:
    for n in range(LIMIT):
        assert _api_attempt("wrong", ip=f"10.0.1.{n}").status_code == 400
    assert _api_attempt("pw", ip="10.0.2.1").status_code == 429


def test_an_address_is_locked_for_every_account(org: Org) -> None:
    for n in range(LIMIT):
        assert _api_attempt("wrong", username=f"guess{n}").status_code == 400
    assert _api_attempt("pw").status_code == 429
    assert _api_attempt("pw", ip="10.0.9.9").status_code == 200


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(
    org: Org, client: Client
) -> None:
    for _ in range(LIMIT - 1):
        _page_attempt(client, "wrong")
    response = _page_attempt(client, "pw")
    assert response.status_code == 302


def test_the_token_sign_in_is_throttled_per_address(org: Org, monkeypatch: Any) -> None:
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"login": "3/minute"})
    for _ in range(3):
        assert _api_attempt("pw").status_code == 200
    assert _api_attempt("pw").status_code == 429
    assert _api_attempt("pw", ip="10.0.3.3").status_code == 200


def test_the_api_is_throttled_per_user(org: Org, monkeypatch: Any) -> None:
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/minute", "anon": None})
    client = api_client(org.auditor)
    assert client.get("/api/goals/").status_code == 200
    assert client.get("/api/goals/").status_code == 200
    throttled = client.get("/api/goals/")
    assert throttled.status_code == 429
    assert throttled["Retry-After"]
    assert api_client(org.coe_lead).get("/api/goals/").status_code == 200
