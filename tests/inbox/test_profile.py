"""The profile page: one's own email address (validated, audited), language
(kept per user, followed on sign-in) and notification choices, which the API
of /api/me/notifications/ reads and writes as well."""

from typing import Any

from django.conf import settings
from django.test import Client

from governance.models import AuditEvent
from sponsors.models import NotificationPreference
from tests.conftest import Org, api_client, signed_in

CHOICES = {
    "email_enabled": "on",
    "email_decisions": "on",
    "email_reminders": "on",
    "email_mentions": "on",
}


def test_the_profile_shows_the_users_own_choices(org: Org) -> None:
    org.coe_lead.email = "lead@example.com"
    org.coe_lead.save()
    page = signed_in(org.coe_lead).get("/account/profile/").content.decode()
    assert 'value="lead@example.com"' in page
    assert 'name="email_mentions"' in page


def test_saving_the_profile_changes_address_language_and_choices_audited(org: Org) -> None:
    client = signed_in(org.coe_lead)
    response = client.post(
        "/account/profile/",
        {"email": "lead@example.com", "language": "de", **CHOICES, "email_reminders": ""},
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    org.coe_lead.refresh_from_db()
    assert org.coe_lead.email == "lead@example.com"
    preference = NotificationPreference.objects.get(user=org.coe_lead)
    assert (preference.language, preference.email_reminders, preference.email_decisions) == (
        "de",
        False,
        True,
    )
    events = dict(AuditEvent.objects.filter(actor=org.coe_lead).values_list("event", "new"))
    assert events["user.email_changed"] == {"email": "lead@example.com"}
    assert events["user.language_changed"] == {"language": "de"}
    assert events["notifications.changed"] == {"email_reminders": False}


def test_saving_nothing_new_records_nothing(org: Org) -> None:
    client = signed_in(org.coe_lead)
    client.post("/account/profile/", {"email": "lead@example.com", "language": "", **CHOICES})
    before = AuditEvent.objects.count()
    client.post("/account/profile/", {"email": "lead@example.com", "language": "", **CHOICES})
    assert AuditEvent.objects.count() == before


def test_an_invalid_or_taken_address_is_refused_naming_the_field(org: Org) -> None:
    org.coe_member.email = "taken@example.com"
    org.coe_member.save()
    client = signed_in(org.coe_lead)
    for address, message in [
        ("not an address", "Enter a valid email address."),
        ("TAKEN@example.com", "Another account uses this address."),
    ]:
        response = client.post("/account/profile/", {"email": address, **CHOICES})
        assert response.status_code == 400
        assert message in response.content.decode()
        assert 'id="id_email_error"' in response.content.decode()
    org.coe_lead.refresh_from_db()
    assert org.coe_lead.email == ""


def test_an_unknown_language_is_refused(org: Org) -> None:
    response = signed_in(org.coe_lead).post(
        "/account/profile/", {"email": "a@example.com", "language": "xx", **CHOICES}
    )
    assert response.status_code == 400


def test_the_chosen_language_follows_the_user_into_a_new_session(org: Org) -> None:
    signed_in(org.coe_lead).post(
        "/account/profile/", {"email": "lead@example.com", "language": "it", **CHOICES}
    )
    client = Client()
    response = client.post("/login/", {"login": "coe_lead", "password": "pw"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "it"
    assert 'lang="it"' in client.get("/inbox/").content.decode()


def test_the_notifications_api_keeps_working_and_knows_the_new_choices(org: Org) -> None:
    client = api_client(org.sponsor)
    body = client.get("/api/me/notifications/").json()
    assert body == {
        "email_enabled": True,
        "email_decisions": True,
        "email_reminders": True,
        "email_mentions": True,
        "language": "",
    }
    changed = client.patch(
        "/api/me/notifications/", {"email_mentions": False, "language": "it"}, format="json"
    ).json()
    assert (changed["email_mentions"], changed["language"], changed["email_enabled"]) == (
        False,
        "it",
        True,
    )
    bad = client.patch("/api/me/notifications/", {"language": "xx"}, format="json")
    assert bad.status_code == 400
    assert "language" in bad.json()


def test_profile_changes_are_the_users_own(org: Org, client: Any) -> None:
    # No page takes another user's id: the profile is always the caller's.
    signed_in(org.coe_member).post(
        "/account/profile/", {"email": "member@example.com", "language": "de", **CHOICES}
    )
    org.coe_lead.refresh_from_db()
    assert org.coe_lead.email == ""
    assert not NotificationPreference.objects.filter(user=org.coe_lead).exists()
