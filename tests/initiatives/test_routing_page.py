"""The routing rules' page: a form of ordered rules, each with its conditions
and its chain of steps, that the CoE lead adds to, removes from, reorders and
publishes through the same service as the API, with the service's errors
shown at the field."""

from decimal import Decimal
from typing import Any

from governance.models import AuditEvent
from initiatives.models import RoutingRuleSet
from tests.committees.conftest import make_committee
from tests.conftest import Org, signed_in

URL = "/initiatives/routing/"


def rule_data(n: int, **values: Any) -> dict[str, Any]:
    """The posted fields of the n-th rule form (from 0)."""
    return {f"rules-{n}-{key}": value for key, value in values.items()}


def management(total: int, initial: int = 0) -> dict[str, str]:
    return {
        "rules-TOTAL_FORMS": str(total),
        "rules-INITIAL_FORMS": str(initial),
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1000",
    }


def test_with_no_version_stored_the_page_shows_the_built_in_rules(org: Org) -> None:
    # As after a flush of the database: no version stored at all.
    for rule_set in RoutingRuleSet.objects.all():
        rule_set.rules.all().delete()
    RoutingRuleSet.objects.all().delete()
    page = signed_in(org.coe_lead).get(URL)
    assert page.status_code == 200
    assert [form.initial["name"] for form in page.context["formset"]] == [
        "High risk",
        "Above the sponsor's threshold",
    ]
    assert "Built-in rules, in force" in page.content.decode()


def test_the_form_shows_the_rules_in_force(org: Org) -> None:
    # Version 1 (the migration): high risk, then above the sponsor threshold.
    page = signed_in(org.coe_lead).get(URL)
    assert page.status_code == 200
    formset = page.context["formset"]
    assert [form.initial["name"] for form in formset] == [
        "High risk",
        "Above the sponsor's threshold",
    ]
    assert formset[0].initial["risks"] == ["high"]
    assert formset[0].initial["step_1"] == "sponsor"
    assert formset[1].initial["above_sponsor_threshold"] is True


def test_only_the_coe_lead_gets_the_form_and_may_post(org: Org) -> None:
    page = signed_in(org.marketing_member).get(URL)
    assert page.status_code == 200
    assert page.context["formset"] is None
    response = signed_in(org.marketing_member).post(URL, management(0))
    assert response.status_code == 403
    assert RoutingRuleSet.objects.count() == 1


def test_the_coe_lead_publishes_ordered_rules_with_conditions_and_steps(org: Org) -> None:
    committee = make_committee(org)
    client = signed_in(org.coe_lead)
    data = {
        **management(3, initial=2),
        # Rule 1 of the page is removed, rule 2 moves below the new one.
        **rule_data(0, name="High risk", risks=["high"], step_1="sponsor", ORDER="1", DELETE="on"),
        **rule_data(1, name="Large", min_budget="50000", step_1="sponsor", ORDER="3"),
        **rule_data(
            2,
            name="Care on X, or big",
            min_budget="1000",
            max_budget="250000",
            above_sponsor_threshold="on",
            risks=["medium", "high"],
            channels="X, Forum ,",
            audiences=["customers", "community"],
            units=[str(org.marketing.pk)],
            step_1="finance",
            step_2=f"committee:{committee.pk}",
            step_3="sponsor",
            ORDER="2",
        ),
        "note": "Finance and the committee for care campaigns.",
    }
    response = client.post(URL, data)
    assert response.status_code == 302
    rule_set = RoutingRuleSet.objects.order_by("-version").first()
    assert rule_set is not None
    assert rule_set.version == 2
    assert rule_set.note == "Finance and the committee for care campaigns."
    first, second = rule_set.rules.order_by("position")
    assert (first.position, first.name, second.name) == (1, "Care on X, or big", "Large")
    assert (first.min_budget, first.max_budget) == (Decimal(1000), Decimal(250000))
    assert first.above_sponsor_threshold is True
    assert (first.risks, first.channels, first.audiences, first.units) == (
        ["medium", "high"],
        ["X", "Forum"],
        ["customers", "community"],
        [org.marketing.pk],
    )
    assert first.steps == ["finance", f"committee:{committee.pk}", "sponsor"]
    assert (second.min_budget, second.steps) == (Decimal(50000), ["sponsor"])
    event = AuditEvent.objects.filter(event="routing.published").latest("id")
    assert event.new["version"] == 2
    assert [r["name"] for r in event.new["rules"]] == ["Care on X, or big", "Large"]


def test_invalid_input_is_400_and_shown_at_the_field(org: Org) -> None:
    client = signed_in(org.coe_lead)
    data = {
        **management(2),
        **rule_data(0, name="Tiers", min_budget="5000", max_budget="1000", step_1="sponsor"),
        **rule_data(1, name="Twice", step_1="finance", step_2="finance"),
    }
    response = client.post(URL, data)
    assert response.status_code == 400
    forms = response.context["formset"].forms
    assert forms[0].errors["max_budget"] == ["The upper bound is above the lower one."]
    assert forms[1].errors["step_1"] == ["Each value at most once."]
    page = response.content.decode()
    assert 'id="id_rules-0-max_budget_error"' in page
    assert RoutingRuleSet.objects.count() == 1


def test_a_missing_name_or_an_unknown_step_is_400_naming_the_field(org: Org) -> None:
    client = signed_in(org.coe_lead)
    data = {**management(1), **rule_data(0, name="", step_1="cfo", risks=["extreme"])}
    response = client.post(URL, data)
    assert response.status_code == 400
    errors = response.context["formset"].forms[0].errors
    assert set(errors) == {"name", "step_1", "risks"}


def test_add_a_rule_keeps_what_was_entered_and_publishes_nothing(org: Org) -> None:
    client = signed_in(org.coe_lead)
    data = {
        **management(1),
        **rule_data(0, name="All", step_1="sponsor"),
        "add_rule": "1",
    }
    response = client.post(URL, data)
    assert response.status_code == 200
    formset = response.context["formset"]
    assert len(formset.forms) == 2
    assert formset.forms[0]["name"].value() == "All"
    assert RoutingRuleSet.objects.count() == 1


def test_no_rule_at_all_leaves_the_coe_as_the_last_step(org: Org) -> None:
    client = signed_in(org.coe_lead)
    data = {
        **management(2, initial=2),
        **rule_data(0, name="High risk", step_1="sponsor", DELETE="on"),
        **rule_data(1, name="Above", step_1="sponsor", DELETE="on"),
    }
    assert client.post(URL, data).status_code == 302
    latest = RoutingRuleSet.objects.order_by("-version").first()
    assert latest is not None
    assert latest.rules.count() == 0


def test_the_form_reads_in_german_and_italian(org: Org) -> None:
    client = signed_in(org.coe_lead)
    german = client.get(URL, headers={"accept-language": "de"}).content.decode()
    italian = client.get(URL, headers={"accept-language": "it"}).content.decode()
    assert "Eine Regel hinzufügen" in german
    assert "Schritte nach dem CoE, in Reihenfolge" in german
    assert "Aggiungi una regola" in italian
    assert "Add a rule" not in german + italian


def test_a_form_without_its_management_fields_is_400_not_500(org: Org) -> None:
    response = signed_in(org.coe_lead).post(URL, {"note": "x"})
    assert response.status_code == 400
    assert RoutingRuleSet.objects.count() == 1
