"""The demo shows search and the duplicate hint."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from initiatives.models import Initiative
from search import selectors
from search.models import DuplicateLink
from tests.conftest import signed_in


@pytest.fixture
def demo(db: None, settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


@pytest.mark.usefixtures("demo")
def test_the_demo_duplicate_shows_its_twin_to_the_sales_lead_by_title() -> None:
    users = get_user_model().objects
    draft = Initiative.objects.get(title="Customer care desk on social media")
    found = selectors.similar_initiatives(
        user=users.get(username="sales_lead"),
        title=draft.title,
        summary=draft.summary,
        exclude=draft.pk,
    )
    assert [(item.title, item.visible) for item in found][:1] == [
        ("Social customer care desk", False)
    ]
    coe = selectors.similar_initiatives(
        user=users.get(username="coe_lead"), title=draft.title, exclude=draft.pk
    )
    assert coe[0].visible
    assert coe[0].unit == "Customer Care"


@pytest.mark.usefixtures("demo")
def test_the_demo_finds_a_regulation_in_german() -> None:
    lead = get_user_model().objects.get(username="marketing_lead")
    hits = [(hit.kind, hit.title) for hit in selectors.search(user=lead, query="Kennzeichnungen")]
    # The library's German guideline on labelling, and the policy's German paragraph.
    assert ("library_entry", "Kennzeichnungspflicht für Werbung durch Influencer") in hits
    assert any(
        kind == "policy" and title.startswith("Disclosure of paid partnerships")
        for kind, title in hits
    )


@pytest.mark.usefixtures("demo")
def test_the_demo_shows_a_review_merged_from_a_duplicate() -> None:
    link = DuplicateLink.objects.select_related("duplicate", "original").get(
        merged_at__isnull=False
    )
    assert link.original.title == "Employee advocacy on LinkedIn"
    assert link.duplicate.state == "rejected"
    lead = get_user_model().objects.get(username="coe_lead")
    page = signed_in(lead).get(f"/initiatives/{link.original_id}/").content.decode()
    assert "LinkedIn employee advocacy pilot" in page
    assert "Merged from" in page
