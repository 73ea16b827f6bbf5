"""The maturity page: the organization's stage and each visible unit's, the
checklist to the next stage, progress over time, the benchmark, and who may
answer the self-assessment."""

import pytest
from django.test import Client

from governance.models import AuditEvent
from maturity import services as maturity_services
from maturity.models import MaturityAssessment
from tests.conftest import Org, bring_to, signed_in
from tests.social_accounts.conftest import account_in


def test_the_page_requires_sign_in(org: Org, client: Client) -> None:
    assert client.get("/maturity/").status_code == 302


def test_a_member_sees_the_organization_and_their_unit_only(org: Org) -> None:
    bring_to(org, "submitted")
    account_in(org, "active")
    maturity_services.maturity_assessment_record(
        actor=org.marketing_lead,
        business_unit=org.marketing,
        answers={"listening_program": True, "formal_presence": True},
    )
    body = signed_in(org.marketing_member).get("/maturity/").content.decode()
    assert "The organization" in body
    assert f'id="unit-{org.marketing.pk}"' in body
    assert f'id="unit-{org.sales.pk}"' not in body
    assert "2 · Presence" in body
    # The checklist names what Engagement still needs, with where to fix it.
    assert "Engagement practices" in body
    assert "Initiatives run" in body
    assert "Where to fix it" in body
    # The benchmark beside the survey, with its source.
    assert "Altimeter" in body
    assert "26 %" in body
    # A member answers nothing.
    assert "Record the assessment" not in body


def test_progress_over_time_is_drawn_from_recorded_assessments(org: Org) -> None:
    for answers in ({"listening_program": True}, {"formal_presence": True}):
        maturity_services.maturity_assessment_record(
            actor=org.marketing_lead, business_unit=org.marketing, answers=answers
        )
    body = signed_in(org.marketing_lead).get("/maturity/").content.decode()
    assert "<polyline" in body
    assert body.count('class="point"') == 2


def test_a_unit_lead_records_their_units_answers(org: Org) -> None:
    client = signed_in(org.marketing_lead)
    page = client.get("/maturity/").content.decode()
    assert "Record the assessment" in page
    response = client.post(
        "/maturity/assess/",
        {"scope": str(org.marketing.pk), "listening_program": "on"},
        follow=True,
    )
    assert response.status_code == 200
    record = MaturityAssessment.objects.get()
    assert (record.business_unit, record.answers["listening_program"]) == (org.marketing, True)
    assert "Assessment recorded" in response.content.decode()
    assert AuditEvent.objects.filter(event="maturity.assessed").count() == 1


def test_a_lead_cannot_answer_for_another_unit(org: Org) -> None:
    response = signed_in(org.marketing_lead).post(
        "/maturity/assess/",
        {"scope": str(org.sales.pk), "listening_program": "on"},
        follow=True,
    )
    assert response.status_code == 200
    assert not MaturityAssessment.objects.exists()


@pytest.mark.parametrize("persona", ["marketing_member", "auditor", "sponsor", "outsider"])
def test_who_holds_no_lead_role_gets_403(org: Org, persona: str) -> None:
    response = signed_in(org.people[persona]).post(
        "/maturity/assess/", {"scope": "organization", "listening_program": "on"}
    )
    assert response.status_code == 403
    assert not MaturityAssessment.objects.exists()


def test_the_coe_lead_assesses_the_organization(org: Org) -> None:
    signed_in(org.coe_lead).post(
        "/maturity/assess/", {"scope": "organization", "listening_program": "on"}
    )
    record = MaturityAssessment.objects.get()
    assert record.business_unit is None
    assert record.stage == 1


def test_the_page_is_translated(org: Org) -> None:
    client = signed_in(org.marketing_member)
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    body = client.get("/maturity/").content.decode()
    assert "Reifegrad" in body
    assert "Planung" in body
