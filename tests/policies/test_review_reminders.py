"""Reminders of overdue policy reviews: in the app for every owner, by email
(through a real SMTP server on loopback, tests.smtp) only to owners whose
choices allow reminder emails; once a day whatever runs twice."""

import datetime
from typing import Any

from django.utils import timezone

from inbox.models import Notification
from policies import tasks
from policies.models import Policy
from sponsors.models import NotificationPreference
from tests.conftest import Org
from tests.policies.conftest import policy_in
from tests.smtp import Sink


def overdue(o: Org, owner: str, title: str) -> Policy:
    policy = policy_in(o, "published", title=title)
    Policy.objects.filter(pk=policy.pk).update(
        owner=o.people[owner],
        next_review_due=timezone.localdate() - datetime.timedelta(days=3),
    )
    user = o.people[owner]
    user.email = f"{owner}@example.com"
    user.save(update_fields=["email"])
    return policy


def remind(capture: Any) -> None:
    with capture(execute=True):
        tasks.policy_review_reminders_send.apply().get()


def reminded(o: Org, owner: str) -> list[str]:
    return list(
        Notification.objects.filter(recipient=o.people[owner], event=tasks.REMINDER).values_list(
            "text", flat=True
        )
    )


def test_owner_who_switched_reminder_emails_off_is_reminded_in_the_app_only(
    org: Org, django_capture_on_commit_callbacks: Any, smtp: Sink
) -> None:
    overdue(org, "coe_lead", "Brand voice")
    overdue(org, "coe_member", "Crisis playbook")
    NotificationPreference.objects.create(user=org.coe_member, email_reminders=False)
    remind(django_capture_on_commit_callbacks)
    assert smtp.recipients() == ["coe_lead@example.com"]
    assert reminded(org, "coe_lead") == ["1 policy you own is past its review date"]
    assert reminded(org, "coe_member") == ["1 policy you own is past its review date"]


def test_owner_who_switched_all_email_off_gets_no_reminder_email(
    org: Org, django_capture_on_commit_callbacks: Any, smtp: Sink
) -> None:
    overdue(org, "coe_lead", "Brand voice")
    NotificationPreference.objects.create(user=org.coe_lead, email_enabled=False)
    remind(django_capture_on_commit_callbacks)
    assert smtp.received() == []
    assert len(reminded(org, "coe_lead")) == 1


def test_owner_who_wants_reminders_gets_one_email_listing_all_their_policies_once_a_day(
    org: Org, django_capture_on_commit_callbacks: Any, smtp: Sink
) -> None:
    overdue(org, "coe_lead", "Brand voice")
    overdue(org, "coe_lead", "Crisis playbook")
    NotificationPreference.objects.create(user=org.coe_lead, email_decisions=False)
    remind(django_capture_on_commit_callbacks)
    remind(django_capture_on_commit_callbacks)
    [message] = smtp.received()
    assert message["To"] == "coe_lead@example.com"
    assert "2 policies you own are past their review date" in str(message["Subject"])
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert "Brand voice" in text
    assert "Crisis playbook" in text
    assert reminded(org, "coe_lead") == ["2 policies you own are past their review date"]


def test_reminder_is_written_in_the_owners_language(
    org: Org, django_capture_on_commit_callbacks: Any, smtp: Sink
) -> None:
    overdue(org, "coe_lead", "Brand voice")
    NotificationPreference.objects.create(user=org.coe_lead, language="de")
    remind(django_capture_on_commit_callbacks)
    [text] = reminded(org, "coe_lead")
    assert text != "1 policy you own is past its review date"
    assert str(smtp.received()[0]["Subject"]).strip() == text
