"""The demo organization and the README's walk-through, through the API."""

from collections import Counter
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from governance.models import AuditEvent, BusinessUnit
from initiatives.models import Amendment, Decision, Initiative
from sponsors.models import Delegation
from tests.conftest import api_client
from tests.smtp import Sink


def token_client(username: str) -> object:
    client = api_client(None)
    response = client.post(
        "/api/auth/token/", {"username": username, "password": "demo"}, format="json"
    )
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


@pytest.fixture
def development(settings: Any) -> None:
    # The demo is seeded in development (DEBUG on) only, unless forced.
    settings.DEBUG = True


@pytest.mark.usefixtures("development")
def test_seed_demo_is_idempotent_and_spreads_initiatives_over_the_states(db: None) -> None:
    call_command("seed_demo", verbosity=0)
    counts = (Initiative.objects.count(), Decision.objects.count(), AuditEvent.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (
        Initiative.objects.count(),
        Decision.objects.count(),
        AuditEvent.objects.count(),
    ) == counts

    # Fifteen that walk the workflow, a duplicate proposal for the search's
    # hint, one before the steering committee, Human Resources' completed pilot
    # (its visible business impact) and two proposals whose review was merged.
    assert Initiative.objects.count() == 19
    states = Counter(Initiative.objects.values_list("state", flat=True))
    assert set(states) == {
        "draft",
        "submitted",
        "in_review",
        "changes_requested",
        "awaiting_sponsor",
        "awaiting_approval",
        "approved",
        "rejected",
        "active",
        "paused",
        "completed",
        "withdrawn",
    }
    assert sorted(BusinessUnit.objects.values_list("name", flat=True)) == [
        "Communications",
        "Customer Care",
        "Human Resources",
        "Marketing",
        "Product Development",
        "Sales",
    ]
    assert (
        Delegation.objects.filter(
            sponsor__user__username="cmo", delegate__username="comms_lead"
        ).count()
        == 1
    )
    assert Amendment.objects.filter(state="submitted").count() == 1
    usernames = set(get_user_model().objects.values_list("username", flat=True))
    assert {
        "coe_lead",
        "coe_analyst",
        "cmo",
        "coo",
        "chro",
        "marketing_lead",
        "comms_lead",
        "care_lead",
        "hr_lead",
        "sales_lead",
        "product_lead",
        "auditor",
    } <= usernames


@pytest.mark.usefixtures("development")
def test_the_readme_walk_through_reaches_active(db: None) -> None:
    call_command("seed_demo", verbosity=0)
    lead = token_client("marketing_lead")
    marketing = next(
        u["id"]
        for u in lead.get("/api/business-units/").json()["results"]
        if u["name"] == "Marketing"
    )
    goal = lead.get("/api/goals/").json()["results"][0]["id"]
    created = lead.post(
        "/api/initiatives/",
        {
            "title": "Summer creator series",
            "summary": "Short videos with creators.",
            "business_unit": marketing,
            "goals": [goal],
            "audiences": ["customers"],
            "channels": ["Instagram"],
            "budget": "60000",
            "risk": "medium",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    # Submitting needs a KPI for each goal the initiative serves.
    kpi = lead.post(
        f"/api/impact/initiatives/{pk}/kpis/",
        {
            "goal": goal,
            "name": "Video views",
            "unit": "views",
            "baseline": "0",
            "target": "500000",
            "due_on": "2030-09-30",
        },
        format="json",
    )
    assert kpi.status_code == 201, kpi.content

    # Submitting first needs the policies in force for Marketing acknowledged:
    # the refusal lists them, and the lead acknowledges each.
    refused = lead.post(f"/api/initiatives/{pk}/transitions/submit/", {}, format="json")
    assert refused.status_code == 409
    due = refused.json()["policies_to_acknowledge"]
    assert due
    assert all(set(item) == {"policy", "title", "version"} for item in due)
    for item in due:
        acknowledged = lead.post(f"/api/policies/{item['policy']}/acknowledge/")
        assert acknowledged.json()["version"] == item["version"]

    steps = [
        ("marketing_lead", "submit", "submitted"),
        ("coe_analyst", "start_review", "in_review"),
        ("coe_lead", "approve", "awaiting_sponsor"),
        ("cmo", "sponsor_approve", "awaiting_approval"),
        ("finance", "finance_approve", "approved"),
        ("marketing_lead", "launch", "active"),
    ]
    for username, name, state in steps:
        response = token_client(username).post(
            f"/api/initiatives/{pk}/transitions/{name}/", {"comment": "ok"}, format="json"
        )
        assert response.status_code == 200, (name, response.content)
        assert response.json()["state"] == state

    log = lead.get(f"/api/initiatives/{pk}/decisions/").json()["results"]
    assert [d["actor"] for d in log] == [s[0] for s in steps]


@pytest.mark.usefixtures("development")
def test_every_demo_account_has_an_address_at_example_org(
    db: None, smtp: Sink, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", verbosity=0)
    # Its made-up history mails nobody.
    assert smtp.received() == []
    emails = get_user_model().objects.values_list("username", "email")
    assert emails
    assert all(email == f"{name}@example.org" for name, email in emails)


def test_seed_demo_refuses_to_run_with_debug_off(db: None) -> None:
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", verbosity=0)
    assert not get_user_model().objects.exists()


def test_forced_seed_with_debug_off_gives_no_account_a_known_password(db: None) -> None:
    call_command("seed_demo", "--force", verbosity=0)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser
    assert not admin.has_usable_password()
    assert not any(user.check_password("demo") for user in get_user_model().objects.all())
