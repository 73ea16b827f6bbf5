"""Editing a comment: its author alone, within COMMENT_EDIT_MINUTES of posting
(403 for anyone else, the CoE included; 409 once the window has closed; 400
for an empty text); the thread says "edited", the audit log keeps every
earlier text, and only people newly mentioned who may see the object are told."""

import datetime
from typing import Any

import pytest
from django.urls import reverse

from discussion import services
from discussion.models import Comment
from governance.models import AuditEvent
from inbox.models import Notification
from initiatives.models import Initiative
from tests.conftest import Org, api_client, bring_to, signed_in


@pytest.fixture
def initiative(org: Org) -> Initiative:
    return bring_to(org, "submitted")


@pytest.fixture
def comment(org: Org, initiative: Initiative) -> Comment:
    return services.comment_post(
        actor=org.marketing_member, target=initiative, body="Budget is @marketing_lead's call."
    )


def edit_url(comment: Comment) -> str:
    return reverse("discussion:comment-edit", args=[comment.pk])


def api_url(comment: Comment) -> str:
    return f"/api/comments/{comment.pk}/"


def age(comment: Comment, minutes: int) -> None:
    Comment.objects.filter(pk=comment.pk).update(
        created_at=comment.created_at - datetime.timedelta(minutes=minutes)
    )


def mentioned_told(org: Org, who: str) -> int:
    return Notification.objects.filter(recipient=org.people[who], event=services.MENTIONED).count()


def test_author_edits_the_comment_and_the_thread_says_it_was_edited(
    org: Org, initiative: Initiative, comment: Comment
) -> None:
    client = signed_in(org.marketing_member)
    form = client.get(edit_url(comment))
    assert form.status_code == 200
    assert "Budget is @marketing_lead&#x27;s call." in form.content.decode()
    response = client.post(edit_url(comment), {"body": "Budget is **agreed**."})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/initiatives/{initiative.pk}/#comment-{comment.pk}")
    page = client.get(response["Location"]).content.decode()
    shown = page.split(f'id="comment-{comment.pk}"')[1].split("</li>")[0]
    assert "<strong>agreed</strong>" in shown
    assert "(edited" in shown
    comment.refresh_from_db()
    assert comment.body == "Budget is **agreed**."
    assert comment.edited_at is not None


def test_the_audit_keeps_every_earlier_text(org: Org, comment: Comment) -> None:
    api = api_client(org.marketing_member)
    for body in ("Second thoughts.", "Third thoughts."):
        assert api.patch(api_url(comment), {"body": body}, format="json").status_code == 200
    events = AuditEvent.objects.filter(event="comment.edited").order_by("id")
    assert [(e.old["body"], e.new["body"]) for e in events] == [
        ("Budget is @marketing_lead's call.", "Second thoughts."),
        ("Second thoughts.", "Third thoughts."),
    ]
    assert {e.actor for e in events} == {org.marketing_member}
    assert {e.old["comment"] for e in events} == {comment.pk}


