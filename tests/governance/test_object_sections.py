"""One way to add a part to another app's object page: a section registered
with governance.registry.object_sections for a model and a place, rendered in
order by `{% object_sections obj place %}`."""

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from django.test import RequestFactory

from governance import registry
from governance.models import BusinessUnit
from governance.registry import ACTIONS, END, ObjectSection, Panel
from tests.conftest import Org, bring_to, signed_in

UNIT = "governance.businessunit"


def _panel(key: str) -> registry.SectionPanel:
    def panel(request: Any, obj: Any, page: Mapping[str, Any]) -> Panel:
        return Panel(key, key, "unused.html", {"page_says": page.get("says")})

    return panel


def _nothing(request: Any, obj: Any, page: Mapping[str, Any]) -> None:
    return None


@pytest.fixture
def registered() -> Iterator[None]:
    entries = {
        "test-second": ObjectSection(UNIT, _panel("second"), END),
        "test-first": ObjectSection(UNIT, _panel("first"), END),
        "test-empty": ObjectSection(UNIT, _nothing, END),
        "test-actions": ObjectSection(UNIT, _panel("actions"), ACTIONS),
        "test-elsewhere": ObjectSection("policies.policy", _panel("policy"), END),
    }
    orders = {"test-first": 1, "test-second": 2}
    for key, section in entries.items():
        registry.object_sections.register(key, section, order=orders.get(key, 3))
    yield
    for key in entries:
        registry.object_sections.unregister(key)


def test_the_sections_of_a_place_come_in_order_with_the_page_context(registered: None) -> None:
    request = RequestFactory().get("/")
    unit = BusinessUnit(name="Marketing", slug="marketing")
    panels = registry.sections_for(request, unit, place=END, page={"says": "hello"})
    # Only this model's, only this place's, none for a section with nothing to show.
    assert [p.key for p in panels] == ["first", "second"]
    assert panels[0].context == {"page_says": "hello"}
    assert [p.key for p in registry.sections_for(request, unit, place=ACTIONS)] == ["actions"]


def test_an_unknown_place_is_refused() -> None:
    with pytest.raises(ValueError, match="sidebar"):
        ObjectSection(UNIT, _nothing, "sidebar")
    with pytest.raises(ValueError, match="sidebar"):
        registry.sections_for(RequestFactory().get("/"), BusinessUnit(), place="sidebar")


def test_the_initiative_page_shows_each_part_in_its_place(org: Org) -> None:
    initiative = bring_to(org, "in_review")
    page = signed_in(org.coe_lead).get(f"/initiatives/{initiative.pk}/").content.decode()
    parts = [
        'id="h-details"',
        'id="h-social-accounts"',  # details: after the initiative's details
        'id="h-lifecycle"',
        'id="h-actions"',
        'value="approve"',
        'id="impact-card-title"',  # end: below the body
        'id="h-duplicates"',
        'id="h-discussion"',
    ]
    positions = [page.index(part) for part in parts]
    assert positions == sorted(positions)


def test_a_transition_taken_in_the_page_re_renders_the_sections_of_the_body(org: Org) -> None:
    initiative = bring_to(org, "submitted")
    body = (
        signed_in(org.coe_member)
        .post(
            f"/initiatives/{initiative.pk}/transitions/start_review/",
            {"comment": ""},
            HTTP_HX_REQUEST="true",
        )
        .content.decode()
    )
    assert 'id="initiative-body"' in body
    assert 'id="h-social-accounts"' in body
    # The sections below the body are not part of it.
    assert 'id="impact-card-title"' not in body
