"""Proposing, editing, publishing, archiving and useful marks: who may, what
the state allows, and what the audit log keeps."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from governance.models import AuditEvent
from knowledge import services
from knowledge.models import Audience, Entry, State, UsefulMark
from tests.conftest import Org, api_client, signed_in
from tests.knowledge.conftest import entry_of, for_marketing
from tests.policies.conftest import policy_in

pytestmark = pytest.mark.django_db


def test_anyone_in_a_unit_may_propose_and_it_is_audited(org: Org):
    entry = entry_of(org, publish=False)

    assert entry.state == State.PROPOSED
    assert entry.owner == org.marketing_member
    assert entry.tags == "influencer,disclosure"
    event = AuditEvent.objects.get(event="library_entry.proposed")
    assert event.new["title"] == "Influencer disclosure rules"


@pytest.mark.parametrize("persona", ["coe_lead", "coe_member"])
def test_coe_may_publish_a_proposal(org: Org, persona: str):
    entry = entry_of(org, publish=False)

    entry = services.entry_publish(actor=org.people[persona], entry=entry)

    assert entry.state == State.PUBLISHED
    assert entry.published_at is not None
    assert AuditEvent.objects.filter(event="library_entry.published").count() == 1


@pytest.mark.parametrize("persona", ["marketing_member", "auditor"])
def test_readers_of_a_proposal_outside_the_coe_may_not_publish(org: Org, persona: str):
    entry = entry_of(org, publish=False)

    with pytest.raises(PermissionDenied):
        services.entry_publish(actor=org.people[persona], entry=entry)


@pytest.mark.parametrize("persona", ["marketing_lead", "sponsor", "sales_member"])
def test_proposal_is_not_found_by_others(org: Org, persona: str):
    entry = entry_of(org, publish=False)

    with pytest.raises(Http404):
        services.entry_publish(actor=org.people[persona], entry=entry)


def test_publishing_twice_is_a_conflict(org: Org):
    entry = entry_of(org)

    with pytest.raises(TransitionNotAllowed, match="cannot be published from its state"):
        services.entry_publish(actor=org.coe_lead, entry=entry)


def test_archiving_a_proposal_is_a_conflict(org: Org):
    entry = entry_of(org, publish=False)

    with pytest.raises(TransitionNotAllowed, match="cannot be archived from its state"):
        services.entry_archive(actor=org.coe_lead, entry=entry)


def test_published_entry_may_be_archived(org: Org):
    entry = services.entry_archive(actor=org.coe_lead, entry=entry_of(org))

    assert entry.state == State.ARCHIVED


def test_owner_edits_a_proposal_but_not_once_published(org: Org):
    entry = entry_of(org, publish=False)

    services.entry_update(actor=org.marketing_member, entry=entry, changes={"title": "Better"})
    services.entry_publish(actor=org.coe_member, entry=entry)

    with pytest.raises(PermissionDenied):
        services.entry_update(actor=org.marketing_member, entry=entry, changes={"title": "No"})
    assert Entry.objects.get(pk=entry.pk).title == "Better"
    event = AuditEvent.objects.get(event="library_entry.updated")
    assert event.old == {"title": "Influencer disclosure rules"}
    assert event.new == {"title": "Better"}


def test_units_audience_needs_units(org: Org):
    with pytest.raises(ValidationError) as error:
        services.entry_propose(
            actor=org.marketing_member, title="T", kind="article", audience=Audience.UNITS
        )

    assert "audience_units" in error.value.message_dict


def test_nobody_links_a_policy_they_cannot_see(org: Org):
    draft = policy_in(org, "draft")

    with pytest.raises(ValidationError) as error:
        services.entry_propose(
            actor=org.marketing_member, title="T", kind="article", policies=[draft]
        )

    assert "policies" in error.value.message_dict


def test_useful_mark_toggles_once_per_reader(org: Org):
    entry = entry_of(org)

    assert services.useful_toggle(actor=org.sales_member, entry=entry) is True
    assert services.useful_toggle(actor=org.marketing_lead, entry=entry) is True
    assert services.useful_toggle(actor=org.sales_member, entry=entry) is False

    assert list(UsefulMark.objects.values_list("user__username", flat=True)) == ["marketing_lead"]
    assert AuditEvent.objects.filter(event="library_entry.marked_useful").count() == 2
    assert AuditEvent.objects.filter(event="library_entry.unmarked_useful").count() == 1


def test_useful_mark_on_a_hidden_entry_is_404(org: Org):
    entry = for_marketing(org)

    response = signed_in(org.sales_member).post(f"/library/{entry.pk}/useful/")

    assert response.status_code == 404
    assert not UsefulMark.objects.exists()


def test_useful_count_shows_on_the_page(org: Org):
    entry = entry_of(org)
    signed_in(org.sales_member).post(f"/library/{entry.pk}/useful/")
    signed_in(org.marketing_lead).post(f"/library/{entry.pk}/useful/")

    page = signed_in(org.marketing_member).get(f"/library/{entry.pk}/").content.decode()

    assert "2 readers found it useful." in page


def test_entry_past_its_review_date_shows_possibly_out_of_date(org: Org):
    old = entry_of(
        org, title="Old rules", review_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    entry_of(org, title="Fresh rules", review_on=timezone.localdate() + datetime.timedelta(days=9))

    listed = signed_in(org.sales_member).get("/library/").content.decode()
    detail = signed_in(org.sales_member).get(f"/library/{old.pk}/").content.decode()
    api = api_client(org.sales_member).get(f"/api/library-entries/{old.pk}/").json()

    assert listed.count("Possibly out of date") == 1
    assert "Possibly out of date" in detail
    assert api["out_of_date"] is True


def test_body_is_sanitized(org: Org):
    entry = entry_of(org, body="Hello <script>alert(1)</script> [x](javascript:alert(1))")

    page = signed_in(org.marketing_member).get(f"/library/{entry.pk}/").content.decode()

    assert "<script>alert(1)" not in page
    assert "javascript:alert" not in page


def test_propose_and_publish_through_the_pages(org: Org):
    response = signed_in(org.sales_member).post(
        "/library/new/",
        {
            "title": "Social selling basics",
            "kind": "how_to",
            "language": "en",
            "body": "Start here.",
            "tags": "selling",
            "audience": "organization",
        },
    )
    assert response.status_code == 302
    entry_url = response["Location"]
    assert signed_in(org.sales_member).post(entry_url + "transitions/publish/").status_code == 403

    published = signed_in(org.coe_member).post(entry_url + "transitions/publish/")

    assert published.status_code == 302
    assert (
        "Social selling basics" in signed_in(org.marketing_member).get("/library/").content.decode()
    )


def test_form_names_the_field_of_a_unit_audience_without_units(org: Org):
    response = signed_in(org.sales_member).post(
        "/library/new/",
        {"title": "T", "kind": "article", "language": "en", "audience": "units"},
    )

    assert response.status_code == 200
    assert "Choose the units that may read the entry." in response.content.decode()


def test_edit_page_is_403_for_a_reader_who_may_not_edit(org: Org):
    entry = entry_of(org)

    assert signed_in(org.sales_member).get(f"/library/{entry.pk}/edit/").status_code == 403
    assert signed_in(org.coe_member).get(f"/library/{entry.pk}/edit/").status_code == 200
