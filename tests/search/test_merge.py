"""The CoE merges the review of two linked duplicates: one goes on, the other
is rejected as a duplicate, its people are told, and both pages say so."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import TransitionNotAllowed

from governance.errors import Conflict
from governance.models import AuditEvent
from inbox.models import Notification
from initiatives.models import Decision, Initiative
from search import services
from search.models import DuplicateLink
from tests.conftest import Org, bring_to, signed_in
from tests.smtp import Sink


def linked(
    org: Org, *, duplicate_state: str = "in_review", original_state: str = "in_review"
) -> tuple[Initiative, Initiative]:
    original = bring_to(org, original_state, unit="sales", title="Employer branding videos")
    duplicate = bring_to(org, duplicate_state, title="Employer branding video")
    services.duplicate_link(actor=org.coe_member, duplicate=duplicate, original=original)
    return duplicate, original


def test_keeping_the_original_rejects_the_duplicate_with_its_decision(org: Org) -> None:
    duplicate, original = linked(org)
    link = services.duplicate_merge(
        actor=org.coe_lead, duplicate=duplicate, keep=original, comment="Same videos."
    )
    duplicate.refresh_from_db()
    assert duplicate.state == "rejected"
    decision = Decision.objects.get(initiative=duplicate, transition="reject")
    assert decision.comment.startswith(f"Duplicate of #{original.pk}")
    assert "Same videos." in decision.comment
    assert (link.duplicate_id, link.original_id, link.merged_by) == (
        duplicate.pk,
        original.pk,
        org.coe_lead,
    )
    event = AuditEvent.objects.get(event="initiative.duplicate_merged")
    assert event.object_id == str(duplicate.pk)
    assert event.new["kept"] == original.pk
    assert Initiative.objects.get(pk=original.pk).state == "in_review"


def test_keeping_the_duplicate_closes_the_original_and_turns_the_links(org: Org) -> None:
    duplicate, original = linked(org)
    third = bring_to(org, "submitted", title="Employer branding clips")
    services.duplicate_link(actor=org.coe_member, duplicate=third, original=original)
    link = services.duplicate_merge(actor=org.coe_lead, duplicate=duplicate, keep=duplicate)
    assert Initiative.objects.get(pk=original.pk).state == "rejected"
    assert (link.duplicate_id, link.original_id) == (original.pk, duplicate.pk)
    # The closed one's other duplicate now duplicates the one that goes on.
    assert DuplicateLink.objects.get(duplicate=third).original_id == duplicate.pk


def test_the_owner_and_the_unit_are_told_in_the_app_and_by_email(
    org: Org, django_capture_on_commit_callbacks: Any, smtp: Sink
) -> None:
    for name, user in org.people.items():
        user.email = f"{name}@example.com"
        user.save(update_fields=["email"])
    duplicate, original = linked(org)
    with django_capture_on_commit_callbacks(execute=True):
        services.duplicate_merge(actor=org.coe_lead, duplicate=duplicate, keep=original)
    told = set(
        Notification.objects.filter(event="initiative.duplicate_merged").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"marketing_member", "marketing_lead"}
    text = Notification.objects.filter(event="initiative.duplicate_merged").first()
    assert text is not None
    assert f"#{original.pk}" in text.text
    assert {"marketing_member@example.com", "marketing_lead@example.com"} <= set(smtp.recipients())
    assert "sales_member@example.com" not in smtp.recipients()


def test_nothing_is_written_when_the_duplicate_is_not_in_review(org: Org) -> None:
    duplicate, original = linked(org, duplicate_state="draft")
    with pytest.raises(TransitionNotAllowed):
        services.duplicate_merge(actor=org.coe_lead, duplicate=duplicate, keep=original)
    assert Initiative.objects.get(pk=duplicate.pk).state == "draft"
    assert DuplicateLink.objects.get(duplicate=duplicate).merged_at is None
    assert not AuditEvent.objects.filter(event="initiative.duplicate_merged").exists()


def test_a_closed_initiative_cannot_be_kept(org: Org) -> None:
    duplicate, original = linked(org, original_state="withdrawn")
    with pytest.raises(Conflict):
        services.duplicate_merge(actor=org.coe_lead, duplicate=duplicate, keep=original)


def test_only_one_of_the_two_can_be_kept(org: Org) -> None:
    duplicate, _original = linked(org)
    other = bring_to(org, "in_review", title="Podcast")
    with pytest.raises(ValidationError) as raised:
        services.duplicate_merge(actor=org.coe_lead, duplicate=duplicate, keep=other)
    assert "keep" in raised.value.message_dict


@pytest.mark.parametrize("persona", ["marketing_lead", "sponsor", "auditor"])
def test_only_the_coe_merges(org: Org, persona: str) -> None:
    duplicate, original = linked(org)
    with pytest.raises(PermissionDenied):
        services.duplicate_merge(actor=org.people[persona], duplicate=duplicate, keep=original)


def test_a_coe_member_may_not_reject_so_may_not_merge(org: Org) -> None:
    duplicate, original = linked(org)
    with pytest.raises(PermissionDenied):
        services.duplicate_merge(actor=org.coe_member, duplicate=duplicate, keep=original)
    assert Initiative.objects.get(pk=duplicate.pk).state == "in_review"


def test_a_merged_link_stays(org: Org) -> None:
    duplicate, original = linked(org)
    services.duplicate_merge(actor=org.coe_lead, duplicate=duplicate, keep=original)
    with pytest.raises(Conflict):
        services.duplicate_unlink(actor=org.coe_lead, duplicate=duplicate)
    with pytest.raises(Conflict):
        services.duplicate_merge(actor=org.coe_lead, duplicate=duplicate, keep=original)


def test_the_api_answers_404_403_400_409_and_merges(org: Org, api: Any) -> None:
    duplicate, original = linked(org, duplicate_state="submitted")
    url = f"/api/initiatives/{duplicate.pk}/duplicate/merge/"
    assert api(org.outsider).post(url, {"keep": original.pk}).status_code == 404
    assert api(org.sales_lead).post(url, {"keep": original.pk}).status_code == 404
    assert api(org.marketing_lead).post(url, {"keep": original.pk}).status_code == 403
    client = api(org.coe_lead)
    assert client.post(url, {}).json()["keep"]
    assert client.post(url, {"keep": 999_999}).status_code == 400
    assert client.post(url, {"keep": original.pk}).status_code == 409
    services_transition(org, duplicate, "start_review")
    answer = client.post(url, {"keep": original.pk, "comment": "Same thing."})
    assert answer.status_code == 200
    assert answer.json()["kept"] == original.pk
    assert answer.json()["closed"] == duplicate.pk
    assert client.post(url, {"keep": original.pk}).status_code == 409


def services_transition(org: Org, initiative: Initiative, name: str) -> None:
    from initiatives import services as workflow

    workflow.initiative_transition(actor=org.coe_member, initiative=initiative, name=name)


def test_the_pages_show_merged_into_and_merged_from(org: Org) -> None:
    duplicate, original = linked(org)
    coe = signed_in(org.coe_lead)
    page = coe.get(f"/initiatives/{duplicate.pk}/").content.decode()
    assert "Merge the review" in page
    response = coe.post(
        f"/search/initiatives/{duplicate.pk}/merge/", {"keep": original.pk, "comment": "Same."}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/initiatives/{original.pk}/#h-duplicates"
    closed = signed_in(org.marketing_member).get(f"/initiatives/{duplicate.pk}/").content.decode()
    assert "its review goes on in" in closed
    assert "Merge the review" not in closed
    kept = coe.get(f"/initiatives/{original.pk}/").content.decode()
    assert "Merged from" in kept
    assert f'href="/initiatives/{duplicate.pk}/"' in kept


def test_the_page_refuses_others_and_explains_a_wrong_state(org: Org) -> None:
    duplicate, original = linked(org, duplicate_state="draft")
    url = f"/search/initiatives/{duplicate.pk}/merge/"
    assert signed_in(org.outsider).post(url, {"keep": original.pk}).status_code == 404
    assert signed_in(org.marketing_lead).post(url, {"keep": original.pk}).status_code == 403
    response = signed_in(org.coe_lead).post(url, {"keep": original.pk}, follow=True)
    assert "can be closed as a duplicate" in response.content.decode()
    assert Initiative.objects.get(pk=duplicate.pk).state == "draft"
