"""The library's API: the same services and visibility as the pages, with
404 for what the caller cannot see, 403 for what they may not do, 409 for a
transition the state does not allow and 400 naming the field."""

import pytest

from knowledge.models import State
from tests.conftest import Org, api_client, signed_in
from tests.knowledge.conftest import entry_of, for_marketing

pytestmark = pytest.mark.django_db


def test_member_proposes_through_the_api(org: Org):
    response = api_client(org.marketing_member).post(
        "/api/library-entries/",
        {
            "title": "Hashtag research",
            "kind": "how_to",
            "tags": "Hashtags, Research",
            "audience": "units",
            "audience_units": [org.marketing.pk],
            "units": [org.marketing.pk],
            "goals": [org.goal.pk],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == State.PROPOSED
    assert body["owner"] == "marketing_member"
    assert body["tags"] == "hashtags,research"
    assert body["audience_units"] == [org.marketing.pk]


def test_unknown_kind_is_400_naming_the_field(org: Org):
    response = api_client(org.marketing_member).post(
        "/api/library-entries/", {"title": "X", "kind": "poem"}, format="json"
    )

    assert response.status_code == 400
    assert "kind" in response.json()


def test_units_audience_without_units_is_400_naming_the_field(org: Org):
    response = api_client(org.marketing_member).post(
        "/api/library-entries/",
        {"title": "X", "kind": "article", "audience": "units"},
        format="json",
    )

    assert response.status_code == 400
    assert "audience_units" in response.json()


def test_member_may_not_publish(org: Org):
    entry = entry_of(org, publish=False)

    response = api_client(org.marketing_member).post(f"/api/library-entries/{entry.pk}/publish/")

    assert response.status_code == 403


def test_coe_publishes_and_a_second_time_is_409(org: Org):
    entry = entry_of(org, publish=False)
    client = api_client(org.coe_lead)

    first = client.post(f"/api/library-entries/{entry.pk}/publish/")
    second = client.post(f"/api/library-entries/{entry.pk}/publish/")

    assert first.status_code == 200
    assert first.json()["state"] == State.PUBLISHED
    assert second.status_code == 409
    assert "cannot be published from its state" in second.json()["detail"]


def test_publishing_twice_on_the_page_says_why(org: Org):
    entry = entry_of(org, publish=False)
    client = signed_in(org.coe_lead)
    url = f"/library/{entry.pk}/transitions/publish/"

    assert client.post(url).status_code == 302
    again = client.post(url, follow=True)

    assert again.status_code == 200
    assert "This entry cannot be published from its state." in again.content.decode()


def test_outsider_gets_404_on_publish_and_useful(org: Org):
    entry = for_marketing(org)
    client = api_client(org.sales_member)

    assert client.post(f"/api/library-entries/{entry.pk}/publish/").status_code == 404
    assert client.post(f"/api/library-entries/{entry.pk}/useful/").status_code == 404


def test_useful_toggles_through_the_api(org: Org):
    entry = entry_of(org)
    client = api_client(org.sales_member)

    marked = client.post(f"/api/library-entries/{entry.pk}/useful/").json()
    unmarked = client.post(f"/api/library-entries/{entry.pk}/useful/").json()

    assert (marked["useful_count"], marked["marked_useful"]) == (1, True)
    assert (unmarked["useful_count"], unmarked["marked_useful"]) == (0, False)


def test_owner_edits_a_proposal_through_the_api(org: Org):
    entry = entry_of(org, publish=False)

    response = api_client(org.marketing_member).patch(
        f"/api/library-entries/{entry.pk}/", {"summary": "Short"}, format="json"
    )
    other = api_client(org.marketing_lead).patch(
        f"/api/library-entries/{entry.pk}/", {"summary": "Mine"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["summary"] == "Short"
    assert other.status_code == 404


def test_state_is_read_only(org: Org):
    entry = entry_of(org, publish=False)

    response = api_client(org.marketing_member).patch(
        f"/api/library-entries/{entry.pk}/", {"state": "published"}, format="json"
    )

    assert response.status_code == 400
    assert "state" in response.json()
