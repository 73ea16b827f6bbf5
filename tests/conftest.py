"""Fixed personas of a small organization, built through the services.

Marketing is sponsored by `sponsor` (threshold 50,000); Sales has its own lead
and no member of ours; `outsider` belongs nowhere."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import connection
from django.db.backends.base.operations import BaseDatabaseOperations
from django.test import Client
from rest_framework.test import APIClient

from governance import audit_guard
from governance import services as org_services
from governance.models import BusinessUnit, Membership, OrganizationRole, StrategicGoal
from identity.models import ApiToken
from initiatives import services as workflow
from initiatives.models import Initiative
from sponsors import services as sponsors

# The browser fixtures (`browser`, `people`) for every test module.
pytest_plugins = ["tests.browser", "tests.smtp"]

PERSONAS = (
    "coe_lead",
    "coe_member",
    "auditor",
    "sponsor",
    "marketing_lead",
    "marketing_member",
    "sales_sponsor",
    "sales_lead",
    "sales_member",
    "outsider",
)

# Each persona's part relative to an initiative of the unit named first.
CASTS: dict[str, dict[str, str]] = {
    "marketing": {
        "coe_lead": "coe_lead",
        "coe_member": "coe_member",
        "auditor": "auditor",
        "unit_sponsor": "sponsor",
        "unit_lead": "marketing_lead",
        "unit_member": "marketing_member",
        "other_sponsor": "sales_sponsor",
        "other_lead": "sales_lead",
        "outsider": "outsider",
    },
    "sales": {
        "coe_lead": "coe_lead",
        "coe_member": "coe_member",
        "auditor": "auditor",
        "unit_sponsor": "sales_sponsor",
        "unit_lead": "sales_lead",
        "unit_member": "sales_member",
        "other_sponsor": "sponsor",
        "other_lead": "marketing_lead",
        "outsider": "outsider",
    },
}


@dataclass
class Org:
    admin: AbstractBaseUser
    marketing: BusinessUnit
    sales: BusinessUnit
    goal: StrategicGoal
    inactive_goal: StrategicGoal
    people: dict[str, AbstractBaseUser]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.people[name]
        except KeyError:
            raise AttributeError(name) from None


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # No checkpoint file unless a test asks for one (tmp_path).
    settings.AUDIT_CHECKPOINT_FILE = ""


@pytest.fixture(autouse=True)
def _attachments_in_tmp(settings: Any, tmp_path: Path) -> None:
    """Attached files go to the test's own directory, not the project's media/."""
    settings.STORAGES = settings.STORAGES | {
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": None},
        }
    }


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    """DRF throttles and allauth's rate limits count in the cache: start each test afresh."""
    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _flush_past_the_audit_guard() -> Iterator[None]:
    """Transactional and live-server tests end with Django's flush, which
    TRUNCATEs (PostgreSQL) or DELETEs (SQLite) every table, and the audit
    tables refuse both. Lift the guard around the flush only, as the owner;
    tests/governance/test_audit_guard.py shows it refuses otherwise."""
    operations = type(connection.ops)
    flush = operations.execute_sql_flush

    def guarded_flush(self: BaseDatabaseOperations, sql_list: list[str]) -> None:
        with audit_guard.suspended(self.connection):
            flush(self, sql_list)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(operations, "execute_sql_flush", guarded_flush)
        yield


def make_user(username: str, **extra: Any) -> AbstractBaseUser:
    user = get_user_model().objects.create_user(username=username, password="pw", **extra)
    return user


def build_org() -> Org:
    admin = make_user("admin", is_staff=True, is_superuser=True)
    people = {name: make_user(name) for name in PERSONAS}
    marketing = org_services.business_unit_create(
        actor=admin, name="Marketing", kind=BusinessUnit.Kind.MARKETING
    )
    sales = org_services.business_unit_create(
        actor=admin, name="Sales", kind=BusinessUnit.Kind.SALES
    )
    goal = org_services.goal_create(actor=admin, title="Grow brand awareness")
    inactive_goal = org_services.goal_create(actor=admin, title="Retired goal", active=False)
    org_services.organization_role_grant(
        actor=admin, user=people["coe_lead"], role=OrganizationRole.Role.COE_LEAD
    )
    org_services.organization_role_grant(
        actor=admin, user=people["coe_member"], role=OrganizationRole.Role.COE_MEMBER
    )
    org_services.organization_role_grant(
        actor=admin, user=people["auditor"], role=OrganizationRole.Role.AUDITOR
    )
    org_services.membership_set(
        actor=admin,
        user=people["marketing_lead"],
        business_unit=marketing,
        role=Membership.Role.LEAD,
    )
    org_services.membership_set(
        actor=admin,
        user=people["marketing_member"],
        business_unit=marketing,
        role=Membership.Role.MEMBER,
    )
    org_services.membership_set(
        actor=admin, user=people["sales_lead"], business_unit=sales, role=Membership.Role.LEAD
    )
    org_services.membership_set(
        actor=admin,
        user=people["sales_member"],
        business_unit=sales,
        role=Membership.Role.MEMBER,
    )
    sponsor = sponsors.sponsor_set(
        actor=admin, user=people["sponsor"], approval_threshold=Decimal(50000)
    )
    sponsors.sponsorship_add(actor=admin, sponsor=sponsor, business_unit=marketing)
    sales_sponsor = sponsors.sponsor_set(
        actor=admin, user=people["sales_sponsor"], approval_threshold=Decimal(20000)
    )
    sponsors.sponsorship_add(actor=admin, sponsor=sales_sponsor, business_unit=sales)
    return Org(admin, marketing, sales, goal, inactive_goal, people)


