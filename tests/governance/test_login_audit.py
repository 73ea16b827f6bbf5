"""Logins, logouts and failed logins are audit events, by session and by token."""

from typing import Any

from governance.models import AuditEvent
from tests.conftest import Org, api_client


def _last(event: str) -> AuditEvent:
    return AuditEvent.objects.filter(event=event).order_by("seq").last()


def test_a_session_login_and_logout_are_recorded(org: Org, client: Any) -> None:
    assert client.login(username="auditor", password="pw")
    login = _last("auth.logged_in")
    assert (login.actor, login.object_repr, login.new["via"]) == (org.auditor, "auditor", "session")
    client.logout()
    logout = _last("auth.logged_out")
    assert (logout.actor, logout.object_id) == (org.auditor, str(org.auditor.pk))


def test_a_failed_login_is_recorded_without_the_password(org: Org, client: Any) -> None:
    assert not client.login(username="auditor", password="wrong-secret")
    failed = _last("auth.login_failed")
    assert failed.actor is None
    assert (failed.object_type, failed.object_repr) == ("auth.user", "auditor")
    assert failed.new["username"] == "auditor"
    assert "wrong-secret" not in str(failed.new)


def test_a_failed_login_for_an_unknown_name_is_recorded(db: None, client: Any) -> None:
    assert not client.login(username="nobody", password="x")
    failed = _last("auth.login_failed")
    assert (failed.object_id, failed.object_repr) == ("", "nobody")


def test_an_admin_login_form_is_recorded(org: Org, client: Any) -> None:
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "admin", "password": "pw"}, follow=False
    )
    assert response.status_code == 302
    assert _last("auth.logged_in").actor == org.admin


def test_a_token_login_is_recorded(org: Org) -> None:
    client = api_client(None)
    response = client.post(
        "/api/auth/token/", {"username": "coe_lead", "password": "pw"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["token"]
    login = _last("auth.logged_in")
    assert (login.actor, login.new["via"]) == (org.coe_lead, "api_token")
    org.coe_lead.refresh_from_db()
    assert org.coe_lead.last_login is not None


def test_a_failed_token_login_is_recorded_once(org: Org) -> None:
    before = AuditEvent.objects.filter(event="auth.login_failed").count()
    response = api_client(None).post(
        "/api/auth/token/", {"username": "coe_lead", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert AuditEvent.objects.filter(event="auth.login_failed").count() == before + 1
    assert not AuditEvent.objects.filter(event="auth.logged_in").exists()
