"""Library entries and social accounts are found as their lists show them:
an entry for chosen units only by those units (and the CoE and auditors), a
proposal only by its author and the CoE; an account only by those who see
its unit's accounts."""

from typing import Any

from knowledge import selectors as knowledge_selectors
from search import selectors
from social_accounts import selectors as account_selectors
from tests.conftest import Org
from tests.knowledge.conftest import entry_of, for_marketing


def found(user: Any, query: str, **filters: Any) -> set[tuple[str, str]]:
    return {
        (document.kind, document.title)
        for document in selectors.search(user=user, query=query, **filters)
    }


def test_everyone_in_a_unit_finds_an_organization_wide_entry(org: Org) -> None:
    entry_of(org, title="Influencer disclosure rules")
    for persona in ("marketing_member", "sales_member", "coe_lead"):
        assert ("library_entry", "Influencer disclosure rules") in found(
            org.people[persona], "disclosure"
        )


def test_stemming_finds_a_german_regulation(org: Org) -> None:
    entry_of(org, title="Genehmigungen von Kampagnen", body="Jede Kampagne braucht eine Freigabe.")
    assert ("library_entry", "Genehmigungen von Kampagnen") in found(
        org.sales_member, "Genehmigung"
    )


def test_an_entry_for_one_unit_is_found_only_where_the_library_shows_it(org: Org) -> None:
    for_marketing(org, title="Marketing benchmark figures")
    for persona in ("marketing_member", "sales_member", "coe_member", "auditor", "outsider"):
        user = org.people[persona]
        listed = knowledge_selectors.visible_entries(user=user).filter(
            title="Marketing benchmark figures"
        )
        assert (("library_entry", "Marketing benchmark figures") in found(user, "benchmark")) == (
            listed.exists()
        ), persona
    assert found(org.sales_member, "benchmark") == set()


def test_a_proposal_is_found_by_its_author_and_not_by_another_unit(org: Org) -> None:
    entry_of(org, title="Draft playbook for creators", publish=False)
    assert ("library_entry", "Draft playbook for creators") in found(
        org.marketing_member, "creators"
    )
    assert found(org.sales_member, "creators") == set()


def test_the_kind_filter_keeps_only_library_entries(org: Org) -> None:
    entry_of(org, title="Campaign approvals explained")
    from tests.conftest import propose

    propose(org, title="Campaign approvals in spring")
    assert found(org.marketing_member, "approvals", kind="library_entry") == {
        ("library_entry", "Campaign approvals explained")
    }


def test_accounts_are_found_as_the_registry_lists_them(org: Org) -> None:
    from social_accounts import services as account_services

    account = account_services.account_request(
        actor=org.marketing_lead,
        channel="instagram",
        handle="acmesummer",
        business_unit=org.marketing,
        owner=org.marketing_lead,
        backup_owner=org.marketing_member,
        purpose="Summer creators",
    )
    for persona in ("marketing_member", "sales_member", "coe_lead", "outsider"):
        user = org.people[persona]
        listed = account_selectors.visible_accounts(user=user).filter(pk=account.pk).exists()
        hits = {kind for kind, _ in found(user, "acmesummer")}
        assert ("social_account" in hits) == listed, persona
