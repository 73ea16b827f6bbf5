"""Nobody reads an entry the visibility rules hide: not in the list, not on
its page (404), not through the API, not as related reading, not in comments."""

import pytest

from knowledge.models import Entry
from tests.conftest import Org, api_client, signed_in
from tests.knowledge.conftest import entry_of, for_marketing
from tests.policies.conftest import policy_in

pytestmark = pytest.mark.django_db

READ_MARKETING_ONLY = {
    "coe_lead": True,
    "coe_member": True,
    "auditor": True,
    "marketing_lead": True,
    "marketing_member": True,
    "sponsor": True,  # sponsors Marketing
    "sales_member": False,
    "sales_lead": False,
    "sales_sponsor": False,
    "outsider": False,
}


@pytest.mark.parametrize(("persona", "reads"), READ_MARKETING_ONLY.items())
def test_unit_entry_is_read_by_its_units_and_the_coe_only(org: Org, persona: str, reads: bool):
    entry = for_marketing(org)
    user = org.people[persona]

    page = signed_in(user).get(f"/library/{entry.pk}/")
    listed = signed_in(user).get("/library/")
    api = api_client(user).get(f"/api/library-entries/{entry.pk}/")
    api_list = api_client(user).get("/api/library-entries/")

    assert page.status_code == (200 if reads else 404)
    assert (entry.title in listed.content.decode()) is reads
    assert api.status_code == (200 if reads else 404)
    assert (entry.pk in [row["id"] for row in api_list.json()["results"]]) is reads


def test_organization_entry_is_read_by_everyone_in_a_unit(org: Org):
    entry = entry_of(org)

    assert signed_in(org.sales_member).get(f"/library/{entry.pk}/").status_code == 200
    assert signed_in(org.sponsor).get(f"/library/{entry.pk}/").status_code == 200


def test_outsider_gets_404_for_an_organization_entry(org: Org):
    entry = entry_of(org)

    assert signed_in(org.outsider).get(f"/library/{entry.pk}/").status_code == 404
    assert api_client(org.outsider).get(f"/api/library-entries/{entry.pk}/").status_code == 404


def test_proposal_is_read_by_its_owner_and_the_coe_only(org: Org):
    entry = entry_of(org, publish=False)

    assert signed_in(org.marketing_member).get(f"/library/{entry.pk}/").status_code == 200
    assert signed_in(org.coe_member).get(f"/library/{entry.pk}/").status_code == 200
    assert signed_in(org.marketing_lead).get(f"/library/{entry.pk}/").status_code == 404
    assert signed_in(org.sales_member).get(f"/library/{entry.pk}/").status_code == 404


def test_archived_entry_leaves_readers_lists(org: Org):
    from knowledge import services

    entry = entry_of(org)
    services.entry_archive(actor=org.coe_lead, entry=entry)

    assert signed_in(org.sales_member).get(f"/library/{entry.pk}/").status_code == 404
    assert signed_in(org.auditor).get(f"/library/{entry.pk}/").status_code == 200


def test_related_reading_on_a_policy_shows_only_readable_entries(org: Org):
    policy = policy_in(org, "published")
    shared = entry_of(org, title="Read by all", by="coe_member")
    hidden = for_marketing(org, by="coe_member")
    from knowledge import services

    for entry in (shared, hidden):
        services.entry_update(
            actor=org.coe_member, entry=entry, changes={}, relations={"policies": [policy]}
        )

    sales_page = signed_in(org.sales_member).get(f"/policies/{policy.pk}/").content.decode()
    marketing_page = signed_in(org.marketing_member).get(f"/policies/{policy.pk}/").content.decode()

    assert "Related reading" in sales_page
    assert "Read by all" in sales_page
    assert hidden.title not in sales_page
    assert hidden.title in marketing_page


def test_related_reading_on_an_initiative_page(org: Org):
    from knowledge import services
    from tests.conftest import propose

    initiative = propose(org)
    entry = entry_of(org, title="Campaign checklist")
    services.entry_update(
        actor=org.coe_member, entry=entry, changes={}, relations={"initiatives": [initiative]}
    )

    page = signed_in(org.marketing_member).get(f"/initiatives/{initiative.pk}/")

    assert "Campaign checklist" in page.content.decode()


def test_page_without_related_entries_has_no_related_reading(org: Org):
    policy = policy_in(org, "published")
    entry_of(org)

    page = signed_in(org.marketing_member).get(f"/policies/{policy.pk}/")

    assert "Related reading" not in page.content.decode()


def test_entry_page_hides_linked_entries_the_reader_cannot_read(org: Org):
    from knowledge import services

    public = entry_of(org, title="Public entry")
    hidden = for_marketing(org)
    services.entry_update(
        actor=org.coe_member, entry=public, changes={}, relations={"related": [hidden]}
    )

    sales = signed_in(org.sales_member).get(f"/library/{public.pk}/").content.decode()
    marketing = signed_in(org.marketing_member).get(f"/library/{public.pk}/").content.decode()
    api = api_client(org.sales_member).get(f"/api/library-entries/{public.pk}/").json()

    assert hidden.title not in sales
    assert hidden.title in marketing
    assert api["related"] == []


def test_outsider_cannot_comment_on_an_entry_they_cannot_read(org: Org):
    entry = for_marketing(org)

    refused = api_client(org.sales_member).post(
        f"/api/library-entries/{entry.pk}/comments/", {"body": "Hello"}, format="json"
    )
    allowed = api_client(org.marketing_lead).post(
        f"/api/library-entries/{entry.pk}/comments/", {"body": "Useful, thanks"}, format="json"
    )

    assert refused.status_code == 404
    assert allowed.status_code == 201
    page = signed_in(org.marketing_member).get(f"/library/{entry.pk}/").content.decode()
    assert "Useful, thanks" in page
    assert Entry.objects.count() == 1
