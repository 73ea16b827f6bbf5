"""The weekly digest: once per user and week, naming only entries they may
read that concern their units or goals (or nobody in particular), in-app and
by email to those who keep reminder emails on."""

import pytest
from django.core.management import call_command

from governance.models import OutboundEmail
from inbox.models import Notification
from knowledge import digest
from knowledge.models import DigestSent
from sponsors.models import NotificationPreference
from tests.conftest import Org, propose
from tests.knowledge.conftest import entry_of, for_marketing

pytestmark = pytest.mark.django_db


def _with_addresses(org: Org) -> None:
    for user in org.people.values():
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])


def test_digest_names_only_entries_the_user_may_read(org: Org, django_capture_on_commit_callbacks):
    _with_addresses(org)
    entry_of(org, title="For everyone")
    for_marketing(org, title="Marketing only")
    entry_of(org, title="Sales matters", units=[org.sales])
    entry_of(org, title="Proposal", publish=False)

    with django_capture_on_commit_callbacks(execute=True):
        sent = digest.send_weekly()

    marketing = Notification.objects.get(recipient=org.marketing_member, event=digest.DIGEST)
    sales = Notification.objects.get(recipient=org.sales_member, event=digest.DIGEST)
    assert "For everyone" in marketing.text
    assert "Marketing only" in marketing.text
    assert "Sales matters" not in marketing.text
    assert "Proposal" not in marketing.text
    assert "Marketing only" not in sales.text
    assert "Sales matters" in sales.text
    assert not Notification.objects.filter(recipient=org.outsider, event=digest.DIGEST).exists()
    assert sent == DigestSent.objects.count()
    mail = OutboundEmail.objects.get(to="sales_member@example.org", key__startswith="library-")
    assert "Sales matters" in mail.body
    assert "Marketing only" not in mail.body


def test_digest_is_sent_once_a_week(org: Org):
    entry_of(org)

    first = digest.send_weekly()
    again = digest.send_weekly()
    call_command("send_library_digest")

    assert first > 0
    assert again == 0
    assert (
        Notification.objects.filter(recipient=org.marketing_member, event=digest.DIGEST).count()
        == 1
    )


def test_entry_for_a_goal_reaches_the_units_serving_it(org: Org):
    propose(org)  # a Marketing initiative serving org.goal
    entry_of(org, title="Goal reading", goals=[org.goal])

    digest.send_weekly()

    assert Notification.objects.filter(recipient=org.marketing_lead, event=digest.DIGEST).exists()
    assert not Notification.objects.filter(recipient=org.sales_lead, event=digest.DIGEST).exists()


def test_no_email_for_those_who_switched_reminders_off(
    org: Org, django_capture_on_commit_callbacks
):
    _with_addresses(org)
    NotificationPreference.objects.create(user=org.sales_member, email_reminders=False)
    entry_of(org)

    digest.send_weekly()

    assert Notification.objects.filter(recipient=org.sales_member, event=digest.DIGEST).exists()
    assert not OutboundEmail.objects.filter(to="sales_member@example.org").exists()
    assert OutboundEmail.objects.filter(to="sales_lead@example.org").exists()


def test_nothing_new_sends_nothing(org: Org):
    assert digest.send_weekly() == 0
    assert not Notification.objects.filter(event=digest.DIGEST).exists()
