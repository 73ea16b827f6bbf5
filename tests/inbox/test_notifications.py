"""In-app notifications: written for whoever an act concerns (through
governance.signals.notify, and for every email the workflow sends), in the
recipient's language, emailed only where the recipient's choices allow, and
seen, read and linked by their recipient alone."""

from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy

from governance.models import OutboundEmail
from governance.signals import notify
from inbox.models import Notification
from initiatives import services as workflow
from sponsors import services as sponsor_services
from tests.conftest import Org, api_client, bring_to, propose, signed_in


def texts(user: Any) -> list[str]:
    """The user's notifications, newest first."""
    return list(Notification.objects.filter(recipient=user).values_list("text", flat=True))


def mention(org: Org, *recipients: Any, text: Any = "You were mentioned.") -> None:
    initiative = bring_to(org, "draft")
    notify.send(
        sender=None,
        recipients=recipients,
        actor=org.marketing_member,
        target=initiative,
        event="comment.mentioned",
        text=text,
    )


def test_a_notify_signal_notifies_each_recipient_once_and_never_the_actor(
    mailed_org: Org,
) -> None:
    org = mailed_org
    mention(org, org.coe_lead, org.coe_lead, org.marketing_member)
    assert texts(org.coe_lead) == ["You were mentioned."]
    assert texts(org.marketing_member) == []
    note = Notification.objects.get(recipient=org.coe_lead)
    assert (note.actor, note.event, note.read_at) == (
        org.marketing_member,
        "comment.mentioned",
        None,
    )


