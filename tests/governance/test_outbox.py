"""Email through the outbox and the tasks: sent once per event and recipient,
whatever runs twice, and sent later when the mail server was down. Through a
real SMTP server on loopback (tests.smtp)."""

import datetime
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from governance import mail, tasks
from governance.models import AuditCheckpoint, OutboundEmail
from initiatives import services
from policies import tasks as policy_tasks
from policies.models import Policy
from sponsors import tasks as sponsor_tasks
from tests.conftest import Org, bring_to, propose, signed_in
from tests.smtp import Sink
from tests.sponsors.conftest import age


@pytest.fixture
def mailed_org(org: Org) -> Org:
    """The personas, each with an address."""
    for name, user in org.people.items():
        user.email = f"{name}@example.com"
        user.save(update_fields=["email"])
    return org


def submit(org: Org, capture: Any) -> None:
    initiative = propose(org)
    with capture(execute=True):
        services.initiative_transition(
            actor=org.marketing_member, initiative=initiative, name="submit"
        )


def test_a_decision_email_is_sent_once_even_when_its_task_runs_again(
    mailed_org: Org, django_capture_on_commit_callbacks: Any, smtp: Sink
) -> None:
    submit(mailed_org, django_capture_on_commit_callbacks)
    assert smtp.recipients() == ["coe_lead@example.com", "coe_member@example.com"]
    rows = list(OutboundEmail.objects.all())
    assert all(row.sent_at is not None for row in rows)
    for row in rows:
        # A redelivered message, a retry after a crash: the row says it is sent.
        assert tasks.email_send.apply(args=[row.pk]).get() == "already sent"
    assert len(smtp.received()) == 2
    # The same Message-ID on every attempt lets a receiver spot a repeat too.
    assert {m["Message-ID"] for m in smtp.received()} == {
        f"<outbox-{row.pk}@localhost>" for row in rows
    }


def test_one_event_is_queued_once_per_recipient(
    mailed_org: Org, django_capture_on_commit_callbacks: Any, smtp: Sink
) -> None:
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            mail.outbox_add(
                key="decision:42:owner",
                recipients=[mailed_org.marketing_member, mailed_org.sponsor],
                template="reminder",
                context={"items": []},
                subject="Hello",
            )
    assert smtp.recipients() == ["marketing_member@example.com", "sponsor@example.com"]
    assert OutboundEmail.objects.count() == 2


def test_an_email_the_server_refused_goes_out_with_a_later_flush(
    mailed_org: Org,
    django_capture_on_commit_callbacks: Any,
    smtp: Sink,
    settings: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = 9, 2  # nobody listens there
    submit(mailed_org, django_capture_on_commit_callbacks)
    assert smtp.received() == []
    assert "Could not send" in caplog.text
    pending = OutboundEmail.objects.filter(sent_at__isnull=True)
    assert pending.count() == 2
    assert all(row.attempts == 1 and row.last_error for row in pending)

    settings.EMAIL_PORT = working_port
    # Too fresh: its own task may still be on the way.
    assert tasks.outbox_flush.apply().get() == 0
    pending.update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    assert tasks.outbox_flush.apply().get() == 2
    assert smtp.recipients() == ["coe_lead@example.com", "coe_member@example.com"]
    assert tasks.outbox_flush.apply().get() == 0
    assert len(smtp.received()) == 2


def test_the_digest_task_sends_what_the_command_sends_once_a_day(
    mailed_org: Org, django_capture_on_commit_callbacks: Any, smtp: Sink
) -> None:
    overdue = bring_to(mailed_org, "in_review")
    age(overdue, 14)
    with django_capture_on_commit_callbacks(execute=True):
        sponsor_tasks.review_reminders_send.apply().get()
    assert smtp.recipients() == ["coe_lead@example.com", "coe_member@example.com"]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_review_reminders", verbosity=0)
    assert len(smtp.received()) == 2


def test_owners_of_overdue_policies_are_reminded_once_a_day(
    db: None, settings: Any, django_capture_on_commit_callbacks: Any, smtp: Sink
) -> None:
    settings.DEBUG = True  # the demo is seeded in development
    call_command("seed_demo", verbosity=0)
    overdue = Policy.objects.filter(next_review_due__lt=timezone.localdate())
    owners = sorted({policy.owner.email for policy in overdue})
    assert owners
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            policy_tasks.policy_review_reminders_send.apply().get()
    assert smtp.recipients() == owners
    message = smtp.received()[0]
    assert "past" in str(message["Subject"])


def test_the_checkpoint_task_signs_the_head(db: None, org: Org) -> None:
    before = AuditCheckpoint.objects.count()
    tasks.audit_checkpoint.apply().get()
    assert AuditCheckpoint.objects.count() == before + 1


def test_staff_see_the_outbox_in_the_admin_but_cannot_change_it(
    mailed_org: Org, django_capture_on_commit_callbacks: Any, smtp: Sink
) -> None:
    submit(mailed_org, django_capture_on_commit_callbacks)
    admin = signed_in(mailed_org.admin)
    listing = admin.get("/admin/governance/outboundemail/?sent_at__isnull=False")
    assert listing.status_code == 200
    assert b"coe_lead@example.com" in listing.content
    row = OutboundEmail.objects.first()
    assert row is not None
    assert admin.post(f"/admin/governance/outboundemail/{row.pk}/delete/").status_code == 403
