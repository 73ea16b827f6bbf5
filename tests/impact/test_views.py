"""The impact pages: what each person sees and may do, and what a refused
input answers."""

from impact.models import Kpi, Measurement, OutcomeReview, ReviewState
from tests.conftest import Org, bring_to, propose, signed_in


def test_outsider_gets_404(org: Org) -> None:
    initiative = propose(org)
    assert signed_in(org.outsider).get(f"/impact/initiatives/{initiative.pk}/").status_code == 404


def test_initiative_page_links_to_its_impact(org: Org) -> None:
    initiative = propose(org)
    page = signed_in(org.marketing_member).get(f"/initiatives/{initiative.pk}/")
    assert f"/impact/initiatives/{initiative.pk}/" in page.content.decode()


def test_member_adds_a_kpi_on_the_page(org: Org) -> None:
    initiative = propose(org)
    client = signed_in(org.marketing_member)
    page = client.get(f"/impact/initiatives/{initiative.pk}/").content.decode()
    assert "Add KPI" in page
    response = client.post(
        f"/impact/initiatives/{initiative.pk}/kpis/",
        {
            "name": "Leads",
            "goal": org.goal.pk,
            "unit": "leads",
            "baseline": "10",
            "target": "40",
            "due_on": "2030-01-31",
            "direction": "higher",
        },
    )
    assert response.status_code == 302
    assert Kpi.objects.filter(initiative=initiative, name="Leads").exists()


def test_wrong_side_target_rerenders_with_400_at_the_field(org: Org) -> None:
    initiative = propose(org)
    response = signed_in(org.marketing_member).post(
        f"/impact/initiatives/{initiative.pk}/kpis/",
        {
            "name": "Cost",
            "goal": org.goal.pk,
            "unit": "EUR",
            "baseline": "10",
            "target": "40",
            "due_on": "2030-01-31",
            "direction": "lower",
        },
    )
    assert response.status_code == 400
    assert "wrong side" in response.content.decode()


def test_auditor_sees_no_forms_and_gets_403_on_post(org: Org) -> None:
    initiative = propose(org)
    client = signed_in(org.auditor)
    page = client.get(f"/impact/initiatives/{initiative.pk}/").content.decode()
    assert "Add KPI" not in page
    response = client.post(f"/impact/initiatives/{initiative.pk}/kpis/", {"name": "x"})
    assert response.status_code in (400, 403)
    kpi = Kpi.objects.filter(initiative=initiative).get()
    assert client.post(f"/impact/kpis/{kpi.pk}/remove/").status_code == 403


def test_record_and_correct_a_measurement_on_the_pages(org: Org) -> None:
    initiative = bring_to(org, "active")
    kpi = Kpi.objects.filter(initiative=initiative).get()
    client = signed_in(org.marketing_member)
    prefix = f"kpi-{kpi.pk}"
    response = client.post(
        f"/impact/kpis/{kpi.pk}/measurements/",
        {
            f"{prefix}-value": "2000",
            f"{prefix}-measured_on": "2026-01-05",
            f"{prefix}-source": "Analytics",
        },
    )
    assert response.status_code == 302
    first = Measurement.objects.get()
    assert client.get(f"/impact/measurements/{first.pk}/correct/").status_code == 200
    missing_reason = client.post(
        f"/impact/measurements/{first.pk}/correct/",
        {"value": "2100", "measured_on": "2026-01-05", "source": "Analytics"},
    )
    assert missing_reason.status_code == 400
    fixed = client.post(
        f"/impact/measurements/{first.pk}/correct/",
        {"value": "2100", "measured_on": "2026-01-05", "source": "Analytics", "note": "Late data"},
    )
    assert fixed.status_code == 302
    page = client.get(f"/impact/initiatives/{initiative.pk}/").content.decode()
    assert "Corrected" in page


def test_review_submitted_and_accepted_on_the_page(org: Org) -> None:
    initiative = bring_to(org, "active")
    kpi = Kpi.objects.filter(initiative=initiative).get()
    lead = signed_in(org.marketing_lead)
    assert "Submit review" in lead.get(f"/impact/initiatives/{initiative.pk}/").content.decode()
    response = lead.post(
        f"/impact/initiatives/{initiative.pk}/review/",
        {f"result_{kpi.pk}": "partly", "lessons": "Start earlier."},
    )
    assert response.status_code == 302
    coe = signed_in(org.coe_lead)
    assert "Accept the review" in coe.get(f"/impact/initiatives/{initiative.pk}/").content.decode()
    response = coe.post(f"/impact/initiatives/{initiative.pk}/review/accept/", {"comment": ""})
    assert response.status_code == 302
    assert OutcomeReview.objects.get().state == ReviewState.ACCEPTED


def test_spend_recorded_on_the_page_shows_over_budget(org: Org) -> None:
    initiative = bring_to(org, "active")
    client = signed_in(org.marketing_member)
    response = client.post(
        f"/impact/initiatives/{initiative.pk}/spend/", {"period": "2026-01-10", "amount": "1500"}
    )
    assert response.status_code == 302
    page = client.get(f"/impact/initiatives/{initiative.pk}/").content.decode()
    assert "Over budget" in page
