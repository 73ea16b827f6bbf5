"""Working groups own initiatives and policies across units: their members
see what the group owns through every read the apps offer (lists, pages, API,
search, comments), decide nothing on it, and lose sight of it the moment they
leave the group or the group stops owning it."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from committees import services
from committees.models import Committee, OwnedInitiative
from discussion import services as discussion
from governance.errors import Conflict
from governance.models import AuditEvent
from initiatives.models import Initiative
from initiatives.selectors import visible_initiatives
from policies import services as policy_services
from policies.models import Policy
from policies.selectors import visible_policies
from tests.committees.conftest import working_group
from tests.conftest import Org, api_client, bring_to, signed_in


def marketing_policy(o: Org) -> Policy:
    """A published policy for Marketing alone."""
    policy = policy_services.policy_create(
        actor=o.coe_member,
        title="Advocacy posting rules",
        category="social_media",
        body="Rules.",
        business_units=[o.marketing],
    )
    policy = policy_services.policy_transition(actor=o.coe_member, policy=policy, name="submit")
    return policy_services.policy_transition(actor=o.coe_lead, policy=policy, name="publish")


@pytest.fixture
def group(org: Org) -> Committee:
    return working_group(org)


@pytest.fixture
def owned(org: Org, group: Committee) -> Initiative:
    """A marketing initiative awaiting the CoE's review, owned by the group."""
    initiative = bring_to(org, "submitted", title="Ambassador programme")
    services.ownership_assign(actor=org.coe_lead, committee=group, obj=initiative)
    return initiative


def sees(user: Any, initiative: Initiative) -> bool:
    return visible_initiatives(user=user).filter(pk=initiative.pk).exists()


def test_members_see_an_owned_initiative_of_a_unit_they_are_not_in(
    org: Org, owned: Initiative
) -> None:
    for member in (org.outsider, org.sales_lead):
        assert sees(member, owned)
        assert signed_in(member).get(f"/initiatives/{owned.pk}/").status_code == 200
        assert api_client(member).get(f"/api/initiatives/{owned.pk}/").status_code == 200
    listed = api_client(org.outsider).get("/api/initiatives/").json()["results"]
    assert [row["id"] for row in listed] == [owned.pk]


def test_someone_outside_the_group_gets_404(org: Org, owned: Initiative) -> None:
    assert not sees(org.sales_member, owned)
    assert signed_in(org.sales_member).get(f"/initiatives/{owned.pk}/").status_code == 404
    assert api_client(org.sales_member).get(f"/api/initiatives/{owned.pk}/").status_code == 404


def test_a_member_who_leaves_gets_404_at_once(
    org: Org, group: Committee, owned: Initiative
) -> None:
    services.committee_member_remove(actor=org.coe_lead, committee=group, user=org.outsider)
    assert not sees(org.outsider, owned)
    assert signed_in(org.outsider).get(f"/initiatives/{owned.pk}/").status_code == 404
    assert api_client(org.outsider).get(f"/api/initiatives/{owned.pk}/").status_code == 404
    assert AuditEvent.objects.filter(event="committee.member_removed").count() == 1
    assert AuditEvent.objects.filter(event="permission.revoked", object_id=str(owned.pk)).exists()


def test_a_new_member_sees_what_the_group_owns(
    org: Org, group: Committee, owned: Initiative
) -> None:
    assert not sees(org.sales_member, owned)
    services.committee_member_add(
        actor=org.coe_lead, committee=group, user=org.sales_member, business_unit=org.sales
    )
    assert sees(org.sales_member, owned)
    assert AuditEvent.objects.filter(event="committee.member_added").count() == 1


def test_the_group_losing_ownership_takes_sight_away(org: Org, owned: Initiative) -> None:
    services.ownership_remove(actor=org.coe_lead, obj=owned)
    assert not sees(org.outsider, owned)
    assert not sees(org.sales_lead, owned)
    # The initiative's own unit still sees it.
    assert sees(org.marketing_member, owned)
    assert AuditEvent.objects.filter(event="committee.ownership_removed").count() == 1


def test_moving_ownership_to_another_group_moves_sight(org: Org, owned: Initiative) -> None:
    other = services.committee_create(
        actor=org.coe_lead,
        name="Care working group",
        kind=Committee.Kind.WORKING_GROUP,
        chair=org.sales_member,
        quorum=1,
        members=[(org.sales_member, org.sales)],
    )
    services.ownership_assign(actor=org.coe_lead, committee=other, obj=owned)
    assert sees(org.sales_member, owned)
    assert not sees(org.outsider, owned)
    assert OwnedInitiative.objects.get(initiative=owned).committee == other


