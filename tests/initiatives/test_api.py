"""The initiative API contract: authentication, lists, creation, editing,
transitions, the decision log and every kind of bad input."""

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.models import AuditEvent
from initiatives.models import Initiative
from tests.conftest import Org, api_client, bring_to, propose


def valid_payload(org: Org, **overrides: Any) -> dict[str, Any]:
    return {
        "title": "Care on WhatsApp",
        "summary": "Answer customers where they are.",
        "business_unit": org.marketing.pk,
        "goals": [org.goal.pk],
        "audiences": ["customers", "community"],
        "functions": ["customer_care"],
        "channels": ["WhatsApp"],
        "budget": "12000.50",
        "risk": "medium",
        "kpis": "First response time",
        "start_date": "2027-01-01",
        "end_date": "2027-06-30",
    } | overrides


def test_token_login_returns_a_token_that_authenticates(org: Org) -> None:
    client = api_client(None)
    response = client.post(
        "/api/auth/token/", {"username": "marketing_lead", "password": "pw"}, format="json"
    )
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/initiatives/").status_code == 200


def test_token_login_with_a_wrong_password_is_refused(org: Org) -> None:
    response = api_client(None).post(
        "/api/auth/token/", {"username": "marketing_lead", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert "token" not in response.json()


@pytest.mark.parametrize(
    "path",
    [
        "/api/initiatives/",
        "/api/business-units/",
        "/api/goals/",
        "/api/initiatives/1/",
        "/api/initiatives/1/decisions/",
        "/api/initiatives/1/transitions/",
    ],
)
def test_every_endpoint_requires_credentials(org: Org, path: str) -> None:
    assert api_client(None).get(path).status_code == 401


def test_session_authentication_works(org: Org, client: Any) -> None:
    client.force_login(org.coe_lead)
    assert client.get("/api/initiatives/").status_code == 200


def test_an_inactive_users_token_is_refused(org: Org) -> None:
    caller = api_client(org.marketing_lead)
    org.marketing_lead.is_active = False
    org.marketing_lead.save()
    assert caller.get("/api/initiatives/").status_code == 401


def test_member_creates_a_draft_they_own(org: Org) -> None:
    response = api_client(org.marketing_member).post(
        "/api/initiatives/", valid_payload(org), format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "draft"
    assert body["owner"] == "marketing_member"
    assert body["goals"] == [org.goal.pk]
    assert body["budget"] == "12000.50"
    initiative = Initiative.objects.get(pk=body["id"])
    assert initiative.history.count() == 1
    assert list(initiative.history.first().goals.values_list("strategicgoal_id", flat=True)) == [
        org.goal.pk
    ]
    assert AuditEvent.objects.filter(
        event="initiative.created", object_id=str(initiative.pk)
    ).exists()


def test_someone_who_sees_the_unit_but_is_not_in_it_cannot_create(org: Org) -> None:
    for user in (org.sponsor, org.coe_lead, org.auditor):
        response = api_client(user).post("/api/initiatives/", valid_payload(org), format="json")
        assert response.status_code == 403
    assert not Initiative.objects.exists()


def test_list_filters_by_state_unit_and_title(org: Org) -> None:
    draft = bring_to(org, "draft", title="Alpha launch")
    submitted = bring_to(org, "submitted", title="Beta launch")
    sales = bring_to(org, "draft", unit="sales", title="Gamma")
    client = api_client(org.coe_lead)

    def ids(query: str) -> set[int]:
        response = client.get(f"/api/initiatives/?{query}")
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids("state=draft") == {draft.pk, sales.pk}
    assert ids(f"business_unit={org.sales.pk}") == {sales.pk}
    assert ids("search=LAUNCH") == {draft.pk, submitted.pk}
    assert ids("state=submitted&search=beta") == {submitted.pk}


def test_list_is_paginated_by_fifty(org: Org) -> None:
    for i in range(55):
        propose(org, title=f"Initiative {i}")
    body = api_client(org.auditor).get("/api/initiatives/").json()
    assert body["count"] == 55
    assert len(body["results"]) == 50
    assert body["next"] is not None
    assert body["previous"] is None
    second = api_client(org.auditor).get("/api/initiatives/?page=2").json()
    assert len(second["results"]) == 5


def test_an_invisible_initiative_is_404(org: Org) -> None:
    initiative = bring_to(org, "draft")
    for path in ("", "transitions/", "decisions/"):
        response = api_client(org.sales_lead).get(f"/api/initiatives/{initiative.pk}/{path}")
        assert response.status_code == 404


def test_transitions_lists_what_the_caller_may_take_now(org: Org) -> None:
    initiative = bring_to(org, "in_review", budget="90000")
    lead = api_client(org.coe_lead).get(f"/api/initiatives/{initiative.pk}/transitions/").json()
    assert {t["name"]: t["target"] for t in lead} == {
        "request_changes": "changes_requested",
        "approve": "awaiting_sponsor",
        "reject": "rejected",
    }
    member = api_client(org.coe_member).get(f"/api/initiatives/{initiative.pk}/transitions/")
    assert [t["name"] for t in member.json()] == ["request_changes"]
    owner = api_client(org.marketing_member).get(f"/api/initiatives/{initiative.pk}/transitions/")
    assert owner.json() == []


def test_transition_returns_the_updated_initiative(org: Org) -> None:
    initiative = bring_to(org, "submitted")
    response = api_client(org.coe_member).post(
        f"/api/initiatives/{initiative.pk}/transitions/start_review/", {}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["state"] == "in_review"
    assert response.json()["id"] == initiative.pk


def test_a_transition_from_the_wrong_state_is_409(org: Org) -> None:
    initiative = bring_to(org, "draft")
    response = api_client(org.coe_lead).post(
        f"/api/initiatives/{initiative.pk}/transitions/approve/", {}, format="json"
    )
    assert response.status_code == 409
    assert "draft" in response.json()["detail"]


def test_an_unknown_transition_is_404(org: Org) -> None:
    initiative = bring_to(org, "draft")
    response = api_client(org.coe_lead).post(
        f"/api/initiatives/{initiative.pk}/transitions/publish/", {}, format="json"
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("name", "state", "by"),
    [
        ("request_changes", "in_review", "coe_member"),
        ("reject", "in_review", "coe_lead"),
        ("sponsor_reject", "awaiting_sponsor", "sponsor"),
    ],
)
def test_a_missing_comment_is_400_naming_comment(org: Org, name: str, state: str, by: str) -> None:
    initiative = bring_to(org, state)
    response = api_client(org.people[by]).post(
        f"/api/initiatives/{initiative.pk}/transitions/{name}/", {"comment": "   "}, format="json"
    )
    assert response.status_code == 400
    assert "comment" in response.json()
    assert Initiative.objects.get(pk=initiative.pk).state == state


def test_submit_names_what_is_missing(org: Org) -> None:
    initiative = propose(org, summary="", goals=[], audiences=[])
    response = api_client(org.marketing_member).post(
        f"/api/initiatives/{initiative.pk}/transitions/submit/", {}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"summary", "goals", "audiences"}
    assert Initiative.objects.get(pk=initiative.pk).state == "draft"


def test_decision_log_oldest_first(org: Org) -> None:
    initiative = bring_to(org, "changes_requested")
    body = api_client(org.auditor).get(f"/api/initiatives/{initiative.pk}/decisions/").json()
    assert [(d["transition"], d["source"], d["target"], d["actor"]) for d in body["results"]] == [
        ("submit", "draft", "submitted", "marketing_member"),
        ("start_review", "submitted", "in_review", "coe_member"),
        ("request_changes", "in_review", "changes_requested", "coe_member"),
    ]
    assert body["results"][2]["comment"] == "noted"
    assert body["results"][0]["at"] <= body["results"][2]["at"]


def test_patch_edits_a_draft_and_records_history(org: Org) -> None:
    initiative = bring_to(org, "draft")
    response = api_client(org.marketing_lead).patch(
        f"/api/initiatives/{initiative.pk}/",
        {"budget": "2500", "channels": ["LinkedIn"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["budget"] == "2500.00"
    latest = initiative.history.first()
    assert latest.budget == 2500
    assert latest.history_user == org.marketing_lead
    assert "budget" in latest.history_change_reason
    event = AuditEvent.objects.filter(event="initiative.updated").get()
    assert event.old == {"budget": "1000.00", "channels": []}
    assert event.new == {"budget": "2500.00", "channels": ["LinkedIn"]}


@pytest.mark.parametrize("state", ["submitted", "in_review", "approved", "active"])
def test_patch_outside_draft_and_changes_requested_is_409(org: Org, state: str) -> None:
    initiative = bring_to(org, state)
    response = api_client(org.marketing_lead).patch(
        f"/api/initiatives/{initiative.pk}/", {"title": "Renamed"}, format="json"
    )
    assert response.status_code == 409
    assert Initiative.objects.get(pk=initiative.pk).title == "Spring campaign"


def test_patch_by_someone_outside_the_unit_is_403(org: Org) -> None:
    initiative = bring_to(org, "draft")
    response = api_client(org.coe_lead).patch(
        f"/api/initiatives/{initiative.pk}/", {"title": "Renamed"}, format="json"
    )
    assert response.status_code == 403


def test_put_and_delete_are_not_offered(org: Org) -> None:
    initiative = bring_to(org, "draft")
    client = api_client(org.marketing_lead)
    assert (
        client.put(
            f"/api/initiatives/{initiative.pk}/", valid_payload(org), format="json"
        ).status_code
        == 405
    )
    assert client.delete(f"/api/initiatives/{initiative.pk}/").status_code == 405


BAD_INPUTS: list[tuple[str, dict[str, Any]]] = [
    ("business_unit", {"business_unit": 999999}),
    ("goals", {"goals": [999999]}),
    ("goals", {"goals": "not a list"}),
    ("budget", {"budget": "-1"}),
    ("budget", {"budget": "lots"}),
    ("budget", {"budget": "NaN"}),
    ("budget", {"budget": "1000000000000.01"}),
    ("end_date", {"start_date": "2027-02-01", "end_date": "2027-01-31"}),
    ("start_date", {"start_date": "31/12/2027"}),
    ("audiences", {"audiences": ["aliens"]}),
    ("audiences", {"audiences": "customers"}),
    ("functions", {"functions": ["astrology"]}),
    ("risk", {"risk": "extreme"}),
    ("title", {"title": ""}),
    ("title", {"title": "   "}),
    ("title", {"title": "x" * 201}),
    ("channels", {"channels": ["x" * 61]}),
    ("state", {"state": "approved"}),
    ("owner", {"owner": "coe_lead"}),
]


@pytest.mark.parametrize(("field", "change"), BAD_INPUTS)
def test_bad_input_on_create_is_400_naming_the_field(
    org: Org, field: str, change: dict[str, Any]
) -> None:
    response = api_client(org.marketing_member).post(
        "/api/initiatives/", valid_payload(org) | change, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not Initiative.objects.exists()


def test_a_goal_that_is_no_longer_active_is_refused(org: Org) -> None:
    response = api_client(org.marketing_member).post(
        "/api/initiatives/", valid_payload(org, goals=[org.inactive_goal.pk]), format="json"
    )
    assert response.status_code == 400
    assert "goals" in response.json()


def test_a_unit_the_caller_cannot_see_is_400_as_if_unknown(org: Org) -> None:
    response = api_client(org.marketing_member).post(
        "/api/initiatives/", valid_payload(org, business_unit=org.sales.pk), format="json"
    )
    assert response.status_code == 400
    assert "business_unit" in response.json()


PATCH_BAD_INPUTS = [*BAD_INPUTS[1:], ("business_unit", {"business_unit": 1})]


@pytest.mark.parametrize(("field", "change"), PATCH_BAD_INPUTS)
def test_bad_input_on_patch_is_400_naming_the_field(
    org: Org, field: str, change: dict[str, Any]
) -> None:
    initiative = bring_to(org, "draft")
    history = initiative.history.count()
    response = api_client(org.marketing_member).patch(
        f"/api/initiatives/{initiative.pk}/", change, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert initiative.history.count() == history


def test_end_date_before_a_stored_start_date_is_refused_on_patch(org: Org) -> None:
    initiative = bring_to(org, "draft", start_date="2027-03-01")
    response = api_client(org.marketing_member).patch(
        f"/api/initiatives/{initiative.pk}/", {"end_date": "2027-02-01"}, format="json"
    )
    assert response.status_code == 400
    assert "end_date" in response.json()


@pytest.mark.parametrize("body", ["{bad json", "[1, 2", '"just a string"', "null"])
def test_malformed_json_is_400(org: Org, body: str) -> None:
    response = api_client(org.marketing_member).post(
        "/api/initiatives/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert not Initiative.objects.exists()


def test_malformed_json_on_a_transition_is_400(org: Org) -> None:
    initiative = bring_to(org, "in_review")
    response = api_client(org.coe_lead).post(
        f"/api/initiatives/{initiative.pk}/transitions/reject/",
        "{",
        content_type="application/json",
    )
    assert response.status_code == 400


def test_an_oversized_body_is_refused_without_a_500(org: Org) -> None:
    payload = json.dumps(valid_payload(org, summary="x" * 2_000_000))
    response = api_client(org.marketing_member).post(
        "/api/initiatives/", payload, content_type="application/json"
    )
    assert response.status_code in (400, 413)
    assert not Initiative.objects.exists()


def test_business_units_and_goals(org: Org) -> None:
    units = api_client(org.marketing_member).get("/api/business-units/").json()["results"]
    assert [u["name"] for u in units] == ["Marketing"]
    all_units = api_client(org.coe_member).get("/api/business-units/").json()["results"]
    assert [u["name"] for u in all_units] == ["Marketing", "Sales"]
    goals = api_client(org.outsider).get("/api/goals/?active=true").json()["results"]
    assert [g["title"] for g in goals] == ["Grow brand awareness"]


def test_schema_and_docs_are_served_without_a_cdn(org: Org, client: Any) -> None:
    client.force_login(org.auditor)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/initiatives/{id}/transitions/{name}/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    assert "https://" not in html


@pytest.mark.parametrize("count", [5, 200])
def test_list_runs_a_constant_number_of_queries(org: Org, count: int) -> None:
    from governance import services as org_services
    from governance.models import Membership

    # Many units, goals and grants besides the initiatives.
    for i in range(count // 5):
        unit = org_services.business_unit_create(actor=org.admin, name=f"Unit {i}", kind="other")
        org_services.membership_set(
            actor=org.admin,
            user=org.marketing_member,
            business_unit=unit,
            role=Membership.Role.MEMBER,
        )
        org_services.goal_create(actor=org.admin, title=f"Goal {i}")
    for i in range(count):
        propose(org, title=f"Initiative {i}")
    client = api_client(org.marketing_member)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/initiatives/")
    assert response.status_code == 200
    assert response.json()["count"] == count
    assert len(queries) <= 10, [q["sql"] for q in queries]


def test_list_query_count_does_not_grow(org: Org) -> None:
    def measure(n: int) -> int:
        for i in range(n):
            propose(org, title=f"Batch {n} {i}")
        client = api_client(org.marketing_member)
        client.get("/api/initiatives/")  # warm the token
        with CaptureQueriesContext(connection) as queries:
            client.get("/api/initiatives/")
        return len(queries)

    assert measure(5) == measure(200)


def test_bulk_decision_with_an_id_no_row_can_have_is_400(org: Org) -> None:
    answer = api_client(org.coe_lead).post(
        "/api/initiatives/bulk-transition/",
        {"transition": "approve", "ids": [2**64]},
        format="json",
    )
    assert answer.status_code == 400
    assert "ids" in answer.json()


def test_filter_by_an_id_no_row_can_have_is_400(org: Org) -> None:
    answer = api_client(org.coe_lead).get(f"/api/initiatives/?business_unit={2**64}")
    assert answer.status_code == 400
    assert "business_unit" in answer.json()
