"""Logins, logouts and failed logins are audit events, by session and by token."""

import datetime
from typing import Any

from django.utils import timezone

from governance import login_failures
from governance.models import AuditEvent, LoginFailureWindow
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


def test_a_burst_of_wrong_passwords_is_counted_in_one_event(org: Org, client: Any) -> None:
    before = AuditEvent.objects.count()
    for _ in range(60):
        assert not client.login(username="auditor", password="wrong")
    # One event when the window opened; the other 59 only counted.
    assert AuditEvent.objects.count() == before + 1
    assert LoginFailureWindow.objects.get().count == 60
    later = timezone.now() + datetime.timedelta(minutes=16)
    assert login_failures.login_failure_windows_close(now=later) == 1
    counted = _last("auth.login_failures_counted")
    assert counted.new["count"] == 60
    assert counted.new["username"] == "auditor"
    assert AuditEvent.objects.count() == before + 2
    assert not LoginFailureWindow.objects.exists()


def test_each_account_and_address_has_its_own_window(org: Org) -> None:
    at = timezone.now()
    for username, source in [("auditor", "10.0.0.1"), ("auditor", "10.0.0.2"), ("x", "10.0.0.1")]:
        login_failures.login_failure_count(username=username, source=source, at=at)
        login_failures.login_failure_count(username=username, source=source, at=at)
    assert AuditEvent.objects.filter(event="auth.login_failed").count() == 3
    assert sorted(LoginFailureWindow.objects.values_list("count", flat=True)) == [2, 2, 2]


def test_the_next_window_closes_the_last_one_of_the_pair(org: Org) -> None:
    at = timezone.now()
    for _ in range(3):
        login_failures.login_failure_count(username="auditor", source="10.0.0.1", at=at)
    login_failures.login_failure_count(
        username="auditor", source="10.0.0.1", at=at + datetime.timedelta(minutes=15)
    )
    assert _last("auth.login_failures_counted").new["count"] == 3
    assert AuditEvent.objects.filter(event="auth.login_failed").count() == 2


def test_a_single_failure_needs_no_count(org: Org) -> None:
    login_failures.login_failure_count(username="auditor", source="10.0.0.1")
    later = timezone.now() + datetime.timedelta(hours=1)
    assert login_failures.login_failure_windows_close(now=later) == 1
    assert not AuditEvent.objects.filter(event="auth.login_failures_counted").exists()
