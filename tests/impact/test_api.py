"""The impact API: 404 for who cannot see the initiative, 403 for who may not
act, 409 for a state that does not allow it, 400 naming the field."""

import datetime

from impact.models import Kpi, Measurement
from tests.conftest import Org, api_client, bring_to, propose

KPI = {
    "goal": None,
    "name": "Followers",
    "unit": "people",
    "baseline": "100",
    "target": "500",
    "due_on": "2030-06-30",
}


def test_member_adds_a_kpi_to_a_draft(org: Org) -> None:
    initiative = propose(org)
    response = api_client(org.marketing_member).post(
        f"/api/impact/initiatives/{initiative.pk}/kpis/", KPI | {"goal": org.goal.pk}, format="json"
    )
    assert response.status_code == 201, response.data
    listed = api_client(org.auditor).get(f"/api/impact/initiatives/{initiative.pk}/kpis/").json()
    assert [k["name"] for k in listed] == ["Reach for Grow brand awareness", "Followers"]


def test_outsider_gets_404(org: Org) -> None:
    initiative = propose(org)
    client = api_client(org.outsider)
    assert client.get(f"/api/impact/initiatives/{initiative.pk}/kpis/").status_code == 404
    kpi = Kpi.objects.filter(initiative=initiative).get()
    assert client.get(f"/api/impact/kpis/{kpi.pk}/").status_code == 404
    assert client.get("/api/impact/summary/").json()["kpis"]["total"] == 0


def test_auditor_sees_but_may_not_add(org: Org) -> None:
    initiative = propose(org)
    response = api_client(org.auditor).post(
        f"/api/impact/initiatives/{initiative.pk}/kpis/", KPI | {"goal": org.goal.pk}, format="json"
    )
    assert response.status_code == 403


def test_kpi_change_after_approval_is_409_naming_the_amendment(org: Org) -> None:
    initiative = bring_to(org, "approved")
    kpi = Kpi.objects.filter(initiative=initiative).get()
    response = api_client(org.marketing_member).patch(
        f"/api/impact/kpis/{kpi.pk}/", {"target": "9000"}, format="json"
    )
    assert response.status_code == 409
    assert "amendment" in response.data["detail"]


def test_invalid_kpi_is_400_naming_the_field(org: Org) -> None:
    initiative = propose(org)
    response = api_client(org.marketing_member).post(
        f"/api/impact/initiatives/{initiative.pk}/kpis/",
        KPI | {"goal": org.inactive_goal.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "goal" in response.data


def test_submit_without_kpis_is_409_naming_the_goals(org: Org) -> None:
    from tests.conftest import acknowledge_policies

    initiative = propose(org)
    Kpi.objects.filter(initiative=initiative).delete()
    acknowledge_policies(org.marketing_member, org.marketing)
    response = api_client(org.marketing_member).post(
        f"/api/initiatives/{initiative.pk}/transitions/submit/"
    )
    assert response.status_code == 409
    assert response.data["goals_without_kpi"] == ["Grow brand awareness"]


def test_measurements_recorded_and_corrected(org: Org) -> None:
    kpi = Kpi.objects.filter(initiative=bring_to(org, "active")).get()
    client = api_client(org.marketing_member)
    created = client.post(
        f"/api/impact/kpis/{kpi.pk}/measurements/",
        {"value": "1500", "measured_on": "2026-01-05", "source": "Analytics"},
        format="json",
    )
    assert created.status_code == 201, created.data
    corrected = client.post(
        f"/api/impact/measurements/{created.data['id']}/correct/",
        {"value": "1400", "measured_on": "2026-01-05", "source": "Analytics", "note": "Bots"},
        format="json",
    )
    assert corrected.status_code == 201, corrected.data
    assert corrected.data["supersedes"] == created.data["id"]
    listed = client.get(f"/api/impact/kpis/{kpi.pk}/measurements/").json()
    assert listed["count"] == 2
    assert client.get(f"/api/impact/kpis/{kpi.pk}/").json()["current"] == "1400.0000"
    assert Measurement.objects.count() == 2


def test_future_measurement_is_400(org: Org) -> None:
    kpi = Kpi.objects.filter(initiative=bring_to(org, "active")).get()
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    response = api_client(org.marketing_member).post(
        f"/api/impact/kpis/{kpi.pk}/measurements/",
        {"value": "1", "measured_on": tomorrow.isoformat(), "source": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert "measured_on" in response.data


def test_spend_and_outcome_review_through_the_api(org: Org) -> None:
    initiative = bring_to(org, "active")
    kpi = Kpi.objects.filter(initiative=initiative).get()
    lead, coe = api_client(org.marketing_lead), api_client(org.coe_lead)
    spend = lead.post(
        f"/api/impact/initiatives/{initiative.pk}/spend/",
        {"period": "2026-01-20", "amount": "250.00"},
        format="json",
    )
    assert spend.status_code == 201
    assert spend.data["period"] == "2026-01-01"
    assert coe.get(f"/api/impact/initiatives/{initiative.pk}/outcome-review/").status_code == 404
    review = {"results": [{"kpi": kpi.pk, "result": "met"}], "lessons": "Video wins."}
    submitted = lead.put(
        f"/api/impact/initiatives/{initiative.pk}/outcome-review/", review, format="json"
    )
    assert submitted.status_code == 200, submitted.data
    assert submitted.data["spent"] == "250.00"
    assert (
        lead.post(f"/api/impact/initiatives/{initiative.pk}/outcome-review/accept/").status_code
        == 403
    )
    accepted = coe.post(f"/api/impact/initiatives/{initiative.pk}/outcome-review/accept/")
    assert accepted.status_code == 200
    assert accepted.data["state"] == "accepted"
    again = coe.post(f"/api/impact/initiatives/{initiative.pk}/outcome-review/accept/")
    assert again.status_code == 409
    done = lead.post(f"/api/initiatives/{initiative.pk}/transitions/complete/")
    assert done.status_code == 200


def test_return_without_comment_is_400(org: Org) -> None:
    initiative = bring_to(org, "active")
    kpi = Kpi.objects.filter(initiative=initiative).get()
    api_client(org.marketing_lead).put(
        f"/api/impact/initiatives/{initiative.pk}/outcome-review/",
        {"results": [{"kpi": kpi.pk, "result": "missed"}], "lessons": "x"},
        format="json",
    )
    response = api_client(org.coe_lead).post(
        f"/api/impact/initiatives/{initiative.pk}/outcome-review/return/"
    )
    assert response.status_code == 400
    assert "comment" in response.data
