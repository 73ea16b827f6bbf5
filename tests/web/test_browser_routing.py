"""In the browser: the CoE lead edits the routing rules as a form (adds a
rule with its conditions and chain of steps, sees an error at its field,
publishes), and reads the form in German. At desktop and phone width the
page fits and axe finds no serious or critical problem."""

from typing import Any

import pytest
from django.db.models import Max
from playwright.sync_api import expect

from initiatives.models import RoutingRuleSet
from tests.browser import assert_accessible, shoot
from tests.conftest import Org

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_coe_lead_adds_a_rule_and_publishes(org: Org, people: Any) -> None:
    lead = people("coe_lead")
    # Version 1 (the built-in rules) is written by a migration, which a
    # flush after an earlier live-server test may have emptied: the page then
    # shows the built-in rules, and the next version follows what is stored.
    published = RoutingRuleSet.objects.aggregate(n=Max("version"))["n"] or 0
    lead.goto("/initiatives/routing/")
    expect(lead.locator("fieldset.rule-form")).to_have_count(2)
    lead.get_by_role("button", name="Add a rule").click()
    expect(lead.locator("fieldset.rule-form")).to_have_count(3)
    lead.locator("#id_rules-2-name").fill("Large budgets")
    lead.locator("#id_rules-2-min_budget").fill("50000")
    lead.locator("#id_rules-2-max_budget").fill("1000")
    lead.locator("#id_rules-2-step_1").select_option("finance")
    lead.locator("#id_rules-2-step_2").select_option("sponsor")
    lead.locator("#id_rules-2-ORDER").fill("1")
    lead.get_by_role("button", name="Publish").click()
    expect(lead.locator("#id_rules-2-max_budget_error")).to_contain_text(
        "The upper bound is above the lower one."
    )
    assert_accessible(lead)
    shoot(lead, "routing-form-error")

    lead.locator("#id_rules-2-max_budget").fill("")
    lead.get_by_role("button", name="Publish").click()
    expect(lead.get_by_text(f"Version {published + 1} is in force.")).to_be_visible()
    rule_set = RoutingRuleSet.objects.get(version=published + 1)
    assert [(r.name, r.steps) for r in rule_set.rules.order_by("position")] == [
        ("Large budgets", ["finance", "sponsor"]),
        ("High risk", ["sponsor"]),
        ("Above the sponsor's threshold", ["sponsor"]),
    ]
    assert_accessible(lead)
    shoot(lead, "routing-form")


def test_the_routing_form_in_german(org: Org, people: Any) -> None:
    lead = people("coe_lead")
    lead.get_by_label("Language").select_option("de")
    lead.get_by_role("button", name="Change language").click()
    lead.goto("/initiatives/routing/")
    expect(lead.get_by_role("button", name="Eine Regel hinzufügen")).to_be_visible()
    assert_accessible(lead)
    shoot(lead, "routing-form-de")