def test_api_answers_with_the_edited_comment(org: Org, comment: Comment) -> None:
    response = api_client(org.marketing_member).patch(
        api_url(comment), {"body": "Now with *care*."}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["body"] == "Now with *care*."
    assert "<em>care</em>" in body["body_html"]
    assert body["edited_at"] is not None


@pytest.mark.parametrize("who", ["coe_lead", "coe_member", "marketing_lead"])
def test_nobody_but_the_author_may_edit_a_comment(org: Org, comment: Comment, who: str) -> None:
    user = org.people[who]
    patched = api_client(user).patch(api_url(comment), {"body": "Rewritten."}, format="json")
    assert patched.status_code == 403
    client = signed_in(user)
    assert client.get(edit_url(comment)).status_code == 403
    assert client.post(edit_url(comment), {"body": "Rewritten."}).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Budget is @marketing_lead's call."
    assert not AuditEvent.objects.filter(event="comment.edited").exists()


def test_the_coe_still_removes_but_is_offered_no_edit(
    org: Org, initiative: Initiative, comment: Comment
) -> None:
    page = signed_in(org.coe_lead).get(f"/initiatives/{initiative.pk}/").content.decode()
    assert reverse("discussion:comment-remove", args=[comment.pk]) in page
    assert edit_url(comment) not in page
    author_page = signed_in(org.marketing_member).get(f"/initiatives/{initiative.pk}/")
    assert edit_url(comment) in author_page.content.decode()


def test_someone_who_cannot_see_the_object_gets_404(org: Org, comment: Comment) -> None:
    patched = api_client(org.outsider).patch(api_url(comment), {"body": "Hi."}, format="json")
    assert patched.status_code == 404
    assert signed_in(org.outsider).get(edit_url(comment)).status_code == 404


def test_after_the_window_the_edit_is_refused_with_409(
    org: Org, initiative: Initiative, comment: Comment, settings: Any
) -> None:
    settings.COMMENT_EDIT_MINUTES = 15
    age(comment, 16)
    patched = api_client(org.marketing_member).patch(
        api_url(comment), {"body": "Too late."}, format="json"
    )
    assert patched.status_code == 409
    assert "15 minutes" in patched.json()["detail"]
    client = signed_in(org.marketing_member)
    assert client.get(edit_url(comment)).status_code == 409
    assert client.post(edit_url(comment), {"body": "Too late."}).status_code == 409
    page = client.get(f"/initiatives/{initiative.pk}/").content.decode()
    assert edit_url(comment) not in page
    comment.refresh_from_db()
    assert comment.body == "Budget is @marketing_lead's call."


def test_the_window_follows_the_setting(org: Org, comment: Comment, settings: Any) -> None:
    age(comment, 20)
    settings.COMMENT_EDIT_MINUTES = 30
    api = api_client(org.marketing_member)
    assert api.patch(api_url(comment), {"body": "Still in time."}, format="json").status_code == 200


def test_a_removed_comment_cannot_be_edited(org: Org, comment: Comment) -> None:
    services.comment_remove(actor=org.coe_lead, comment=comment)
    patched = api_client(org.marketing_member).patch(
        api_url(comment), {"body": "Back."}, format="json"
    )
    assert patched.status_code == 409


@pytest.mark.parametrize("body", ["", "   "])
def test_an_empty_text_is_refused_naming_the_field(org: Org, comment: Comment, body: str) -> None:
    patched = api_client(org.marketing_member).patch(
        api_url(comment), {"body": body}, format="json"
    )
    assert patched.status_code == 400
    assert "body" in patched.json()
    posted = signed_in(org.marketing_member).post(edit_url(comment), {"body": body})
    assert posted.status_code == 400
    assert "Write a comment." in posted.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Budget is @marketing_lead's call."


def test_a_missing_text_is_refused_naming_the_field(org: Org, comment: Comment) -> None:
    patched = api_client(org.marketing_member).patch(api_url(comment), {}, format="json")
    assert patched.status_code == 400
    assert "body" in patched.json()


def test_only_people_newly_mentioned_who_may_see_the_object_are_told(
    org: Org, comment: Comment
) -> None:
    assert mentioned_told(org, "marketing_lead") == 1
    services.comment_edit(
        actor=org.marketing_member,
        comment=comment,
        body="Budget is @marketing_lead's call, with @coe_member. cc @outsider @sales_lead",
    )
    assert mentioned_told(org, "marketing_lead") == 1
    assert mentioned_told(org, "coe_member") == 1
    assert mentioned_told(org, "outsider") == 0
    assert mentioned_told(org, "sales_lead") == 0
    event = AuditEvent.objects.get(event="comment.edited")
    assert event.new["mentioned"] == ["coe_member"]
    # Saying it again tells nobody twice.
    services.comment_edit(
        actor=org.marketing_member, comment=comment, body="With @coe_member, again."
    )
    assert mentioned_told(org, "coe_member") == 1


def test_the_audit_page_names_the_edit_in_german_and_italian(org: Org, comment: Comment) -> None:
    services.comment_edit(actor=org.marketing_member, comment=comment, body="Changed.")
    client = signed_in(org.people["auditor"])
    for language, label in (("de", "Kommentar bearbeitet"), ("it", "Commento modificato")):
        client.post("/i18n/setlang/", {"language": language, "next": "/"})
        assert label in client.get("/audit/").content.decode()