def test_a_mention_is_emailed_after_commit_unless_mentions_are_switched_off(
    mailed_org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    org = mailed_org
    sponsor_services.notifications_set(actor=org.coe_member, kinds={"mentions": False})
    with django_capture_on_commit_callbacks(execute=True):
        mention(org, org.coe_lead, org.coe_member)
    assert list(OutboundEmail.objects.values_list("to", flat=True)) == ["coe_lead@example.com"]
    assert texts(org.coe_member) == ["You were mentioned."]


def test_notifications_and_emails_come_in_the_recipients_language(
    mailed_org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    org = mailed_org
    sponsor_services.notifications_set(actor=org.sponsor, language="de")
    sponsor_services.notifications_set(actor=org.coe_lead, language="it")
    initiative = bring_to(org, "in_review", risk="high")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        workflow.initiative_transition(actor=org.coe_lead, initiative=initiative, name="approve")
    assert "Eine Initiative wartet auf Ihre Freigabe." in texts(org.sponsor)
    email = OutboundEmail.objects.get(to="sponsor@example.com", key__endswith="awaiting_sponsor")
    assert "Eine Initiative wartet auf Ihre Freigabe." in email.subject
    assert "Hallo" in email.body
    # Someone who chose no language gets the language of the moment.
    owner_email = OutboundEmail.objects.filter(to="marketing_member@example.com").last()
    assert owner_email is not None
    assert "A decision was taken on your initiative." in owner_email.subject
    with translation.override("it"):
        mention(org, org.coe_lead, org.coe_member, text=gettext_lazy("Nothing waits for you."))
    # In the language the lead chose, and in the language of the moment for the member.
    assert texts(org.coe_lead)[0] == texts(org.coe_member)[0] == "Non ti aspetta nulla."


def test_decisions_become_notifications_for_who_acts_next_and_the_owner(org: Org) -> None:
    initiative = propose(org)
    from tests.conftest import acknowledge_policies

    acknowledge_policies(org.marketing_member, org.marketing)
    workflow.initiative_transition(actor=org.marketing_member, initiative=initiative, name="submit")
    assert texts(org.coe_lead) == ["A new initiative was submitted for CoE review."]
    assert texts(org.marketing_member) == []  # the actor is not told of their own act
    workflow.initiative_transition(actor=org.coe_member, initiative=initiative, name="start_review")
    assert texts(org.marketing_member) == ["A decision was taken on your initiative."]


def test_emails_switched_off_still_leave_the_in_app_notification(
    mailed_org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    org = mailed_org
    sponsor_services.notifications_set(actor=org.sponsor, kinds={"decisions": False})
    initiative = bring_to(org, "in_review", risk="high")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.initiative_transition(actor=org.coe_lead, initiative=initiative, name="approve")
    assert not OutboundEmail.objects.filter(to="sponsor@example.com").exists()
    assert "An initiative awaits your sign-off." in texts(org.sponsor)


def test_the_recipient_lists_reads_and_follows_their_notifications(org: Org) -> None:
    mention(org, org.coe_lead)
    note = Notification.objects.get(recipient=org.coe_lead)
    client = signed_in(org.coe_lead)
    page = client.get("/inbox/notifications/").content.decode()
    assert "You were mentioned." in page
    assert f'href="/initiatives/{note.target_id}/"' in page
    assert client.get("/").content.decode().count('count-badge count-badge-unread">1') == 1

    assert client.get(f"/inbox/notifications/{note.pk}/read/").status_code == 405
    response = client.post(f"/inbox/notifications/{note.pk}/read/")
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None


def test_someone_elses_notification_is_404(org: Org) -> None:
    mention(org, org.coe_lead)
    note = Notification.objects.get(recipient=org.coe_lead)
    response = signed_in(org.coe_member).post(f"/inbox/notifications/{note.pk}/read/")
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.read_at is None
    assert (
        "You were mentioned."
        not in signed_in(org.coe_member).get("/inbox/notifications/").content.decode()
    )
    assert api_client(org.coe_member).get("/api/me/inbox/").json()["count"] == 0


def test_mark_all_read_marks_only_ones_own(org: Org) -> None:
    mention(org, org.coe_lead, org.coe_member)
    mention(org, org.coe_lead)
    response = signed_in(org.coe_lead).post("/inbox/notifications/read/")
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=org.coe_lead, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=org.coe_member, read_at__isnull=True).count() == 1


def test_marking_read_needs_the_csrf_token(org: Org) -> None:
    from django.test import Client

    mention(org, org.coe_lead)
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.coe_lead)
    assert client.post("/inbox/notifications/read/").status_code == 403
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_the_api_lists_the_callers_notifications_unread_first_filterable(org: Org) -> None:
    mention(org, org.coe_lead)
    mention(org, org.coe_lead, text="Second")
    Notification.objects.filter(text="Second").update(read_at="2026-01-01T00:00:00Z")
    client = api_client(org.coe_lead)
    assert client.get("/api/me/inbox/").json()["count"] == 2
    unread = client.get("/api/me/inbox/?unread=1").json()
    assert [n["text"] for n in unread["results"]] == ["You were mentioned."]
    assert unread["results"][0]["url"].startswith("/initiatives/")


def test_a_comment_mention_reaches_the_mentioned_persons_inbox_and_mail_in_their_language(
    mailed_org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    """The whole path: a comment posted through the discussion service, its
    @mention turned into a notification by the inbox, linked to the object,
    and emailed in the reader's language."""
    from discussion import services as discussion

    org = mailed_org
    initiative = bring_to(org, "draft")
    sponsor_services.notifications_set(actor=org.coe_lead, language="de")
    with django_capture_on_commit_callbacks(execute=True):
        discussion.comment_post(
            actor=org.marketing_member, target=initiative, body="@coe_lead, a look please?"
        )
    note = Notification.objects.get(recipient=org.coe_lead)
    assert note.event == "comment.mentioned"
    assert "hat Sie" in note.text
    page = signed_in(org.coe_lead).get("/inbox/notifications/")
    assert f"/initiatives/{initiative.pk}/" in page.content.decode()
    mail = OutboundEmail.objects.get(to="coe_lead@example.com")
    assert "hat Sie" in mail.subject + mail.body
