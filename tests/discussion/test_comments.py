"""Comments on initiatives, amendments, policies and exceptions: visible to
whoever sees the object, mentions told only to those who may see it, every
comment and removal audited, and a thread read in the same number of queries
however long it is."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from discussion import services
from discussion.models import Comment
from governance import signals
from governance.models import AuditEvent
from initiatives.models import Initiative
from tests.conftest import Org, acknowledge_policies, api_client, bring_to, signed_in


@pytest.fixture
def initiative(org: Org) -> Initiative:
    return bring_to(org, "submitted")


@pytest.fixture
def told() -> Iterator[list[dict[str, Any]]]:
    """What the notify signal carried, one entry per sending."""
    sent: list[dict[str, Any]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        sent.append(kwargs | {"recipients": [u.username for u in kwargs["recipients"]]})

    signals.notify.connect(receiver, dispatch_uid="test-told")
    yield sent
    signals.notify.disconnect(dispatch_uid="test-told")


def thread_url(initiative: Initiative) -> str:
    return reverse("discussion:thread", args=["initiatives", initiative.pk])


def api_url(kind: str, pk: int) -> str:
    return f"/api/{kind}/{pk}/comments/"


def test_member_posts_a_comment_that_is_shown_and_audited(org: Org, initiative: Initiative) -> None:
    client = signed_in(org.people["marketing_lead"])
    response = client.post(thread_url(initiative), {"body": "Budget looks **fine**."})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/initiatives/{initiative.pk}/#discussion")
    page = client.get(response["Location"])
    assert "<strong>fine</strong>" in page.content.decode()
    event = AuditEvent.objects.get(event="comment.posted")
    assert event.actor == org.people["marketing_lead"]
    assert event.object_id == str(initiative.pk)
    assert event.new["body"] == "Budget looks **fine**."


def test_mention_tells_only_those_who_may_see_the_object(
    org: Org, initiative: Initiative, told: list[dict[str, Any]]
) -> None:
    services.comment_post(
        actor=org.people["marketing_member"],
        target=initiative,
        body="@marketing_lead and @coe_member, please look. cc @sales_lead @outsider "
        "@nobody @marketing_member mail me at me@example.org.",
    )
    assert len(told) == 1
    assert told[0]["recipients"] == ["coe_member", "marketing_lead"]
    assert told[0]["event"] == "comment.mentioned"
    assert told[0]["target"] == initiative
    assert told[0]["actor"] == org.people["marketing_member"]
    assert "marketing_member mentioned you" in str(told[0]["text"])
    event = AuditEvent.objects.get(event="comment.posted")
    assert event.new["mentioned"] == ["coe_member", "marketing_lead"]


def test_mention_text_is_in_the_readers_language(
    org: Org, initiative: Initiative, told: list[dict[str, Any]]
) -> None:
    from django.utils import translation

    services.comment_post(
        actor=org.people["coe_member"], target=initiative, body="@marketing_lead?"
    )
    with translation.override("de"):
        assert "hat Sie" in str(told[0]["text"])
    with translation.override("it"):
        assert "ti ha menzionato" in str(told[0]["text"])


def test_comment_without_mentions_tells_nobody(
    org: Org, initiative: Initiative, told: list[dict[str, Any]]
) -> None:
    services.comment_post(actor=org.people["coe_member"], target=initiative, body="Looks good.")
    assert told == []


@pytest.mark.parametrize("who", ["sales_lead", "sales_sponsor", "outsider"])
def test_outsider_gets_404_for_the_thread(org: Org, initiative: Initiative, who: str) -> None:
    services.comment_post(actor=org.people["coe_member"], target=initiative, body="Secret plan.")
    comment = Comment.objects.get()
    client = signed_in(org.people[who])
    assert client.get(thread_url(initiative)).status_code == 404
    assert client.post(thread_url(initiative), {"body": "hi"}).status_code == 404
    removal = reverse("discussion:comment-remove", args=[comment.pk])
    assert client.post(removal).status_code == 404
    api = api_client(org.people[who])
    assert api.get(api_url("initiatives", initiative.pk)).status_code == 404
    assert api.post(api_url("initiatives", initiative.pk), {"body": "hi"}).status_code == 404
    assert api.get(f"/api/comments/{comment.pk}/").status_code == 404
    assert Comment.objects.count() == 1


def test_thread_of_an_unknown_or_impossible_id_is_404(org: Org) -> None:
    client = signed_in(org.people["coe_lead"])
    assert client.get(reverse("discussion:thread", args=["initiatives", 999])).status_code == 404
    assert client.get(reverse("discussion:thread", args=["budgets", 1])).status_code == 404
    api = api_client(org.people["coe_lead"])
    assert api.get(api_url("initiatives", 2**64)).status_code == 404


def test_empty_comment_rerenders_the_form_with_a_message(org: Org, initiative: Initiative) -> None:
    client = signed_in(org.people["marketing_lead"])
    response = client.post(thread_url(initiative), {"body": "   "})
    assert response.status_code == 400
    assert "Write a comment." in response.content.decode()
    api = api_client(org.people["marketing_lead"])
    answer = api.post(api_url("initiatives", initiative.pk), {"body": "  "}, format="json")
    assert answer.status_code == 400
    assert "body" in answer.json()
    assert Comment.objects.count() == 0


def test_comment_markdown_is_sanitized(org: Org, initiative: Initiative) -> None:
    body = 'Hi <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror="alert(3)">'
    services.comment_post(actor=org.people["marketing_lead"], target=initiative, body=body)
    html = signed_in(org.people["coe_lead"]).get(thread_url(initiative)).content.decode()
    assert "<script>alert(1)" not in html
    assert "javascript:alert" not in html
    assert "onerror" not in html


def test_api_posts_and_lists_comments(org: Org, initiative: Initiative) -> None:
    api = api_client(org.people["sponsor"])
    answer = api.post(api_url("initiatives", initiative.pk), {"body": "Go ahead."}, format="json")
    assert answer.status_code == 201
    assert answer.json()["author"] == "sponsor"
    listed = api_client(org.people["auditor"]).get(api_url("initiatives", initiative.pk)).json()
    assert listed["count"] == 1
    assert listed["results"][0]["body"] == "Go ahead."
    assert listed["results"][0]["body_html"] == "<p>Go ahead.</p>"


def test_author_removes_a_comment_and_the_thread_says_so(org: Org, initiative: Initiative) -> None:
    comment = services.comment_post(
        actor=org.people["marketing_lead"], target=initiative, body="Wrong number."
    )
    client = signed_in(org.people["marketing_lead"])
    response = client.post(reverse("discussion:comment-remove", args=[comment.pk]))
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_removed
    assert comment.body == ""
    page = client.get(thread_url(initiative)).content.decode()
    assert "Removed by marketing_lead" in page
    assert "Wrong number." not in page
    event = AuditEvent.objects.get(event="comment.removed")
    assert event.old == {"comment": comment.pk, "author": "marketing_lead", "body": "Wrong number."}


def test_only_the_author_or_the_coe_may_remove_a_comment(org: Org, initiative: Initiative) -> None:
    comment = services.comment_post(
        actor=org.people["marketing_lead"], target=initiative, body="Mine."
    )
    url = f"/api/comments/{comment.pk}/"
    assert api_client(org.people["marketing_member"]).delete(url).status_code == 403
    assert api_client(org.people["auditor"]).delete(url).status_code == 403
    assert api_client(org.people["coe_member"]).delete(url).status_code == 200
    assert api_client(org.people["coe_member"]).delete(url).status_code == 409
    assert AuditEvent.objects.filter(event="comment.removed").count() == 1


def test_comments_on_amendments_policies_and_exceptions(org: Org) -> None:
    from initiatives import services as workflow
    from policies import services as policy_services
    from tests.policies.conftest import policy_in

    active = bring_to(org, "active")
    policy = policy_in(org, "published", units=[org.marketing])
    acknowledge_policies(org.people["marketing_lead"], org.marketing)
    amendment = workflow.amendment_propose(
        actor=org.people["marketing_lead"],
        initiative=active,
        changes={"summary": "A wider reach."},
        reason="More markets.",
    )
    exception = policy_services.exception_request(
        actor=org.people["marketing_lead"],
        initiative=active,
        policy=policy,
        reason="A one-off event.",
        expires_on=active.created_at.date().replace(year=active.created_at.year + 1),
    )
    member = api_client(org.people["marketing_member"])
    outsider = api_client(org.people["sales_member"])
    for kind, obj in (("amendments", amendment), ("policies", policy), ("exceptions", exception)):
        answer = member.post(api_url(kind, obj.pk), {"body": f"On the {kind}."}, format="json")
        assert answer.status_code == 201, (kind, answer.content)
        assert outsider.get(api_url(kind, obj.pk)).status_code == 404
    types = set(Comment.objects.values_list("content_type", flat=True))
    assert len(types) == 3
    assert ContentType.objects.get_for_model(policy).pk in types


def _comments(initiative: Initiative, author: Any, count: int) -> None:
    kind = ContentType.objects.get_for_model(initiative)
    Comment.objects.bulk_create(
        Comment(content_type=kind, object_id=initiative.pk, author=author, body=f"Note {n} @x")
        for n in range(count)
    )


def _queries(client: Any, url: str) -> int:
    # Measured with the header's counts cached, as for every size.
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_thread_queries_are_the_same_at_10_and_1000_comments(org: Org) -> None:
    short, long = bring_to(org, "submitted"), bring_to(org, "submitted", title="Long")
    people = [org.people[p] for p in ("marketing_lead", "marketing_member", "coe_member")]
    for n, author in enumerate(people * 4):
        _comments(short, author, 1 if n < 10 else 0)
    for author in people:
        _comments(long, author, 334)
    client = signed_in(org.people["coe_lead"])
    api = api_client(org.people["coe_lead"])
    for url_of in (
        lambda i: thread_url(i),
        lambda i: thread_url(i) + "?page=2",
        lambda i: reverse("initiatives:detail", args=[i.pk]),
    ):
        assert _queries(client, url_of(short)) == _queries(client, url_of(long))
    assert _queries(api, api_url("initiatives", short.pk)) == _queries(
        api, api_url("initiatives", long.pk)
    )


def test_an_exceptions_discussion_is_on_its_own_page(org: Org) -> None:
    from policies import services as policy_services
    from tests.policies.conftest import policy_in

    active = bring_to(org, "active")
    policy = policy_in(org, "published", units=[org.marketing])
    exception = policy_services.exception_request(
        actor=org.people["marketing_lead"],
        initiative=active,
        policy=policy,
        reason="A one-off event.",
        expires_on=active.created_at.date().replace(year=active.created_at.year + 1),
    )
    services.comment_post(actor=org.people["coe_lead"], target=exception, body="Why now?")
    page = signed_in(org.people["marketing_lead"]).get(
        reverse("policies:exception-detail", args=[exception.pk])
    )
    assert page.status_code == 200
    assert "Why now?" in page.content.decode()
    thread = signed_in(org.people["marketing_lead"]).get(
        reverse("discussion:thread", args=["exceptions", exception.pk])
    )
    assert reverse("policies:exception-detail", args=[exception.pk]) in thread.content.decode()
