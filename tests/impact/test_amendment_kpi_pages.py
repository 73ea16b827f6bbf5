"""KPI changes in the amendment pages: the form offers each KPI in use with
its values, a box to retire it and a new one; the initiative's page shows
the KPI changes against the approved values; approving applies them."""

from decimal import Decimal
from typing import Any

from django.urls import reverse

from impact.models import Kpi, KpiChange
from initiatives import services
from initiatives.models import Amendment, Initiative
from tests.conftest import Org, bring_to, signed_in


def amend_url(initiative: Initiative) -> str:
    return reverse("initiatives:amend", args=[initiative.pk])


def detail_url(initiative: Initiative) -> str:
    return reverse("initiatives:detail", args=[initiative.pk])


def kpi_of(initiative: Initiative) -> Kpi:
    return Kpi.objects.get(initiative=initiative)


def form_data(initiative: Initiative, **changes: Any) -> dict[str, Any]:
    """What the prefilled form posts back, with `changes` typed over it."""
    kpi = kpi_of(initiative)
    data: dict[str, Any] = {
        "summary": initiative.summary,
        "goals": [g.pk for g in initiative.goals.all()],
        "audiences": initiative.audiences,
        "channels": ", ".join(initiative.channels),
        "budget": str(initiative.budget),
        "risk": initiative.risk,
        "kpis": initiative.kpis,
        "start_date": "",
        "end_date": "",
        "reason": "The targets moved.",
        f"kpi-{kpi.pk}_name": kpi.name,
        f"kpi-{kpi.pk}_unit": kpi.unit,
        f"kpi-{kpi.pk}_baseline": str(kpi.baseline),
        f"kpi-{kpi.pk}_target": str(kpi.target),
        f"kpi-{kpi.pk}_due_on": kpi.due_on.isoformat(),
    }
    return data | changes


def test_the_form_offers_each_kpi_in_use_prefilled(org: Org) -> None:
    initiative = bring_to(org, "active")
    kpi = kpi_of(initiative)
    page = signed_in(org.marketing_lead).get(amend_url(initiative)).content.decode()
    assert f'name="kpi-{kpi.pk}_target"' in page
    assert 'value="5000.0000"' in page
    assert f'name="kpi-{kpi.pk}_retire"' in page
    assert 'name="kpi-new_name"' in page


def test_a_unit_lead_proposes_a_new_target_from_the_page(org: Org) -> None:
    initiative = bring_to(org, "active")
    kpi = kpi_of(initiative)
    response = signed_in(org.marketing_lead).post(
        amend_url(initiative), form_data(initiative, **{f"kpi-{kpi.pk}_target": "7500"})
    )
    assert response.status_code == 302, response.content.decode()
    amendment = Amendment.objects.get(initiative=initiative)
    assert amendment.changes == {}
    change = KpiChange.objects.get(amendment=amendment)
    assert (change.action, change.values) == ("change", {"target": "7500"})
    kpi.refresh_from_db()
    assert kpi.target == Decimal(5000)


def test_a_unit_lead_retires_a_kpi_and_adds_one_from_the_page(org: Org) -> None:
    initiative = bring_to(org, "active")
    kpi = kpi_of(initiative)
    data = form_data(
        initiative,
        **{
            f"kpi-{kpi.pk}_retire": "on",
            "kpi-new_goal": str(org.goal.pk),
            "kpi-new_name": "Qualified leads",
            "kpi-new_unit": "leads",
            "kpi-new_baseline": "10",
            "kpi-new_target": "50",
            "kpi-new_due_on": "2030-06-30",
            "kpi-new_direction": "higher",
        },
    )
    response = signed_in(org.marketing_lead).post(amend_url(initiative), data)
    assert response.status_code == 302, response.content.decode()
    actions = list(
        KpiChange.objects.filter(amendment__initiative=initiative).values_list("action", flat=True)
    )
    assert actions == ["retire", "add"]


