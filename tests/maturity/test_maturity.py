"""The maturity stage: organizations built to sit exactly at each stage, and one
criterion short of the next, with the checklist of what is missing."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from governance import services as org_services
from governance.models import AuditEvent, OrganizationRole
from impact import services as impact_services
from impact.models import Kpi
from incidents import services as incident_services
from initiatives import services as workflow
from initiatives.models import Decision
from maturity import selectors as maturity
from maturity import services as maturity_services
from maturity.models import MaturityAssessment, MaturityCriterion
from policies import services as policy_services
from policies.models import Policy
from social_accounts.models import SocialAccount
from sponsors import services as sponsor_services
from tests.conftest import Org, api_client, bring_to
from tests.social_accounts.conftest import account_in
from training import services as training_services

CRITERIA = {
    1: ["listening_program"],
    2: ["formal_presence", "initiative_proposed", "accounts_registered"],
    3: ["engagement_practices", "initiative_running"],
    4: [
        "sponsor_assigned",
        "coe_with_lead",
        "core_policies",
        "policies_acknowledged",
        "decided_recently",
        "accounts_recertified",
        "playbook_in_force",
    ],
    5: [
        "budget_aligned",
        "kpis_recorded",
        "sponsor_within_sla",
        "business_impact",
        "staff_trained",
    ],
    6: ["functions_beyond_marketing", "audiences_beyond_customers", "no_overdue_policy_reviews"],
}
QUESTIONS = {"listening_program": 1, "formal_presence": 2, "engagement_practices": 3}


def test_the_published_criteria_are_loaded(db: None) -> None:
    loaded: dict[int, list[str]] = {}
    for key, stage in MaturityCriterion.objects.values_list("key", "stage"):
        loaded.setdefault(stage, []).append(key)
    assert loaded == CRITERIA


def publish(org: Org, category: str) -> Policy:
    policy = policy_services.policy_create(
        actor=org.coe_member,
        title=f"{category} policy",
        category=category,
        body="Rules.",
    )
    policy = policy_services.policy_transition(actor=org.coe_member, policy=policy, name="submit")
    return policy_services.policy_transition(actor=org.coe_lead, policy=policy, name="publish")


def reach(org: Org, stage: int, skip: str | None = None) -> None:
    """Give Marketing every criterion up to `stage`, except `skip`."""

    def want(key: str, at: int) -> bool:
        return stage >= at and key != skip

    answers = {key: True for key, at in QUESTIONS.items() if want(key, at)}
    if answers:
        maturity_services.maturity_assessment_record(
            actor=org.marketing_lead, business_unit=org.marketing, answers=answers
        )

    fields: dict[str, Any] = {}
    if stage >= 5:
        fields["risk"] = "high"  # through the sponsor, for sponsor_within_sla
        if skip == "budget_aligned":
            fields["goals"] = [org.inactive_goal]
    if stage >= 6:
        fields["functions"] = (
            ["marketing", "sales", "hr"]
            if skip == "functions_beyond_marketing"
            else ["marketing", "sales", "hr", "customer_care"]
        )
        fields["audiences"] = (
            ["customers"]
            if skip == "audiences_beyond_customers"
            else ["customers", "employees", "partners"]
        )

    if want("initiative_running", 3):
        if stage >= 5:
            initiative = bring_to(org, "awaiting_sponsor", **fields)
            if skip == "sponsor_within_sla":
                Decision.objects.filter(initiative=initiative, target="awaiting_sponsor").update(
                    at=timezone.now() - datetime.timedelta(days=10)
                )
            initiative = workflow.initiative_transition(
                actor=org.sponsor, initiative=initiative, name="sponsor_approve"
            )
            initiative = workflow.initiative_transition(
                actor=org.marketing_lead, initiative=initiative, name="launch"
            )
            if skip != "kpis_recorded":
                for kpi in Kpi.objects.filter(initiative=initiative):
                    impact_services.measurement_record(
                        actor=org.marketing_member,
                        kpi=kpi,
                        value=Decimal(2000),
                        measured_on=timezone.localdate(),
                        source="Analytics",
                    )
            if skip != "business_impact":
                # Completed with its KPIs met, accepted by the CoE.
                bring_to(org, "completed")
        else:
            initiative = bring_to(org, "active", **fields)
        if skip == "decided_recently":
            Decision.objects.filter(initiative=initiative).update(
                at=timezone.now() - datetime.timedelta(days=200)
            )
    elif want("initiative_proposed", 2):
        bring_to(org, "submitted")

    if stage >= 4:
        categories = ["social_media", "community_response", "crisis_escalation"]
        if skip == "core_policies":
            categories = categories[:2]
        policies = [publish(org, c) for c in categories]
        if skip != "policies_acknowledged":
            for user in (org.marketing_lead, org.marketing_member):
                for policy in policies:
                    policy_services.policy_acknowledge(actor=user, policy=policy)
        if skip == "no_overdue_policy_reviews":
            Policy.objects.filter(pk=policies[0].pk).update(
                next_review_due=timezone.localdate() - datetime.timedelta(days=1)
            )
    if want("accounts_registered", 2):
        account = account_in(org, "active")
        if stage >= 4 and skip == "accounts_recertified":
            SocialAccount.objects.filter(pk=account.pk).update(
                recertification_due=timezone.localdate() - datetime.timedelta(days=1)
            )
    if stage >= 4 and skip != "playbook_in_force":
        playbook = incident_services.playbook_create(
            actor=org.coe_member, title="Crisis", body="Call the CoE lead."
        )
        incident_services.playbook_transition(
            actor=org.coe_member, playbook=playbook, name="submit"
        )
        incident_services.playbook_transition(actor=org.coe_lead, playbook=playbook, name="publish")
    if stage >= 5 and skip != "staff_trained":
        # A course required of Marketing's staff, completed by each of them.
        course = training_services.course_create(
            actor=org.coe_member,
            title="Speaking for the brand",
            body="Read.",
            business_units=[org.marketing],
        )
        course = training_services.course_transition(
            actor=org.coe_lead, course=course, name="publish"
        )
        for user in (org.marketing_lead, org.marketing_member):
            training_services.attempt_submit(actor=user, course=course, answers={})
    if skip == "sponsor_assigned":
        sponsor_services.sponsorship_remove(
            actor=org.admin, sponsor=org.sponsor.sponsor_profile, business_unit=org.marketing
        )
    if skip == "coe_with_lead":
        org_services.organization_role_revoke(
            actor=org.admin, user=org.coe_lead, role=OrganizationRole.Role.COE_LEAD
        )


@pytest.mark.parametrize("stage", range(0, 7))
def test_a_unit_sits_exactly_at_its_stage(org: Org, stage: int) -> None:
    reach(org, stage)
    assert maturity.assess(unit=org.marketing).stage == stage


SHORT_OF: list[tuple[int, str]] = [
    (stage - 1, key) for stage, keys in CRITERIA.items() for key in keys
]


@pytest.mark.parametrize(("stage", "missing"), SHORT_OF)
def test_one_criterion_short_of_the_next_stage(org: Org, stage: int, missing: str) -> None:
    reach(org, stage + 1, skip=missing)
    result = maturity.assess(unit=org.marketing)
    assert result.stage == stage
    assert [r.key for r in result.missing] == [missing]
    assert result.missing[0].fix_url
    assert result.missing[0].detail


def test_the_organization_needs_every_unit(org: Org) -> None:
    reach(org, 2)
    maturity_services.maturity_assessment_record(
        actor=org.coe_lead,
        business_unit=None,
        answers={"listening_program": True, "formal_presence": True},
    )
    # Marketing proposed an initiative; the organization as a whole has too.
    assert maturity.assess(unit=None).stage == 2
    assert maturity.assess(unit=org.sales).stage == 0


def test_who_may_record_an_assessment(org: Org) -> None:
    def post(user: Any, **body: Any) -> Any:
        return api_client(user).post("/api/maturity/assessments/", body, format="json")

    answers = {"listening_program": True}
    assert (
        post(org.marketing_lead, business_unit=org.marketing.pk, answers=answers).status_code == 201
    )
    assert (
        post(org.marketing_member, business_unit=org.marketing.pk, answers=answers).status_code
        == 403
    )
    assert post(org.marketing_lead, business_unit=org.sales.pk, answers=answers).status_code == 400
    assert post(org.marketing_lead, answers=answers).status_code == 403
    assert post(org.coe_lead, answers=answers).status_code == 201
    assert post(org.coe_lead, business_unit=org.sales.pk, answers=answers).status_code == 201
    bad = post(org.coe_lead, answers={"initiative_running": True})
    assert bad.status_code == 400
    assert "answers" in bad.json()
    assert MaturityAssessment.objects.count() == 3
    assert AuditEvent.objects.filter(event="maturity.assessed").count() == 3


def test_the_api_gives_stage_checklist_benchmark_and_history(org: Org) -> None:
    reach(org, 3)
    body = api_client(org.marketing_member).get("/api/maturity/").json()
    assert [u["business_unit"]["name"] for u in body["business_units"]] == ["Marketing"]
    marketing = body["business_units"][0]
    assert (marketing["stage"], marketing["stage_name"]) == (3, "Engagement")
    missing = {m["key"] for m in marketing["next_stage"]["missing"]}
    assert missing == {"core_policies", "policies_acknowledged", "playbook_in_force"}
    bench = body["benchmark"]
    assert "Altimeter" in bench["source"]
    survey = {row["name"]: row["survey_share"] for row in bench["distribution"]}
    assert survey["Formalized"] == 0.26
    assert survey["Converged"] == 0.03
    assert {f["key"] for f in bench["findings"]} == {
        "strategy_connected_to_outcomes",
        "one_vision",
        "plan_beyond_a_year",
        "executives_engaged",
    }

    unit = api_client(org.marketing_member).get(f"/api/maturity/business-units/{org.marketing.pk}/")
    assert unit.json()["stage"] == 3
    assert (
        api_client(org.marketing_member)
        .get(f"/api/maturity/business-units/{org.sales.pk}/")
        .status_code
        == 404
    )
    # The answers were recorded before the evidence existed; a new assessment
    # records the stage reached since, and history keeps both, newest first.
    recorded = api_client(org.marketing_lead).post(
        "/api/maturity/assessments/",
        {"business_unit": org.marketing.pk, "answers": {}},
        format="json",
    )
    assert recorded.json()["stage"] == 3
    history = api_client(org.marketing_member).get("/api/maturity/history/").json()
    assert [h["stage"] for h in history["results"]] == [3, 1]


def test_the_benchmark_counts_units_by_stage(org: Org) -> None:
    reach(org, 1)
    units = [maturity.assess(unit=u) for u in (org.marketing, org.sales)]
    bench = maturity.organization_benchmark(unit_assessments=units)
    by_name = {row["name"]: row for row in bench["distribution"]}
    assert by_name["Planning"]["units"] == 1
    assert by_name["Not yet planning"]["units"] == 1
    assert by_name["Planning"]["share"] == 0.5


def test_maturity_report_prints_every_scope(org: Org, capsys: pytest.CaptureFixture) -> None:
    reach(org, 1)
    call_command("maturity_report")
    out = capsys.readouterr().out
    assert "Marketing" in out
    assert "1 Planning" in out
    assert "Organization" in out
    assert "survey" in out


def test_criteria_changes_are_audited_and_for_the_coe_lead(org: Org) -> None:
    criterion = MaturityCriterion.objects.get(key="kpis_recorded")
    with pytest.raises(Exception, match="CoE lead"):
        maturity_services.maturity_criterion_update(
            actor=org.coe_member, criterion=criterion, changes={"active": False}
        )
    maturity_services.maturity_criterion_update(
        actor=org.coe_lead, criterion=criterion, changes={"active": False}
    )
    event = AuditEvent.objects.get(event="maturity.criterion_changed")
    assert event.new == {"active": False}
    assert "kpis_recorded" not in {r.key for r in maturity.assess(unit=org.marketing).results}
