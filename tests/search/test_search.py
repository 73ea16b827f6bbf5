"""Search finds what the lists show, and nothing more; it stems in English,
German and Italian on every database."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search import selectors
from search.indexing import documents_rebuild
from search.models import Document
from tests.conftest import Org, bring_to, propose, signed_in
from tests.policies.conftest import policy_in, republish


def found(user: Any, query: str, **filters: Any) -> set[tuple[str, str]]:
    return {
        (document.kind, document.title)
        for document in selectors.search(user=user, query=query, **filters)
    }


def test_a_unit_member_finds_their_units_initiative(org: Org) -> None:
    propose(org, title="Approve the brand campaign")
    assert ("initiative", "Approve the brand campaign") in found(org.marketing_member, "campaign")


def test_a_member_of_another_unit_does_not_find_it(org: Org) -> None:
    propose(org, title="Secret product launch")
    assert found(org.sales_member, "launch") == set()
    assert found(org.outsider, "launch") == set()


def test_the_coe_and_the_auditor_find_every_units_initiative(org: Org) -> None:
    propose(org, title="Secret product launch")
    propose(org, title="Launch in sales", by="sales_member", unit=org.sales)
    for persona in ("coe_lead", "coe_member", "auditor"):
        assert len(found(org.people[persona], "launch")) == 2


@pytest.mark.parametrize(
    ("title", "query"),
    [
        ("Approvals of every campaign", "approve"),
        ("Genehmigungen für Kampagnen", "Genehmigung"),
        ("Approvazioni delle campagne", "approvazione"),
    ],
)
def test_stemming_finds_other_forms_of_a_word(org: Org, title: str, query: str) -> None:
    propose(org, title=title)
    assert ("initiative", title) in found(org.marketing_member, query)


def test_search_reads_the_summary_too(org: Org) -> None:
    propose(org, title="Spring", summary="Employees share our job offers on LinkedIn")
    assert ("initiative", "Spring") in found(org.marketing_member, "offer linkedin")


def test_every_word_must_match(org: Org) -> None:
    propose(org, title="Spring campaign on TikTok")
    assert found(org.marketing_member, "spring podcast") == set()


def test_an_edit_is_found_at_once(org: Org) -> None:
    from initiatives import services as workflow

    initiative = propose(org, title="Spring campaign")
    workflow.initiative_update(
        actor=org.marketing_member, initiative=initiative, changes={"title": "Autumn campaign"}
    )
    assert ("initiative", "Autumn campaign") in found(org.marketing_member, "autumn")
    assert found(org.marketing_member, "spring") == set()


def test_filters_by_kind_unit_and_state(org: Org) -> None:
    propose(org, title="Campaign draft")
    bring_to(org, "submitted", title="Campaign submitted")
    propose(org, title="Campaign in sales", by="sales_member", unit=org.sales)
    coe = org.coe_lead
    assert {t for _k, t in found(coe, "campaign", unit=org.sales.pk)} == {"Campaign in sales"}
    assert {t for _k, t in found(coe, "campaign", state="submitted")} == {"Campaign submitted"}
    assert found(coe, "campaign", kind="policy") == set()


def test_staff_find_the_published_policy_of_their_unit_not_a_draft(org: Org) -> None:
    policy_in(org, "published", title="Richtlinie zur Krisenkommunikation", units=[org.marketing])
    policy_in(org, "draft", title="Entwurf zur Krisenkommunikation")
    assert found(org.marketing_member, "Krisenkommunikation") == {
        ("policy", "Richtlinie zur Krisenkommunikation (v1)")
    }
    assert found(org.sales_member, "Krisenkommunikation") == set()


def test_the_coe_finds_every_published_version_staff_only_the_one_shown(org: Org) -> None:
    policy = policy_in(org, "published", title="Brand voice", body="Warm words.")
    republish(org, policy, "Clear words, warm words.")
    coe_titles = {t for _k, t in found(org.coe_member, "words")}
    assert coe_titles == {"Brand voice (v1)", "Brand voice (v2)"}
    assert {t for _k, t in found(org.marketing_member, "words")} == {"Brand voice (v2)"}


def test_a_draft_policy_is_not_a_document(org: Org) -> None:
    policy_in(org, "draft", title="Unpublished")
    assert not Document.objects.filter(kind="policy").exists()


def test_the_search_finds_only_what_the_list_shows(org: Org) -> None:
    """For every persona: every initiative found is in their list, and every
    one of their list that matches is found."""
    from initiatives.selectors import visible_initiatives

    for unit, by in ((org.marketing, "marketing_member"), (org.sales, "sales_member")):
        for i in range(3):
            propose(org, title=f"Campaign {unit.name} {i}", by=by, unit=unit)
    for persona, user in org.people.items():
        listed = set(
            visible_initiatives(user=user)
            .filter(title__icontains="campaign")
            .values_list("title", flat=True)
        )
        searched = {t for _k, t in found(user, "campaign", kind="initiative")}
        assert searched == listed, persona


def test_audit_events_only_for_auditors_and_the_coe_lead(org: Org) -> None:
    propose(org, title="Podcast series")
    assert selectors.search_audit(user=org.auditor, query="podcast").exists()
    assert selectors.search_audit(user=org.coe_lead, query="podcast").exists()
    assert not selectors.search_audit(user=org.coe_member, query="podcast").exists()
    assert not selectors.search_audit(user=org.marketing_lead, query="podcast").exists()


def test_rebuild_writes_the_same_documents(org: Org) -> None:
    propose(org, title="Spring campaign")
    policy_in(org, "published", title="Brand voice")
    before = set(Document.objects.values_list("kind", "object_id", "title", "stems"))
    assert documents_rebuild() == len(before)
    assert set(Document.objects.values_list("kind", "object_id", "title", "stems")) == before
    assert ("initiative", "Spring campaign") in found(org.marketing_member, "spring")


def test_highlight_escapes_the_text_and_marks_the_words() -> None:
    from search.text import highlight

    shown = highlight("Approvals <script>x</script> for approving", "approve")
    assert "<script>" not in shown
    assert "<mark>Approvals</mark>" in shown
    assert "<mark>approving</mark>" in shown


def _page_queries(client: Any, query: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["coe_lead", "marketing_member"])
def test_the_page_costs_the_same_queries_for_1_or_20_results(org: Org, persona: str) -> None:
    """A first search fills what a running server keeps for good (content
    types, the compiled policy condition): without it the first page of a
    process counts those queries too, and the test would depend on which
    tests ran before it in the same process."""
    client = signed_in(org.people[persona])
    _page_queries(client, "warm")
    propose(org, title="Unique podcast")
    policy_in(org, "published", title="Podcast rules")
    one = _page_queries(client, "podcast")
    for i in range(30):
        propose(org, title=f"Podcast {i}")
    policy_in(org, "published", title="More podcast rules")
    many = _page_queries(client, "podcast")
    assert many == one


def test_the_page_shows_highlighted_hits_and_hides_the_unseen(org: Org) -> None:
    propose(org, title="Approvals dashboard", summary="Approvals <b>made</b> visible")
    propose(org, title="Approvals in sales", by="sales_member", unit=org.sales)
    page = signed_in(org.marketing_member).get("/search/", {"q": "approve"}).content.decode()
    assert "<mark>Approvals</mark>" in page
    assert "&lt;b&gt;" in page
    assert "Approvals in sales" not in page


def test_an_inverted_date_range_is_a_400_naming_the_field(org: Org) -> None:
    response = signed_in(org.coe_lead).get(
        "/search/", {"q": "x", "since": "2026-02-01", "until": "2026-01-01"}
    )
    assert response.status_code == 400
    assert "until" in response.context["form"].errors


def test_the_api_answers_with_hits_and_refuses_an_empty_query(org: Org, api: Any) -> None:
    propose(org, title="Approvals dashboard")
    client = api(org.marketing_member)
    response = client.get("/api/search/", {"q": "approve"})
    assert response.status_code == 200
    assert [hit["title"] for hit in response.json()["results"]] == ["Approvals dashboard"]
    assert response.json()["results"][0]["excerpt"] == "<mark>Approvals</mark> dashboard"
    assert client.get("/api/search/", {"q": " "}).status_code == 400
    assert api(org.sales_member).get("/api/search/", {"q": "approve"}).json()["count"] == 0


def test_the_api_searches_the_audit_log_for_auditors(org: Org, api: Any) -> None:
    propose(org, title="Podcast series")
    response = api(org.auditor).get("/api/search/", {"q": "podcast", "kind": "audit"})
    assert response.status_code == 200
    assert response.json()["count"] >= 1
    refused = api(org.marketing_lead).get("/api/search/", {"q": "podcast", "kind": "audit"})
    assert refused.status_code == 400


def test_a_page_past_the_end_shows_the_last_page(org: Org) -> None:
    for i in range(25):
        propose(org, title=f"Podcast {i}")
    client = signed_in(org.marketing_member)
    response = client.get("/search/", {"q": "podcast", "page": 9})
    assert response.status_code == 200
    page = response.context["page"]
    assert (page.number, page.paginator.count, len(response.context["hits"])) == (2, 25, 5)


def test_the_api_pages_with_the_total(org: Org, api: Any) -> None:
    for i in range(25):
        propose(org, title=f"Podcast {i}")
    client = api(org.marketing_member)
    answer = client.get("/api/search/", {"q": "podcast", "page_size": 20, "page": 2}).json()
    assert (answer["count"], len(answer["results"])) == (25, 5)
    assert client.get("/api/search/", {"q": "podcast", "page": 9}).status_code == 404


def test_pages_hold_the_ranked_matches_in_order_with_their_total(org: Org) -> None:
    from search.paging import WindowCountPaginator

    for i in range(25):
        propose(org, title=f"Podcast {i}", summary="podcast " * (i % 4))
    propose(org, title="Podcast in sales", by="sales_member", unit=org.sales)
    documents = selectors.search(user=org.marketing_member, query="podcast")
    ranked = [document.pk for document in documents]
    paginator = WindowCountPaginator(documents, 20)
    pages = [paginator.page(number) for number in (1, 2)]
    assert [row.pk for page in pages for row in page.object_list] == ranked
    assert (paginator.count, len(ranked)) == (25, 25)
    assert all(row.body is not None for row in pages[0].object_list)