def test_members_decide_nothing_on_what_the_group_owns(org: Org, owned: Initiative) -> None:
    client = api_client(org.sales_lead)
    assert client.get(f"/api/initiatives/{owned.pk}/transitions/").json() == []
    refused = client.post(f"/api/initiatives/{owned.pk}/transitions/start_review/", {})
    assert refused.status_code == 403
    page = signed_in(org.sales_lead).get(f"/initiatives/{owned.pk}/").content.decode()
    assert "/transitions/start_review" not in page
    assert Initiative.objects.get(pk=owned.pk).state == "submitted"


def test_members_may_comment_on_what_the_group_owns(org: Org, owned: Initiative) -> None:
    comment = discussion.comment_post(actor=org.outsider, target=owned, body="Count us in.")
    assert comment.pk is not None


def test_members_find_what_the_group_owns_in_search(org: Org, owned: Initiative) -> None:
    found = api_client(org.outsider).get("/api/search/", {"q": "Ambassador"})
    assert found.status_code == 200
    assert any(hit["title"] == "Ambassador programme" for hit in found.json()["results"])
    nothing = api_client(org.sales_member).get("/api/search/", {"q": "Ambassador"})
    assert all(hit["title"] != "Ambassador programme" for hit in nothing.json()["results"])


def test_members_find_an_owned_policy_in_search_as_they_see_it_in_the_list(
    org: Org, group: Committee
) -> None:
    policy = marketing_policy(org)

    def found(user: Any) -> bool:
        hits = api_client(user).get("/api/search/", {"q": "Advocacy posting"}).json()
        return any(hit["title"].startswith("Advocacy posting rules") for hit in hits["results"])

    assert not found(org.outsider)
    services.ownership_assign(actor=org.coe_lead, committee=group, obj=policy)
    for member in (org.outsider, org.sales_lead):
        assert visible_policies(user=member).filter(pk=policy.pk).exists()
        assert found(member)
    assert not found(org.sales_member)
    services.ownership_remove(actor=org.coe_lead, obj=policy)
    assert not found(org.outsider)


def test_members_see_an_owned_policy_until_the_group_gives_it_up(
    org: Org, group: Committee
) -> None:
    policy = marketing_policy(org)
    assert not visible_policies(user=org.outsider).filter(pk=policy.pk).exists()
    assert signed_in(org.outsider).get(f"/policies/{policy.pk}/").status_code == 404
    services.ownership_assign(actor=org.coe_lead, committee=group, obj=policy)
    for member in (org.outsider, org.sales_lead):
        assert signed_in(member).get(f"/policies/{policy.pk}/").status_code == 200
        assert api_client(member).get(f"/api/policies/{policy.pk}/").status_code == 200
    assert signed_in(org.sales_member).get(f"/policies/{policy.pk}/").status_code == 404
    services.committee_member_remove(actor=org.coe_lead, committee=group, user=org.outsider)
    assert signed_in(org.outsider).get(f"/policies/{policy.pk}/").status_code == 404
    services.ownership_remove(actor=org.coe_lead, obj=policy)
    assert signed_in(org.sales_lead).get(f"/policies/{policy.pk}/").status_code == 404


def test_members_cannot_publish_or_retire_an_owned_policy(org: Org, group: Committee) -> None:
    policy = marketing_policy(org)
    services.ownership_assign(actor=org.coe_lead, committee=group, obj=policy)
    with pytest.raises(PermissionDenied):
        policy_services.policy_transition(actor=org.sales_lead, policy=policy, name="retire")


def test_only_the_coe_lead_makes_a_group_owner(org: Org, group: Committee) -> None:
    initiative = bring_to(org, "draft")
    with pytest.raises(PermissionDenied):
        services.ownership_assign(actor=org.marketing_lead, committee=group, obj=initiative)
    with pytest.raises(PermissionDenied):
        services.committee_member_add(
            actor=org.sales_lead, committee=group, user=org.sales_member, business_unit=None
        )
    assert not OwnedInitiative.objects.exists()


