"""Approval requirements that rise with the maturity stage: refused with 409
naming every requirement missing, accepted once met."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance.errors import Conflict
from governance.models import AuditEvent
from initiatives import services as workflow
from initiatives.models import Initiative
from maturity import services as maturity
from readiness import selectors, services
from tests.conftest import Org, bring_to, signed_in
from tests.training.conftest import published_course, take

# The organization at Planning: its only criterion is a self-assessment answer.
PLANNING = {"listening_program": True}


def at_planning(o: Org) -> None:
    maturity.maturity_assessment_record(actor=o.coe_lead, business_unit=None, answers=PLANNING)
    assert selectors.organization_stage() == 1


def require(o: Org, **stages: int | None) -> None:
    services.stage_requirements_set(actor=o.coe_lead, stages=stages)


def approve(o: Org, initiative: Initiative, name: str = "approve", by: str = "coe_lead") -> Any:
    return workflow.initiative_transition(
        actor=o.people[by], initiative=initiative, name=name, comment="ok"
    )


def missing_keys(error: pytest.ExceptionInfo[Conflict]) -> list[str]:
    return [m["key"] for m in error.value.data["missing_requirements"]]


def test_nothing_is_required_without_configuration(org: Org) -> None:
    at_planning(org)
    org.sponsor.is_active = False
    org.sponsor.save()
    assert approve(org, bring_to(org, "in_review")).state == "approved"


def test_a_requirement_applies_only_from_its_stage(org: Org) -> None:
    at_planning(org)
    require(org, active_sponsor=4)
    org.sponsor.is_active = False
    org.sponsor.save()
    assert selectors.kinds_in_force() == set()
    assert approve(org, bring_to(org, "in_review")).state == "approved"


def test_approval_refused_without_an_active_sponsor_and_accepted_once_there(org: Org) -> None:
    at_planning(org)
    require(org, active_sponsor=1)
    initiative = bring_to(org, "in_review")
    org.sponsor.is_active = False
    org.sponsor.save()
    with pytest.raises(Conflict) as error:
        approve(org, initiative)
    assert missing_keys(error) == ["active_sponsor"]
    assert "Marketing has no active executive sponsor" in str(error.value)
    assert Initiative.objects.get(pk=initiative.pk).state == "in_review"
    org.sponsor.is_active = True
    org.sponsor.save()
    assert approve(org, initiative).state == "approved"


def test_approval_refused_until_the_owner_is_trained(org: Org) -> None:
    at_planning(org)
    require(org, owner_trained=1)
    course = published_course(org)
    initiative = bring_to(org, "in_review")
    with pytest.raises(Conflict) as error:
        approve(org, initiative)
    assert missing_keys(error) == ["owner_trained"]
    assert "Speaking for the brand" in str(error.value)
    take(org.marketing_member, course, right=0)  # failed: still missing
    with pytest.raises(Conflict):
        approve(org, initiative)
    take(org.marketing_member, course, right=2)
    assert approve(org, initiative).state == "approved"


def test_the_refusal_names_every_missing_requirement(org: Org) -> None:
    at_planning(org)
    require(org, active_sponsor=1, owner_trained=1)
    published_course(org)
    initiative = bring_to(org, "in_review")
    org.sponsor.is_active = False
    org.sponsor.save()
    with pytest.raises(Conflict) as error:
        approve(org, initiative)
    assert missing_keys(error) == ["active_sponsor", "owner_trained"]


def test_the_sponsor_sign_off_is_refused_too(org: Org) -> None:
    initiative = bring_to(org, "awaiting_sponsor")
    at_planning(org)
    require(org, owner_trained=1)
    course = published_course(org)
    with pytest.raises(Conflict):
        approve(org, initiative, "sponsor_approve", by="sponsor")
    take(org.marketing_member, course, right=2)
    assert approve(org, initiative, "sponsor_approve", by="sponsor").state == "approved"


def test_the_bulk_decision_reports_the_refusal_as_409(org: Org) -> None:
    at_planning(org)
    require(org, owner_trained=1)
    published_course(org)
    initiative = bring_to(org, "in_review")
    [outcome] = workflow.initiatives_bulk_transition(
        actor=org.coe_lead, ids=[initiative.pk], name="approve", comment="ok"
    )
    assert (outcome.ok, outcome.status) == (False, 409)
    assert "Speaking for the brand" in (outcome.reason or "")


def test_the_api_answers_409_naming_what_is_missing(org: Org, api: Any) -> None:
    at_planning(org)
    require(org, owner_trained=1)
    published_course(org)
    initiative = bring_to(org, "in_review")
    response = api(org.coe_lead).post(
        f"/api/initiatives/{initiative.pk}/transitions/approve/", {"comment": "ok"}, format="json"
    )
    assert response.status_code == 409
    assert [m["key"] for m in response.json()["missing_requirements"]] == ["owner_trained"]


def test_the_page_shows_the_checklist_before_the_approve_button(org: Org) -> None:
    at_planning(org)
    require(org, active_sponsor=1, owner_trained=1)
    published_course(org)
    initiative = bring_to(org, "in_review")
    page = signed_in(org.coe_lead).get(f"/initiatives/{initiative.pk}/").content.decode()
    checklist = page.index("approval-checklist")
    assert checklist < page.index('value="approve"')
    assert 'class="met"' in page  # the sponsor
    assert 'class="missing"' in page  # the training
    # The unit's staff, who cannot approve, see no checklist.
    member_page = signed_in(org.marketing_member).get(f"/initiatives/{initiative.pk}/")
    assert "approval-checklist" not in member_page.content.decode()


def test_only_the_coe_lead_sets_the_requirements(org: Org) -> None:
    with pytest.raises(PermissionDenied):
        services.stage_requirements_set(actor=org.coe_member, stages={"active_sponsor": 4})


def test_unknown_kinds_and_stages_are_refused(org: Org) -> None:
    with pytest.raises(ValidationError):
        require(org, nonsense=4)
    with pytest.raises(ValidationError):
        require(org, active_sponsor=9)


def test_a_change_is_audited_with_old_and_new_stages(org: Org) -> None:
    require(org, active_sponsor=4)
    require(org, active_sponsor=5, owner_trained=None)
    events = list(AuditEvent.objects.filter(event="readiness.requirements_changed").order_by("seq"))
    assert [(e.old, e.new) for e in events] == [
        ({"active_sponsor": None}, {"active_sponsor": 4}),
        ({"active_sponsor": 4}, {"active_sponsor": 5}),
    ]


@pytest.mark.parametrize(
    ("persona", "get", "put"),
    [
        ("coe_lead", 200, 200),
        ("coe_member", 200, 403),
        ("auditor", 200, 403),
        ("marketing_lead", 403, 403),
        ("outsider", 403, 403),
    ],
)
def test_api_by_role(org: Org, api: Any, persona: str, get: int, put: int) -> None:
    client = api(org.people[persona])
    assert client.get("/api/readiness/requirements/").status_code == get
    response = client.put(
        "/api/readiness/requirements/", {"stages": {"active_sponsor": 4}}, format="json"
    )
    assert response.status_code == put
    if put == 200:
        rows = {r["key"]: r for r in response.json()["requirements"]}
        assert rows["active_sponsor"]["from_stage"] == 4


def test_api_names_the_field_of_a_bad_stage(org: Org, api: Any) -> None:
    response = api(org.coe_lead).put(
        "/api/readiness/requirements/", {"stages": {"active_sponsor": 12}}, format="json"
    )
    assert response.status_code == 400
    assert "stages" in response.json()


def test_the_page_sets_the_requirements(org: Org) -> None:
    client = signed_in(org.coe_lead)
    assert client.get("/readiness/").status_code == 200
    response = client.post("/readiness/", {"active_sponsor": "4", "owner_trained": ""})
    assert response.status_code == 302
    assert dict((r.key, r.from_stage) for r in selectors.requirement_rows()) == {
        "active_sponsor": 4,
        "owner_trained": None,
        "accounts_registered": None,
    }


def test_the_page_refuses_changes_by_others(org: Org) -> None:
    assert signed_in(org.auditor).get("/readiness/").status_code == 200
    assert signed_in(org.auditor).post("/readiness/", {"active_sponsor": "4"}).status_code == 403
    assert signed_in(org.marketing_lead).get("/readiness/").status_code == 403


def test_approval_refused_while_an_account_it_uses_is_unregistered(org: Org) -> None:
    from social_accounts import services as accounts
    from tests.social_accounts.conftest import request_account

    at_planning(org)
    require(org, accounts_registered=1)
    initiative = bring_to(org, "in_review")
    account = request_account(org, initiatives=[initiative])
    with pytest.raises(Conflict) as error:
        approve(org, initiative)
    assert missing_keys(error) == ["accounts_registered"]
    assert "Instagram @acme is not registered (requested)" in str(error.value)
    accounts.account_transition(actor=org.coe_lead, account=account, name="approve", comment="ok")
    assert approve(org, initiative).state == "approved"


def test_approval_refused_while_an_account_it_uses_has_no_backup(org: Org) -> None:
    from tests.social_accounts.conftest import account_in

    at_planning(org)
    require(org, accounts_registered=1)
    initiative = bring_to(org, "in_review")
    account_in(org, "active", initiatives=[initiative], backup_owner=None)
    with pytest.raises(Conflict) as error:
        approve(org, initiative)
    assert "Instagram @acme has no backup owner" in str(error.value)
    other = bring_to(org, "in_review", title="Without accounts")
    assert approve(org, other).state == "approved"