@pytest.fixture
def org(db: None) -> Org:
    return build_org()


def propose(
    o: Org, *, by: str = "marketing_member", unit: BusinessUnit | None = None, **fields: Any
) -> Initiative:
    """A complete draft, ready to submit."""
    values: dict[str, Any] = {
        "title": "Spring campaign",
        "summary": "Reach new customers.",
        "goals": [o.goal],
        "audiences": ["customers"],
        "budget": Decimal(1000),
        "risk": "low",
    } | fields
    initiative = workflow.initiative_create(
        actor=o.people[by], business_unit=unit or o.marketing, **values
    )
    add_kpis(initiative, o.people[by])
    return initiative


def add_kpis(initiative: Initiative, actor: AbstractBaseUser) -> None:
    """One KPI for each goal the initiative serves, as submitting needs."""
    from impact import services as impact

    for goal in initiative.goals.all():
        impact.kpi_create(
            actor=actor,  # type: ignore[arg-type]
            initiative=initiative,
            goal_id=goal.pk,
            name=f"Reach for {goal.title}",
            unit="people",
            baseline=Decimal(1000),
            target=Decimal(5000),
            due_on=datetime.date(2030, 12, 31),
        )


def accept_outcome_review(o: Org, initiative: Initiative, cast: dict[str, str]) -> None:
    """The unit's lead submits the outcome review (each KPI met), the CoE lead
    accepts it: what completing needs."""
    from impact import services as impact

    impact.outcome_review_submit(
        actor=o.people[cast["unit_lead"]],  # type: ignore[arg-type]
        initiative=initiative,
        results={
            pk: "met"
            for pk in initiative.kpi_set.filter(retired_at=None).values_list("pk", flat=True)
        },
        lessons="Short videos worked best.",
    )
    impact.outcome_review_decide(
        actor=o.people[cast["coe_lead"]],  # type: ignore[arg-type]
        review=initiative.outcome_review,
        name="accept",
    )


_REVIEWED = [("submit", "unit_member"), ("start_review", "coe_member")]
_APPROVED = [*_REVIEWED, ("approve", "coe_lead")]
_ACTIVE = [*_APPROVED, ("launch", "unit_lead")]

# The path that brings a new draft to each state, with the part that takes each step.
PATHS: dict[str, list[tuple[str, str]]] = {
    "draft": [],
    "submitted": [("submit", "unit_member")],
    "in_review": _REVIEWED,
    "changes_requested": [*_REVIEWED, ("request_changes", "coe_member")],
    "approved": _APPROVED,
    "awaiting_sponsor": _APPROVED,
    "rejected": [*_REVIEWED, ("reject", "coe_lead")],
    "active": _ACTIVE,
    "paused": [*_ACTIVE, ("pause", "unit_lead")],
    "completed": [*_ACTIVE, ("complete", "unit_lead")],
    "withdrawn": [("withdraw", "unit_member")],
}
STATES = tuple(PATHS)


def acknowledge_policies(user: AbstractBaseUser, unit: BusinessUnit) -> None:
    """The user acknowledges the version in force of every policy that applies
    to the unit, as a submitter must first."""
    from policies import selectors as policy_selectors
    from policies import services as policy_services

    units = BusinessUnit.objects.filter(pk=unit.pk)
    for policy in policy_selectors.unacknowledged_in_force(user=user, units=units):
        policy_services.policy_acknowledge(actor=user, policy=policy)


def bring_to(
    o: Org, state: str, *, unit: str = "marketing", outcome_accepted: bool = False, **fields: Any
) -> Initiative:
    """A new initiative of `unit`, owned by its member, in `state`. Reaching
    `awaiting_sponsor` goes through the CoE approval of a high-risk initiative;
    `outcome_accepted` gives a running one the accepted outcome review that
    completing needs."""
    cast = CASTS[unit]
    if state == "awaiting_sponsor":
        fields.setdefault("risk", "high")
    initiative = propose(o, by=cast["unit_member"], unit=getattr(o, unit), **fields)
    for name, part in PATHS[state]:
        if name == "submit":
            acknowledge_policies(o.people[cast[part]], getattr(o, unit))
        if name == "complete":
            accept_outcome_review(o, initiative, cast)
        initiative = workflow.initiative_transition(
            actor=o.people[cast[part]], initiative=initiative, name=name, comment="noted"
        )
    assert initiative.state == state
    if outcome_accepted:
        accept_outcome_review(o, initiative, cast)
    return initiative


def signed_in(user: AbstractBaseUser) -> Client:
    """A page client with the user's session, as after signing in."""
    client = Client()
    client.force_login(user)
    return client


def api_token(user: AbstractBaseUser) -> str:
    """A new API token of the user (the plain token, as the sign-in returns it)."""
    _instance, token = ApiToken.objects.create(user=user, name="tests")
    return token


def api_client(user: AbstractBaseUser | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


@pytest.fixture
def api() -> Any:
    return api_client


def on_postgres() -> bool:
    return connection.vendor == "postgresql"
