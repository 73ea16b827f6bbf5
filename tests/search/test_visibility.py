"""A user never finds, by search or by the duplicate hint, anything that the
lists would not show them: search decides initiatives, amendments and social
accounts on the documents' own unit and id, so the documents must follow their
objects (a moved initiative, its amendments) and per-object grants (a committee
or a working group) must count as the list counts them."""

from decimal import Decimal
from typing import Any

import pytest

from committees import services as committee_services
from initiatives import selectors as initiative_selectors
from initiatives import services as workflow
from initiatives.models import Amendment, Initiative
from search import selectors
from social_accounts import selectors as account_selectors
from social_accounts import services as account_services
from tests.committees.conftest import build, make_committee, to_committee, working_group
from tests.conftest import Org, api_client, bring_to, propose

LISTS: dict[str, Any] = {
    "initiative": initiative_selectors.visible_initiatives,
    "amendment": initiative_selectors.visible_amendments,
    "social_account": account_selectors.visible_accounts,
}


def found_ids(user: Any, query: str, kind: str) -> set[int]:
    return {document.object_id for document in selectors.search(user=user, query=query, kind=kind)}


def listed_ids(user: Any, kind: str, ids: set[int]) -> set[int]:
    return set(LISTS[kind](user=user).filter(pk__in=ids).values_list("pk", flat=True))


def assert_search_shows_what_lists_show(org: Org, query: str, ids: dict[str, set[int]]) -> None:
    """For every persona and kind: the objects found are exactly those of
    `ids` (every object that matches) that the persona's list shows."""
    for persona, user in org.people.items():
        for kind, matching in ids.items():
            assert found_ids(user, query, kind) == listed_ids(user, kind, matching), (
                persona,
                kind,
            )


def amend(org: Org, initiative: Initiative, reason: str) -> Amendment:
    return workflow.amendment_propose(
        actor=org.marketing_lead,
        initiative=initiative,
        changes={"budget": Decimal(8000)},
        reason=reason,
    )


def test_a_committee_member_finds_the_initiative_the_committee_decides_on(org: Org) -> None:
    setup = build(org)
    title = setup.initiative.title
    searched = {hit.object_id for hit in selectors.search(user=org.sales_lead, query=title)}
    assert setup.initiative.pk in searched
    assert setup.initiative.pk not in found_ids(org.sales_member, title, "initiative")
    assert_search_shows_what_lists_show(org, title, {"initiative": {setup.initiative.pk}})


def test_a_working_groups_member_finds_what_it_owns_but_not_its_amendments(org: Org) -> None:
    initiative = bring_to(org, "active", title="Creator residency")
    amendment = amend(org, initiative, "The residency grew.")
    group = working_group(org, name="Creators group")
    committee_services.ownership_assign(actor=org.coe_lead, committee=group, obj=initiative)
    assert found_ids(org.outsider, "residency", "initiative") == {initiative.pk}
    # The amendments' list shows the amendments of the units one sees alone.
    assert found_ids(org.outsider, "residency", "amendment") == set()
    assert_search_shows_what_lists_show(
        org, "residency", {"initiative": {initiative.pk}, "amendment": {amendment.pk}}
    )
    committee_services.ownership_remove(actor=org.coe_lead, obj=initiative)
    assert found_ids(org.outsider, "residency", "initiative") == set()


def test_a_moved_initiative_is_found_in_its_new_unit_not_its_old_one(org: Org) -> None:
    initiative = bring_to(org, "active", title="Regional creator fund")
    amendment = amend(org, initiative, "The fund grew.")
    for kind, pk in (("initiative", initiative.pk), ("amendment", amendment.pk)):
        assert found_ids(org.marketing_member, "creator fund", kind) == {pk}
        assert found_ids(org.sales_member, "creator fund", kind) == set()
    # As the admin moves it: a plain save of the model.
    moved = Initiative.objects.get(pk=initiative.pk)
    moved.business_unit = org.sales
    moved.save()
    for kind, pk in (("initiative", initiative.pk), ("amendment", amendment.pk)):
        assert found_ids(org.sales_member, "creator fund", kind) == {pk}, kind
        assert found_ids(org.marketing_member, "creator fund", kind) == set(), kind
    assert_search_shows_what_lists_show(
        org, "creator fund", {"initiative": {initiative.pk}, "amendment": {amendment.pk}}
    )


def test_an_account_is_found_where_its_unit_is_seen(org: Org) -> None:
    account = account_services.account_request(
        actor=org.marketing_lead,
        channel="instagram",
        handle="creatorsnorth",
        business_unit=org.marketing,
        owner=org.marketing_lead,
        backup_owner=org.marketing_member,
        purpose="Creators in the north",
    )
    assert_search_shows_what_lists_show(org, "creatorsnorth", {"social_account": {account.pk}})


def test_every_persona_finds_in_every_kind_what_the_lists_show(org: Org) -> None:
    """Initiatives of both units, one on a committee's table, one owned by a
    working group, amendments of two units: the search and the lists agree
    for every persona."""
    ids: dict[str, set[int]] = {"initiative": set(), "amendment": set()}
    for unit in ("marketing", "sales"):
        running = bring_to(org, "active", unit=unit, title=f"Podcast {unit}")
        ids["initiative"].add(running.pk)
        lead = org.people[f"{unit}_lead"]
        ids["amendment"].add(
            workflow.amendment_propose(
                actor=lead, initiative=running, changes={"budget": Decimal(9000)}, reason="Podcast"
            ).pk
        )
    # Published routing sends the initiatives proposed from now on to the committee.
    ids["initiative"].add(to_committee(org, make_committee(org), title="Podcast on the table").pk)
    owned = propose(org, title="Podcast by creators")
    committee_services.ownership_assign(
        actor=org.coe_lead, committee=working_group(org, name="Creators group"), obj=owned
    )
    ids["initiative"].add(owned.pk)
    assert_search_shows_what_lists_show(org, "podcast", ids)


@pytest.mark.parametrize("persona", ["outsider", "sales_lead", "sales_member"])
def test_the_duplicate_hint_links_only_what_the_list_shows(org: Org, persona: str) -> None:
    owned = propose(org, title="Employer branding videos")
    committee_services.ownership_assign(
        actor=org.coe_lead, committee=working_group(org, name="Creators group"), obj=owned
    )
    user = org.people[persona]
    hint = selectors.similar_initiatives(user=user, title="Employer branding video")
    shown = initiative_selectors.visible_initiatives(user=user).filter(pk=owned.pk).exists()
    assert [(item.visible, item.object_id) for item in hint] == [(shown, owned.pk if shown else 0)]
    answer = api_client(user).get("/api/initiatives/similar/", {"title": "Employer branding video"})
    assert [row["visible"] for row in answer.json()] == [shown]