def test_a_steering_committee_owns_nothing(org: Org) -> None:
    steering = services.committee_create(
        actor=org.coe_lead,
        name="Steering",
        chair=org.sponsor,
        quorum=1,
        members=[(org.sponsor, None)],
    )
    with pytest.raises(ValidationError) as error:
        services.ownership_assign(
            actor=org.coe_lead, committee=steering, obj=bring_to(org, "draft")
        )
    assert "committee" in error.value.message_dict


def test_owning_twice_is_a_conflict(org: Org, group: Committee, owned: Initiative) -> None:
    with pytest.raises(Conflict):
        services.ownership_assign(actor=org.coe_lead, committee=group, obj=owned)


def test_the_chair_and_the_quorum_keep_their_seats(org: Org, group: Committee) -> None:
    with pytest.raises(ValidationError) as error:
        services.committee_member_remove(actor=org.coe_lead, committee=group, user=org.sales_lead)
    assert "user" in error.value.message_dict


def test_assigning_is_audited_with_its_grants(
    org: Org, group: Committee, owned: Initiative
) -> None:
    event = AuditEvent.objects.get(event="committee.ownership_assigned")
    assert event.new == {"initiative": owned.pk, "title": "Ambassador programme"}
    granted = AuditEvent.objects.filter(
        event="permission.granted", object_type="initiatives.initiative", object_id=str(owned.pk)
    )
    assert sorted(e.new["user"] for e in granted if "view_initiative" in e.new["permissions"]) == [
        "outsider",
        "sales_lead",
    ]


# The API


def test_api_assigns_lists_and_ends_ownership(org: Org, group: Committee) -> None:
    initiative = bring_to(org, "draft", title="Referral posts")
    lead = api_client(org.coe_lead)
    made = lead.post(f"/api/committees/{group.pk}/initiatives/", {"id": initiative.pk})
    assert made.status_code == 201
    again = lead.post(f"/api/committees/{group.pk}/initiatives/", {"id": initiative.pk})
    assert again.status_code == 409
    listed = api_client(org.outsider).get(f"/api/committees/{group.pk}/initiatives/").json()
    assert [row["title"] for row in listed["results"]] == ["Referral posts"]
    # Someone outside the group does not learn what it owns.
    hidden = api_client(org.sales_member).get(f"/api/committees/{group.pk}/initiatives/").json()
    assert hidden["results"] == []
    refused = api_client(org.marketing_lead).delete(
        f"/api/committees/{group.pk}/initiatives/{initiative.pk}/"
    )
    assert refused.status_code == 403
    assert (
        lead.delete(f"/api/committees/{group.pk}/initiatives/{initiative.pk}/").status_code == 204
    )
    assert api_client(org.outsider).get(f"/api/initiatives/{initiative.pk}/").status_code == 404


def test_api_refuses_what_the_caller_cannot_see_and_bad_input(org: Org, group: Committee) -> None:
    initiative = bring_to(org, "draft")
    outsider = api_client(org.sales_member)
    hidden = outsider.post(f"/api/committees/{group.pk}/initiatives/", {"id": initiative.pk})
    assert hidden.status_code == 404
    bad = api_client(org.coe_lead).post(f"/api/committees/{group.pk}/policies/", {"id": "x"})
    assert bad.status_code == 400
    assert "id" in bad.json()


def test_api_seats_and_unseats_members(org: Org, group: Committee, owned: Initiative) -> None:
    lead = api_client(org.coe_lead)
    seated = lead.post(
        f"/api/committees/{group.pk}/members/",
        {"username": "sales_member", "business_unit": "sales"},
    )
    assert seated.status_code == 201
    assert api_client(org.sales_member).get(f"/api/initiatives/{owned.pk}/").status_code == 200
    twice = lead.post(f"/api/committees/{group.pk}/members/", {"username": "sales_member"})
    assert twice.status_code == 400
    assert "user" in twice.json()
    refused = api_client(org.sales_lead).delete(f"/api/committees/{group.pk}/members/sales_member/")
    assert refused.status_code == 403
    assert lead.delete(f"/api/committees/{group.pk}/members/sales_member/").status_code == 204
    assert api_client(org.sales_member).get(f"/api/initiatives/{owned.pk}/").status_code == 404


# The pages


def test_the_group_page_shows_what_it_owns(org: Org, group: Committee, owned: Initiative) -> None:
    page = signed_in(org.outsider).get(f"/committees/{group.pk}/").content.decode()
    assert "Ambassador programme" in page
    other = signed_in(org.sales_member).get(f"/committees/{group.pk}/").content.decode()
    assert "Ambassador programme" not in other


