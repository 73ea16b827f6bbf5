"""KPI changes through an amendment: once an initiative is submitted its KPIs
are added, changed or retired only by an approved amendment, in the
approval's transaction and audited with the amendment's number; a rejected
one changes nothing, and a retired KPI keeps its measurements but takes no
new ones and is no longer asked for."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.errors import Conflict
from governance.models import AuditEvent
from impact import selectors
from impact import services as impact
from impact.models import Kpi, KpiChange, Measurement
from initiatives import services
from initiatives.models import Amendment, Initiative
from tests.conftest import Org, api_client, bring_to

DAY = datetime.date(2026, 1, 15)


def kpi_of(initiative: Initiative) -> Kpi:
    return Kpi.objects.filter(initiative=initiative).order_by("id").first()  # type: ignore[return-value]


def propose(org: Org, initiative: Initiative, kpi_changes: list[dict[str, Any]], **changes: Any):  # type: ignore[no-untyped-def]
    return api_client(org.marketing_lead).post(
        f"/api/initiatives/{initiative.pk}/amendments/",
        {"changes": changes, "kpi_changes": kpi_changes, "reason": "The targets moved."},
        format="json",
    )


def take(user: object, amendment_id: int, name: str, comment: str = "") -> Any:
    return api_client(user).post(
        f"/api/amendments/{amendment_id}/transitions/{name}/",
        {"comment": comment},
        format="json",
    )


def decide(org: Org, amendment_id: int, name: str = "approve", comment: str = "") -> Any:
    assert take(org.coe_member, amendment_id, "start_review").status_code == 200
    return take(org.coe_lead, amendment_id, name, comment)


def test_an_approved_amendment_changes_a_kpi_target_and_audits_it(org: Org) -> None:
    initiative = bring_to(org, "active")
    kpi = kpi_of(initiative)
    proposed = propose(org, initiative, [{"action": "change", "kpi": kpi.pk, "target": "8000"}])
    assert proposed.status_code == 201, proposed.json()
    body = proposed.json()
    assert body["kpi_changes"] == [
        {
            "action": "change",
            "kpi": kpi.pk,
            "name": "Reach for Grow brand awareness",
            "fields": [{"field": "target", "old": "5000", "new": "8000"}],
        }
    ]
    # Pending: the approved target stays.
    kpi.refresh_from_db()
    assert kpi.target == Decimal(5000)

    response = decide(org, body["id"])
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "approved"
    kpi.refresh_from_db()
    assert kpi.target == Decimal(8000)
    event = AuditEvent.objects.get(event="kpi.updated", object_id=str(kpi.pk))
    assert event.old == {"target": "5000"}
    assert event.new == {"target": "8000", "amendment": body["id"]}
    assert event.comment == f"amendment {body['id']}"
    assert event.actor == org.coe_lead


def test_an_approved_amendment_adds_a_kpi(org: Org) -> None:
    initiative = bring_to(org, "approved")
    new = {
        "action": "add",
        "goal": org.goal.pk,
        "name": "Newsletter sign-ups",
        "unit": "people",
        "baseline": "100",
        "target": "400",
        "due_on": "2030-06-30",
    }
    proposed = propose(org, initiative, [new])
    assert proposed.status_code == 201, proposed.json()
    assert Kpi.objects.filter(initiative=initiative).count() == 1

    assert decide(org, proposed.json()["id"]).status_code == 200
    added = Kpi.objects.get(initiative=initiative, name="Newsletter sign-ups")
    assert (added.baseline, added.target, added.due_on) == (
        Decimal(100),
        Decimal(400),
        datetime.date(2030, 6, 30),
    )
    assert added.created_by == org.marketing_lead
    assert KpiChange.objects.get(amendment_id=proposed.json()["id"]).kpi == added
    event = AuditEvent.objects.get(event="kpi.created", object_id=str(added.pk))
    assert event.new["amendment"] == proposed.json()["id"]


def test_a_retired_kpi_keeps_its_measurements_takes_no_new_ones_and_is_not_required(
    org: Org,
) -> None:
    initiative = bring_to(org, "active")
    kept = kpi_of(initiative)
    impact.measurement_record(
        actor=org.marketing_member, kpi=kept, value=Decimal(1500), measured_on=DAY, source="CRM"
    )
    replacement = {
        "action": "add",
        "goal": org.goal.pk,
        "name": "Qualified leads",
        "unit": "leads",
        "baseline": "10",
        "target": "50",
        "due_on": "2030-06-30",
    }
    proposed = propose(org, initiative, [{"action": "retire", "kpi": kept.pk}, replacement])
    assert proposed.status_code == 201, proposed.json()
    assert decide(org, proposed.json()["id"]).status_code == 200

    kept.refresh_from_db()
    assert kept.retired_at is not None
    assert Measurement.objects.filter(kpi=kept).count() == 1
    assert AuditEvent.objects.filter(event="kpi.retired", object_id=str(kept.pk)).count() == 1
    with pytest.raises(Conflict):
        impact.measurement_record(
            actor=org.marketing_member, kpi=kept, value=Decimal(1), measured_on=DAY, source="CRM"
        )
    refused = api_client(org.marketing_member).post(
        f"/api/impact/kpis/{kept.pk}/measurements/",
        {"value": "2", "measured_on": DAY.isoformat(), "source": "CRM"},
        format="json",
    )
    assert refused.status_code == 409
    # The outcome review asks for the KPIs in use only.
    in_use = Kpi.objects.get(initiative=initiative, retired_at=None)
    review = impact.outcome_review_submit(
        actor=org.marketing_lead,
        initiative=initiative,
        results={in_use.pk: "met"},
        lessons="Leads mattered more than reach.",
    )
    assert review.results.count() == 1


def test_retiring_the_only_kpi_of_a_goal_leaves_the_goal_without_one(org: Org) -> None:
    initiative = bring_to(org, "active")
    proposed = propose(org, initiative, [{"action": "retire", "kpi": kpi_of(initiative).pk}])
    assert decide(org, proposed.json()["id"]).status_code == 200
    unmet = selectors.kpis_for_each_goal(user=org.marketing_member, initiative=initiative)
    assert unmet is not None
    assert unmet.data == {"goals_without_kpi": ["Grow brand awareness"]}


def test_a_rejected_amendment_changes_no_kpi(org: Org) -> None:
    initiative = bring_to(org, "active")
    kpi = kpi_of(initiative)
    proposed = propose(
        org,
        initiative,
        [
            {"action": "change", "kpi": kpi.pk, "target": "9000", "name": "Reach"},
            {
                "action": "add",
                "goal": org.goal.pk,
                "name": "Shares",
                "unit": "shares",
                "baseline": "1",
                "target": "2",
                "due_on": "2030-01-01",
            },
        ],
    )
    assert proposed.status_code == 201, proposed.json()
    assert decide(org, proposed.json()["id"], "reject", "Keep the targets.").status_code == 200
    kpi.refresh_from_db()
    assert (kpi.target, kpi.name, kpi.retired_at) == (
        Decimal(5000),
        "Reach for Grow brand awareness",
        None,
    )
    assert Kpi.objects.filter(initiative=initiative).count() == 1
    assert not AuditEvent.objects.filter(event__startswith="kpi.", new__amendment__isnull=False)


def test_a_withdrawn_amendment_changes_no_kpi(org: Org) -> None:
    initiative = bring_to(org, "active")
    kpi = kpi_of(initiative)
    proposed = propose(org, initiative, [{"action": "retire", "kpi": kpi.pk}])
    assert take(org.marketing_lead, proposed.json()["id"], "withdraw").status_code == 200
    kpi.refresh_from_db()
    assert kpi.retired_at is None


def test_direct_kpi_edits_after_submission_are_still_409(org: Org) -> None:
    initiative = bring_to(org, "active")
    kpi = kpi_of(initiative)
    client = api_client(org.marketing_member)
    assert (
        client.patch(f"/api/impact/kpis/{kpi.pk}/", {"target": "9000"}, format="json").status_code
        == 409
    )
    assert client.delete(f"/api/impact/kpis/{kpi.pk}/").status_code == 409
    added = client.post(
        f"/api/impact/initiatives/{initiative.pk}/kpis/",
        {
            "goal": org.goal.pk,
            "name": "Shares",
            "unit": "shares",
            "baseline": "1",
            "target": "2",
            "due_on": "2030-01-01",
        },
        format="json",
    )
    assert added.status_code == 409
    assert "amendment" in added.json()["detail"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"action": "change", "target": "1000"}, "kpi_changes.0.target"),
        ({"action": "change", "target": "lots"}, "kpi_changes.0.target"),
        ({"action": "change", "goal": 1}, "kpi_changes.0.goal"),
        ({"action": "grow"}, "kpi_changes.0.action"),
        ({"action": "retire", "kpi": 0}, "kpi_changes.0.kpi"),
        ({"action": "add", "name": "Shares"}, "kpi_changes.0.goal"),
    ],
)
def test_invalid_kpi_changes_are_400_naming_the_field(
    org: Org, change: dict[str, Any], field: str
) -> None:
    initiative = bring_to(org, "active")
    change = {"kpi": kpi_of(initiative).pk} | change
    response = propose(org, initiative, [change])
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Amendment.objects.filter(initiative=initiative).exists()


def test_a_kpi_change_that_changes_nothing_is_not_an_amendment(org: Org) -> None:
    initiative = bring_to(org, "active")
    same = {"action": "change", "kpi": kpi_of(initiative).pk, "target": "5000.0"}
    response = propose(org, initiative, [same])
    assert response.status_code == 400
    assert "changes" in response.json()


def test_a_kpi_of_another_initiative_cannot_be_changed(org: Org) -> None:
    initiative = bring_to(org, "active")
    other = bring_to(org, "active")
    response = propose(org, initiative, [{"action": "retire", "kpi": kpi_of(other).pk}])
    assert response.status_code == 400
    assert "kpi_changes.0.kpi" in response.json()


def test_only_a_unit_lead_proposes_kpi_changes_and_outsiders_get_404(org: Org) -> None:
    initiative = bring_to(org, "active")
    body = {
        "kpi_changes": [{"action": "retire", "kpi": kpi_of(initiative).pk}],
        "reason": "Done with it.",
    }
    url = f"/api/initiatives/{initiative.pk}/amendments/"
    assert api_client(org.marketing_member).post(url, body, format="json").status_code == 403
    assert api_client(org.outsider).post(url, body, format="json").status_code == 404


def test_kpi_changes_of_a_draft_are_refused_with_409(org: Org) -> None:
    initiative = bring_to(org, "draft")
    response = propose(org, initiative, [{"action": "retire", "kpi": kpi_of(initiative).pk}])
    assert response.status_code == 409


def test_the_proposer_cannot_approve_their_kpi_changes(org: Org) -> None:
    initiative = bring_to(org, "active")
    proposed = propose(org, initiative, [{"action": "retire", "kpi": kpi_of(initiative).pk}])
    assert take(org.coe_member, proposed.json()["id"], "start_review").status_code == 200
    # Deciding again on what is decided is a conflict; the proposer may not decide.
    assert take(org.marketing_lead, proposed.json()["id"], "approve").status_code == 403
    assert take(org.coe_lead, proposed.json()["id"], "approve").status_code == 200
    assert take(org.coe_lead, proposed.json()["id"], "approve").status_code == 409


def test_a_change_proposed_through_the_service_is_checked_against_the_amended_goals(
    org: Org,
) -> None:
    initiative = bring_to(org, "active")
    with pytest.raises(ValidationError) as refused:
        services.amendment_propose(
            actor=org.marketing_lead,
            initiative=initiative,
            changes={},
            reason="A goal we do not serve.",
            parts={
                "kpi_changes": [
                    {
                        "action": "add",
                        "goal": org.inactive_goal.pk,
                        "name": "Shares",
                        "unit": "shares",
                        "baseline": "1",
                        "target": "2",
                        "due_on": "2030-01-01",
                    }
                ]
            },
        )
    assert "kpi_changes.0.goal" in refused.value.message_dict


def _amendments_with_kpi_changes(org: Org, initiative: Initiative, count: int) -> None:
    kpi = kpi_of(initiative)
    amendments = Amendment.objects.bulk_create(
        Amendment(
            initiative=initiative,
            proposed_by=org.marketing_lead,
            changes={},
            reason="r",
            state="withdrawn",
        )
        for _ in range(count)
    )
    KpiChange.objects.bulk_create(
        KpiChange(
            amendment=a,
            position=0,
            action="change",
            kpi=kpi,
            old={"target": "5000", "name": kpi.name},
            values={"target": "6000"},
        )
        for a in amendments
    )


def _list_queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert response.json()["results"][0]["kpi_changes"][0]["fields"] == [
        {"field": "target", "old": "5000", "new": "6000"}
    ]
    return len(queries)


def test_listing_amendments_with_kpi_changes_costs_the_same_at_10_and_1000(org: Org) -> None:
    initiative = bring_to(org, "active")
    client = api_client(org.auditor)
    url = f"/api/initiatives/{initiative.pk}/amendments/?page_size=1000"
    _amendments_with_kpi_changes(org, initiative, 10)
    client.get(url)  # the token's first use
    few = _list_queries(client, url)
    _amendments_with_kpi_changes(org, initiative, 990)
    assert _list_queries(client, url) == few