def test_a_target_on_the_wrong_side_is_400_at_its_field(org: Org) -> None:
    initiative = bring_to(org, "active")
    kpi = kpi_of(initiative)
    response = signed_in(org.marketing_lead).post(
        amend_url(initiative), form_data(initiative, **{f"kpi-{kpi.pk}_target": "500"})
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_kpi-{kpi.pk}_target_error"' in page
    assert 'value="500"' in page
    assert not Amendment.objects.exists()


def test_a_new_kpi_half_filled_is_400_naming_what_is_missing(org: Org) -> None:
    initiative = bring_to(org, "active")
    response = signed_in(org.marketing_lead).post(
        amend_url(initiative), form_data(initiative, **{"kpi-new_name": "Shares"})
    )
    assert response.status_code == 400
    assert 'id="id_kpi-new_unit_error"' in response.content.decode()


def test_the_initiative_page_shows_kpi_changes_against_the_approved_values(org: Org) -> None:
    initiative = bring_to(org, "active")
    kpi = kpi_of(initiative)
    services.amendment_propose(
        actor=org.marketing_lead,
        initiative=initiative,
        changes={},
        reason="The targets moved.",
        parts={"kpi_changes": [{"action": "change", "kpi": kpi.pk, "target": "7500"}]},
    )
    page = signed_in(org.auditor).get(detail_url(initiative)).content.decode()
    assert "KPI “Reach for Grow brand awareness”: Target" in page
    assert "<del>5,000</del>" in page or "<del>5000</del>" in page
    assert "<ins>7,500</ins>" in page or "<ins>7500</ins>" in page


def test_the_initiative_page_shows_kpi_changes_in_german(org: Org) -> None:
    initiative = bring_to(org, "active")
    services.amendment_propose(
        actor=org.marketing_lead,
        initiative=initiative,
        changes={},
        reason="Done with it.",
        parts={"kpi_changes": [{"action": "retire", "kpi": kpi_of(initiative).pk}]},
    )
    client = signed_in(org.auditor)
    client.cookies["django_language"] = "de"
    page = client.get(detail_url(initiative)).content.decode()
    assert "Stillgelegt (seine Messwerte bleiben)" in page


def test_approving_from_the_page_applies_the_kpi_change(org: Org) -> None:
    initiative = bring_to(org, "active")
    kpi = kpi_of(initiative)
    amendment = services.amendment_propose(
        actor=org.marketing_lead,
        initiative=initiative,
        changes={},
        reason="The targets moved.",
        parts={"kpi_changes": [{"action": "change", "kpi": kpi.pk, "due_on": "2031-03-31"}]},
    )
    services.amendment_transition(actor=org.coe_member, amendment=amendment, name="start_review")
    response = signed_in(org.coe_lead).post(
        reverse("initiatives:amendment-transition", args=[amendment.pk, "approve"]),
        {"comment": "Fine."},
    )
    assert response.status_code == 302
    kpi.refresh_from_db()
    assert kpi.due_on.isoformat() == "2031-03-31"


def test_the_impact_page_marks_a_retired_kpi_and_offers_no_measurement_form(org: Org) -> None:
    initiative = bring_to(org, "active")
    kpi = kpi_of(initiative)
    amendment = services.amendment_propose(
        actor=org.marketing_lead,
        initiative=initiative,
        changes={},
        reason="Done with it.",
        parts={"kpi_changes": [{"action": "retire", "kpi": kpi.pk}]},
    )
    services.amendment_transition(actor=org.coe_member, amendment=amendment, name="start_review")
    services.amendment_transition(actor=org.coe_lead, amendment=amendment, name="approve")
    page = (
        signed_in(org.marketing_member)
        .get(reverse("impact:initiative", args=[initiative.pk]))
        .content.decode()
    )
    assert "Retired" in page
    assert reverse("impact:measurement-add", args=[kpi.pk]) not in page
