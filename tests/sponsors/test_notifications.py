"""Who gets which email, after commit, and that email trouble never undoes a
decision. The email goes through Django's SMTP backend to a real server on
loopback (tests.smtp), and the tests read what arrived there."""

from email.message import EmailMessage
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from initiatives import services
from initiatives.models import Decision, Initiative
from sponsors import services as sponsor_services
from tests.conftest import Org, api_client, bring_to, propose
from tests.smtp import Sink
from tests.sponsors.conftest import age


def recipients(smtp: Sink) -> list[str]:
    return smtp.recipients()


def text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())  # type: ignore[attr-defined]


def test_submit_tells_the_coe(
    mailed_org: Org, django_capture_on_commit_callbacks: Any, smtp: Sink
) -> None:
    initiative = propose(mailed_org)
    with django_capture_on_commit_callbacks(execute=True):
        services.initiative_transition(
            actor=mailed_org.marketing_member, initiative=initiative, name="submit"
        )
    assert recipients(smtp) == ["coe_lead@example.com", "coe_member@example.com"]
    first = smtp.received()[0]
    assert "submitted" in str(first["Subject"])
    assert first.get_body(("html",)) is not None


def test_awaiting_sponsor_tells_the_sponsor_their_delegate_and_the_owner(
    mailed_org: Org, django_capture_on_commit_callbacks: Any, smtp: Sink
) -> None:
    import datetime

    from django.utils import timezone

    sponsor_services.delegation_create(
        actor=mailed_org.sponsor,
        delegate=mailed_org.outsider,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + datetime.timedelta(days=2),
    )
    initiative = bring_to(mailed_org, "in_review", risk="high")
    with django_capture_on_commit_callbacks(execute=True):
        services.initiative_transition(
            actor=mailed_org.coe_lead, initiative=initiative, name="approve"
        )
    assert recipients(smtp) == [
        "marketing_member@example.com",
        "outsider@example.com",
        "sponsor@example.com",
    ]


def test_the_owner_hears_of_every_decision_but_not_of_their_own(
    mailed_org: Org, django_capture_on_commit_callbacks: Any, smtp: Sink
) -> None:
    initiative = bring_to(mailed_org, "submitted")
    with django_capture_on_commit_callbacks(execute=True):
        services.initiative_transition(
            actor=mailed_org.coe_member, initiative=initiative, name="start_review"
        )
    assert recipients(smtp) == ["marketing_member@example.com"]
    smtp.messages.clear()
    own = propose(mailed_org)
    with django_capture_on_commit_callbacks(execute=True):
        services.initiative_transition(
            actor=mailed_org.marketing_member, initiative=own, name="submit"
        )
    assert "marketing_member@example.com" not in recipients(smtp)


def test_nothing_is_sent_when_the_transaction_rolls_back(
    mailed_org: Org, django_capture_on_commit_callbacks: Any, smtp: Sink
) -> None:
    initiative = propose(mailed_org, goals=[])
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.initiative_transition(
            actor=mailed_org.marketing_member, initiative=initiative, name="submit"
        )
    assert smtp.received() == []


def test_a_user_can_switch_emails_off(
    mailed_org: Org, django_capture_on_commit_callbacks: Any, smtp: Sink
) -> None:
    client = api_client(mailed_org.coe_member)
    assert client.get("/api/me/notifications/").json()["email_enabled"] is True
    assert (
        client.patch("/api/me/notifications/", {"email_enabled": False}, format="json").json()[
            "email_enabled"
        ]
        is False
    )
    initiative = propose(mailed_org)
    with django_capture_on_commit_callbacks(execute=True):
        services.initiative_transition(
            actor=mailed_org.marketing_member, initiative=initiative, name="submit"
        )
    assert recipients(smtp) == ["coe_lead@example.com"]


def test_a_failing_mail_server_leaves_the_decision_intact(
    mailed_org: Org,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A real SMTP connection to a port nobody listens on.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    initiative = propose(mailed_org)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(mailed_org.marketing_member).post(
            f"/api/initiatives/{initiative.pk}/transitions/submit/", {}, format="json"
        )
    assert response.status_code == 200
    assert Initiative.objects.get(pk=initiative.pk).state == "submitted"
    assert Decision.objects.filter(initiative=initiative, transition="submit").exists()
    assert "Could not send" in caplog.text


def test_reminders_go_once_a_day_to_whoever_must_act(
    mailed_org: Org, django_capture_on_commit_callbacks: Any, smtp: Sink
) -> None:
    overdue_review = bring_to(mailed_org, "in_review")
    age(overdue_review, 14)
    overdue_signoff = bring_to(mailed_org, "awaiting_sponsor")
    age(overdue_signoff, 14)
    bring_to(mailed_org, "submitted")  # fresh: not in any digest

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_review_reminders", verbosity=0)
    assert recipients(smtp) == [
        "coe_lead@example.com",
        "coe_member@example.com",
        "sponsor@example.com",
    ]
    sponsor_mail = next(m for m in smtp.received() if m["To"] == "sponsor@example.com")
    assert overdue_signoff.title in text(sponsor_mail)
    assert "1 overdue" in str(sponsor_mail["Subject"])

    smtp.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_review_reminders", verbosity=0)
    assert smtp.received() == []
