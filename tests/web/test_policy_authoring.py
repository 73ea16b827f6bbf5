"""Policy authoring in the browser's pages: drafting with a sanitized preview,
editing a draft, and each transition from the policy page, with the buttons
the user may press only, and refusals as messages (never a 500)."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from governance.models import AuditEvent
from policies import services
from policies.models import Policy, PolicyVersion, State
from tests.conftest import Org, signed_in
from tests.policies.conftest import policy_in

DRAFT = {
    "title": "Live streaming",
    "category": "social_media",
    "body": "# Live streaming\n\nTwo people on every stream.",
    "review_interval_months": "12",
}


def url(name: str, policy: Policy, *args: str) -> str:
    return reverse(f"policies:{name}", args=[policy.pk, *args])


def take(client: Client, policy: Policy, name: str, **data: str) -> Any:
    fields = {f"{name}-{key}": value for key, value in data.items()}
    return client.post(url("transition", policy, name), fields, follow=True)


def page_of(response: Any) -> str:
    assert response.status_code == 200
    return str(response.content.decode())


# Drafting


def test_the_coe_member_drafts_a_policy_for_two_units(org: Org) -> None:
    client = signed_in(org.coe_member)
    assert client.get("/policies/new/").status_code == 200
    response = client.post(
        "/policies/new/", DRAFT | {"business_units": [org.marketing.pk, org.sales.pk]}
    )
    policy = Policy.objects.get(title="Live streaming")
    assert response.status_code == 302
    assert response["Location"] == url("detail", policy)
    assert policy.state == State.DRAFT
    assert policy.owner == org.coe_member
    assert set(policy.business_units.all()) == {org.marketing, org.sales}
    assert AuditEvent.objects.filter(event="policy.created", actor=org.coe_member).count() == 1
    body = page_of(client.get(response["Location"]))
    assert "The policy was created as a draft." in body
    assert "Edit draft" in body


@pytest.mark.parametrize("persona", ["auditor", "marketing_lead", "sponsor", "outsider"])
def test_only_the_coe_drafts_policies(org: Org, persona: str) -> None:
    client = signed_in(org.people[persona])
    assert client.get("/policies/new/").status_code == 403
    assert client.post("/policies/new/", DRAFT).status_code == 403
    assert not Policy.objects.exists()


def test_the_library_offers_new_policy_to_the_coe_only(org: Org) -> None:
    assert "New policy" in page_of(signed_in(org.coe_member).get("/policies/"))
    assert "New policy" not in page_of(signed_in(org.auditor).get("/policies/"))


def test_a_draft_without_title_names_the_field_and_keeps_the_text(org: Org) -> None:
    body = page_of(signed_in(org.coe_member).post("/policies/new/", DRAFT | {"title": ""}))
    assert '<p class="field-error" id="id_title_error">This field is required.</p>' in body
    assert "Two people on every stream." in body
    assert not Policy.objects.exists()


def test_the_preview_renders_markdown_sanitized_and_saves_nothing(org: Org) -> None:
    text = "## Rules\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) <b onclick=x>b</b>"
    body = page_of(
        signed_in(org.coe_member).post("/policies/new/", DRAFT | {"body": text, "preview": "1"})
    )
    preview = body[body.index('id="h-preview"') :]
    assert "<h2>Rules</h2>" in preview
    assert "<script>" not in preview
    assert "javascript:" not in preview
    assert "onclick" not in preview
    # The text typed stays in the form, escaped.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert 'value="Live streaming"' in body
    assert not Policy.objects.exists()


# Editing


def test_the_coe_edits_a_draft_saying_why(org: Org) -> None:
    policy = policy_in(org, "draft")
    client = signed_in(org.coe_lead)
    form = page_of(client.get(url("edit", policy)))
    assert "We are clear and warm." in form
    response = client.post(
        url("edit", policy),
        DRAFT | {"title": "Brand voice", "change_reason": "Shorter", "body": "Short."},
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.body == "Short."
    event = AuditEvent.objects.filter(event="policy.updated").get()
    assert event.comment == "Shorter"
    assert event.actor == org.coe_lead


def test_an_edit_without_a_reason_names_the_field(org: Org) -> None:
    policy = policy_in(org, "draft")
    body = page_of(signed_in(org.coe_member).post(url("edit", policy), DRAFT))
    assert 'id="id_change_reason_error">This field is required.' in body
    policy.refresh_from_db()
    assert policy.title == "Brand voice"


def test_the_edit_preview_shows_the_edited_body(org: Org) -> None:
    policy = policy_in(org, "draft")
    body = page_of(
        signed_in(org.coe_member).post(
            url("edit", policy), DRAFT | {"body": "**New** words", "preview": "1"}
        )
    )
    assert "<strong>New</strong> words" in body
    policy.refresh_from_db()
    assert "New" not in policy.body


@pytest.mark.parametrize("state", ["in_review", "published", "retired"])
def test_only_a_draft_can_be_edited(org: Org, state: str) -> None:
    policy = policy_in(org, state)
    client = signed_in(org.coe_member)
    assert "Edit draft" not in page_of(client.get(url("detail", policy)))
    response = client.post(url("edit", policy), DRAFT | {"change_reason": "x"}, follow=True)
    assert "Only a draft can be edited" in page_of(response)
    policy.refresh_from_db()
    assert policy.title == "Brand voice"


def test_editing_is_404_for_outsiders_and_403_for_the_auditor(org: Org) -> None:
    policy = policy_in(org, "draft")
    assert signed_in(org.marketing_lead).get(url("edit", policy)).status_code == 404
    assert signed_in(org.outsider).post(url("edit", policy), DRAFT).status_code == 404
    assert signed_in(org.auditor).get(url("edit", policy)).status_code == 403


# Transitions from the policy page


def buttons(client: Client, policy: Policy) -> list[str]:
    body = page_of(client.get(url("detail", policy)))
    labels = ["Submit for review", "Return to draft", "Publish", "Start a new version", "Retire"]
    return [label for label in labels if f'">{label}</button>' in body]


def test_each_role_sees_only_the_buttons_it_may_press(org: Org) -> None:
    draft = policy_in(org, "draft")
    in_review = policy_in(org, "in_review")
    published = policy_in(org, "published")
    member, lead = signed_in(org.coe_member), signed_in(org.coe_lead)
    assert buttons(member, draft) == ["Submit for review"]
    # The member wrote it: only the lead, who did not, may publish.
    assert buttons(member, in_review) == ["Return to draft"]
    assert buttons(lead, in_review) == ["Return to draft", "Publish"]
    assert buttons(member, published) == ["Start a new version"]
    assert buttons(lead, published) == ["Start a new version", "Retire"]
    assert buttons(signed_in(org.auditor), in_review) == []
    assert "Actions" not in page_of(signed_in(org.marketing_member).get(url("detail", published)))


def test_the_author_is_told_why_they_cannot_publish(org: Org) -> None:
    policy = policy_in(org, "in_review", by="coe_lead")
    body = page_of(signed_in(org.coe_lead).get(url("detail", policy)))
    assert ">Publish</button>" not in body
    assert "Separation of duties: whoever wrote or edited this version may not publish it." in body


def test_a_forged_publish_by_the_author_is_a_message_not_a_publish(org: Org) -> None:
    policy = policy_in(org, "in_review", by="coe_lead")
    response = take(signed_in(org.coe_lead), policy, "publish")
    assert "Separation of duties" in page_of(response)
    policy.refresh_from_db()
    assert policy.state == State.IN_REVIEW


@pytest.mark.parametrize("persona", ["auditor", "coe_member"])
def test_publishing_without_the_right_is_403(org: Org, persona: str) -> None:
    policy = policy_in(org, "in_review", by="coe_lead")
    client = signed_in(org.people[persona])
    assert client.post(url("transition", policy, "publish")).status_code == 403
    policy.refresh_from_db()
    assert policy.state == State.IN_REVIEW


def test_transitions_are_404_for_outsiders_and_unknown_names(org: Org) -> None:
    policy = policy_in(org, "in_review")
    assert signed_in(org.outsider).post(url("transition", policy, "publish")).status_code == 404
    assert signed_in(org.coe_lead).post(url("transition", policy, "explode")).status_code == 404
    assert signed_in(org.coe_lead).get(url("transition", policy, "publish")).status_code == 405


def test_the_lead_publishes_with_a_future_effective_date(org: Org) -> None:
    policy = policy_in(org, "in_review")
    day = timezone.localdate() + datetime.timedelta(days=10)
    response = take(
        signed_in(org.coe_lead), policy, "publish", effective_date=day.isoformat(), comment="Go"
    )
    body = page_of(response)
    assert "Published as version 1, in effect from" in body
    assert "Scheduled" in body
    version = PolicyVersion.objects.get(policy=policy)
    assert version.effective_date == day
    assert AuditEvent.objects.filter(event="policy.published", comment="Go").count() == 1


def test_an_effective_date_in_the_past_rerenders_with_the_message_at_the_field(org: Org) -> None:
    policy = policy_in(org, "in_review")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = signed_in(org.coe_lead).post(
        url("transition", policy, "publish"), {"publish-effective_date": yesterday.isoformat()}
    )
    body = page_of(response)
    assert (
        '<p class="field-error" id="id_publish-effective_date_error">'
        "The effective date cannot be in the past.</p>" in body
    )
    assert f'value="{yesterday.isoformat()}"' in body
    policy.refresh_from_db()
    assert policy.state == State.IN_REVIEW


def test_a_malformed_effective_date_names_the_field(org: Org) -> None:
    policy = policy_in(org, "in_review")
    body = page_of(
        signed_in(org.coe_lead).post(
            url("transition", policy, "publish"), {"publish-effective_date": "soon"}
        )
    )
    assert 'id="id_publish-effective_date_error">Enter a valid date.' in body


def test_publishing_an_empty_body_is_a_message_on_the_form(org: Org) -> None:
    policy = policy_in(org, "in_review", body="")
    body = page_of(take(signed_in(org.coe_lead), policy, "publish"))
    assert "A policy needs a body to be published." in body
    policy.refresh_from_db()
    assert policy.state == State.IN_REVIEW


def test_returning_to_draft_needs_a_comment(org: Org) -> None:
    policy = policy_in(org, "in_review")
    client = signed_in(org.coe_lead)
    body = page_of(take(client, policy, "return_to_draft"))
    assert 'id="id_return_to_draft-comment_error">A comment is required for this decision.' in body
    take(client, policy, "return_to_draft", comment="Name the channels.")
    policy.refresh_from_db()
    assert policy.state == State.DRAFT


def test_a_wrong_state_is_a_message(org: Org) -> None:
    policy = policy_in(org, "published")
    body = page_of(take(signed_in(org.coe_member), policy, "submit"))
    assert "This action is no longer possible: the policy is now published." in body


def test_revise_then_retire_needs_a_confirmation(org: Org) -> None:
    policy = policy_in(org, "published")
    member, lead = signed_in(org.coe_member), signed_in(org.coe_lead)
    assert "A new version is open as a draft" in page_of(take(member, policy, "revise"))
    policy.refresh_from_db()
    assert policy.state == State.DRAFT
    services.policy_transition(actor=org.coe_member, policy=policy, name="submit")
    services.policy_transition(actor=org.coe_lead, policy=policy, name="publish")
    body = page_of(take(lead, policy, "retire"))
    assert "Tick the box to confirm." in body
    policy.refresh_from_db()
    assert policy.state == State.PUBLISHED
    assert "no longer in force" in page_of(take(lead, policy, "retire", confirm="on"))
    policy.refresh_from_db()
    assert policy.state == State.RETIRED


def test_the_submit_button_leads_to_review(org: Org) -> None:
    policy = policy_in(org, "draft")
    body = page_of(take(signed_in(org.coe_member), policy, "submit"))
    assert "Submitted for review" in body
    policy.refresh_from_db()
    assert policy.state == State.IN_REVIEW


# Languages


def test_the_authoring_pages_speak_german(org: Org) -> None:
    policy = policy_in(org, "in_review")
    client = signed_in(org.coe_lead)
    headers = {"Accept-Language": "de"}
    form = page_of(client.get("/policies/new/", headers=headers))
    assert "Neue Richtlinie" in form
    assert "Vorschau" in form
    detail = page_of(client.get(url("detail", policy), headers=headers))
    assert "Veröffentlichen" in detail
    assert "Wirksam ab" in detail
    assert "Außer Kraft setzen" not in detail  # retiring is for published policies


def test_the_authoring_pages_speak_italian(org: Org) -> None:
    client = signed_in(org.coe_lead)
    form = page_of(client.get("/policies/new/", headers={"Accept-Language": "it"}))
    assert "Nuova policy" in form
    assert "Anteprima" in form