def test_the_initiative_and_policy_pages_name_the_owning_group(
    org: Org, group: Committee, owned: Initiative
) -> None:
    page = signed_in(org.outsider).get(f"/initiatives/{owned.pk}/").content.decode()
    assert "Employee advocacy group" in page
    assert "/committees/owner/" not in page  # no form for a member
    policy = marketing_policy(org)
    services.ownership_assign(actor=org.coe_lead, committee=group, obj=policy)
    page = signed_in(org.marketing_member).get(f"/policies/{policy.pk}/").content.decode()
    assert "Employee advocacy group" in page


def test_the_coe_lead_assigns_and_removes_on_the_page(org: Org, group: Committee) -> None:
    initiative = bring_to(org, "draft")
    client = signed_in(org.coe_lead)
    page = client.get(f"/initiatives/{initiative.pk}/").content.decode()
    assert f"/committees/owner/initiative/{initiative.pk}/" in page
    done = client.post(f"/committees/owner/initiative/{initiative.pk}/", {"committee": group.pk})
    assert done.status_code == 302
    assert sees(org.outsider, initiative)
    twice = client.post(f"/committees/owner/initiative/{initiative.pk}/", {"committee": group.pk})
    assert twice.status_code == 409
    bad = client.post(f"/committees/owner/initiative/{initiative.pk}/", {"committee": "999"})
    assert bad.status_code == 400
    member = signed_in(org.sales_lead)
    assert member.post(f"/committees/owner/initiative/{initiative.pk}/remove/").status_code == 403
    assert (
        signed_in(org.sales_member)
        .post(f"/committees/owner/initiative/{initiative.pk}/remove/")
        .status_code
        == 404
    )
    assert client.post(f"/committees/owner/initiative/{initiative.pk}/remove/").status_code == 302
    assert not sees(org.outsider, initiative)


def test_the_coe_lead_seats_and_unseats_on_the_group_page(org: Org, group: Committee) -> None:
    client = signed_in(org.coe_lead)
    unknown = client.post(f"/committees/{group.pk}/members/", {"username": "nobody"})
    assert unknown.status_code == 400
    assert (
        client.post(
            f"/committees/{group.pk}/members/",
            {"username": "sales_member", "business_unit": org.sales.pk},
        ).status_code
        == 302
    )
    assert group.members.filter(user=org.sales_member).exists()
    assert (
        signed_in(org.sales_lead)
        .post(f"/committees/{group.pk}/members/{org.sales_member.pk}/remove/")
        .status_code
        == 403
    )
    assert (
        client.post(f"/committees/{group.pk}/members/{org.sales_member.pk}/remove/").status_code
        == 302
    )
    assert not group.members.filter(user=org.sales_member).exists()


def _grow(o: Org, group: Committee, count: int) -> None:
    """`count` more marketing initiatives owned by the group, in bulk."""
    start = Initiative.objects.count()
    made = Initiative.objects.bulk_create(
        Initiative(
            title=f"Owned {start + n:04d}",
            summary="Bulk",
            business_unit=o.marketing,
            owner=o.marketing_member,
            audiences=["employees"],
            functions=["marketing"],
        )
        for n in range(count)
    )
    OwnedInitiative.objects.bulk_create(
        OwnedInitiative(committee=group, initiative=i) for i in made
    )


def _queries(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_list_of_what_a_group_owns_reads_a_fixed_number_of_queries(
    org: Org, group: Committee
) -> None:
    paths = [f"/committees/{group.pk}/", f"/api/committees/{group.pk}/initiatives/"]
    clients = [signed_in(org.marketing_member), api_client(org.marketing_member)]
    _grow(org, group, 10)
    for client, path in zip(clients, paths, strict=True):
        client.get(path)  # warms the per-process caches (content types) once
    at_10 = [_queries(c, p) for c, p in zip(clients, paths, strict=True)]
    _grow(org, group, 990)
    at_1000 = [_queries(c, p) for c, p in zip(clients, paths, strict=True)]
    assert at_10 == at_1000
    page = signed_in(org.marketing_member).get(f"/committees/{group.pk}/").content.decode()
    assert "Owned 0000" in page
    assert "Page 1 of 40" in page
