"""The duplicate hint at intake, and the CoE's duplicate links."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from governance.models import AuditEvent
from search import selectors, services
from search.models import DuplicateLink
from tests.conftest import Org, propose, signed_in


def test_a_duplicate_proposal_shows_its_twin(org: Org) -> None:
    twin = propose(org, title="Social customer care desk", summary="Answer customers on X")
    found = selectors.similar_initiatives(
        user=org.marketing_lead, title="Customer care desk on social media"
    )
    assert [(item.title, item.object_id, item.visible) for item in found] == [
        ("Social customer care desk", twin.pk, True)
    ]


def test_an_unrelated_title_shows_nothing(org: Org) -> None:
    propose(org, title="Social customer care desk")
    assert selectors.similar_initiatives(user=org.marketing_lead, title="Podcast series") == []


def test_another_units_twin_is_shown_by_title_alone(org: Org) -> None:
    propose(org, title="Employer branding videos", by="sales_member", unit=org.sales)
    found = selectors.similar_initiatives(user=org.marketing_lead, title="Employer branding video")
    assert len(found) == 1
    assert found[0].title == "Employer branding videos"
    assert (found[0].visible, found[0].object_id, found[0].url, found[0].unit) == (False, 0, "", "")


def test_the_coe_sees_every_twin_in_full(org: Org) -> None:
    twin = propose(org, title="Employer branding videos", by="sales_member", unit=org.sales)
    found = selectors.similar_initiatives(user=org.coe_member, title="Employer branding video")
    assert (found[0].visible, found[0].object_id, found[0].unit) == (True, twin.pk, "Sales")


def test_the_initiative_being_edited_is_not_its_own_twin(org: Org) -> None:
    draft = propose(org, title="Employer branding videos")
    assert (
        selectors.similar_initiatives(
            user=org.marketing_lead, title="Employer branding videos", exclude=draft.pk
        )
        == []
    )


def test_the_hint_costs_the_same_queries_for_few_or_many_twins(
    org: Org, django_assert_max_num_queries: Any
) -> None:
    propose(org, title="Employer branding videos")
    with django_assert_max_num_queries(6):
        selectors.similar_initiatives(user=org.coe_lead, title="Employer branding video")
    for i in range(20):
        propose(org, title=f"Employer branding videos {i}", by="sales_member", unit=org.sales)
    with django_assert_max_num_queries(6):
        found = selectors.similar_initiatives(user=org.coe_lead, title="Employer branding video")
    assert len(found) == 5


def test_the_form_fragment_and_the_api_show_the_twin(org: Org, api: Any) -> None:
    propose(org, title="Employer branding videos", by="sales_member", unit=org.sales)
    fragment = signed_in(org.marketing_lead).get(
        "/search/similar/", {"title": "Employer branding video"}
    )
    assert "Employer branding videos" in fragment.content.decode()
    assert "/initiatives/" not in fragment.content.decode()
    answer = api(org.marketing_lead).get(
        "/api/initiatives/similar/", {"title": "Employer branding video"}
    )
    assert answer.status_code == 200
    assert answer.json() == [
        {
            "id": None,
            "title": "Employer branding videos",
            "score": answer.json()[0]["score"],
            "visible": False,
            "url": "",
            "business_unit": "",
            "state": "",
        }
    ]


def test_the_new_initiative_form_asks_for_the_hint(org: Org) -> None:
    page = signed_in(org.marketing_lead).get("/initiatives/new/").content.decode()
    assert 'hx-get="/search/similar/"' in page


def test_the_coe_links_a_duplicate_with_an_audit_event(org: Org) -> None:
    original = propose(org, title="Employer branding videos", by="sales_member", unit=org.sales)
    duplicate = propose(org, title="Employer branding video")
    services.duplicate_link(actor=org.coe_member, duplicate=duplicate, original=original)
    assert DuplicateLink.objects.get(duplicate=duplicate).original == original
    event = AuditEvent.objects.get(event="initiative.duplicate_linked")
    assert event.object_id == str(duplicate.pk)
    assert event.new["original"] == original.pk
    page = signed_in(org.marketing_lead).get(f"/initiatives/{duplicate.pk}/").content.decode()
    assert "Employer branding videos" in page
    assert f'href="/initiatives/{original.pk}/"' not in page


@pytest.mark.parametrize("persona", ["marketing_lead", "sponsor", "auditor"])
def test_only_the_coe_links_duplicates(org: Org, persona: str) -> None:
    original = propose(org, title="A")
    duplicate = propose(org, title="B")
    with pytest.raises(PermissionDenied):
        services.duplicate_link(actor=org.people[persona], duplicate=duplicate, original=original)


def test_the_api_links_and_unlinks(org: Org, api: Any) -> None:
    original = propose(org, title="A")
    duplicate = propose(org, title="B")
    url = f"/api/initiatives/{duplicate.pk}/duplicate/"
    assert api(org.outsider).post(url, {"original": original.pk}).status_code == 404
    assert api(org.marketing_lead).post(url, {"original": original.pk}).status_code == 403
    client = api(org.coe_lead)
    assert client.post(url, {"original": duplicate.pk}).status_code == 400
    assert client.post(url, {"original": original.pk}).status_code == 201
    assert client.post(url, {"original": original.pk}).status_code == 409
    assert client.delete(url).status_code == 204
    assert client.delete(url).status_code == 409
    assert AuditEvent.objects.filter(event="initiative.duplicate_unlinked").count() == 1


def test_the_page_links_a_duplicate(org: Org) -> None:
    original = propose(org, title="A")
    duplicate = propose(org, title="B")
    response = signed_in(org.coe_lead).post(
        f"/search/initiatives/{duplicate.pk}/duplicate/", {"original": original.pk}
    )
    assert response.status_code == 302
    assert DuplicateLink.objects.filter(duplicate=duplicate, original=original).exists()
    assert (
        signed_in(org.marketing_lead)
        .post(f"/search/initiatives/{duplicate.pk}/unlink/")
        .status_code
        == 403
    )
    assert (
        signed_in(org.outsider).post(f"/search/initiatives/{duplicate.pk}/unlink/").status_code
        == 404
    )
