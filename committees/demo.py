"""The demo's routing and committees (`seed_demo`): a finance approver, a
steering committee of the three sponsors, a second version of the routing
rules with the cost tiers, and one initiative whose committee vote is in
progress (one member voted, the one of the owning unit recused); and a working
group from three units that owns a policy and an initiative, which its members
from the other units see through it."""

from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth.models import User

from committees import services
from committees.models import Case, Committee, OwnedInitiative, OwnedPolicy
from governance import services as org
from governance.models import BusinessUnit, OrganizationRole, StrategicGoal
from impact.demo import kpis_before_submit
from initiatives import routing
from initiatives import services as workflow
from initiatives.models import Initiative
from policies.models import Policy

COMMITTEE = "Social steering committee"
TITLE = "Care community forum"
WORKING_GROUP = "Employee advocacy working group"


def seed_committees(user: Callable[[str], User]) -> None:
    """Once each: everything above, after the demo's initiatives (which keep
    the chain of version 1)."""
    if not Committee.objects.filter(name=COMMITTEE).exists():
        _seed_steering_committee(user)
    if not Committee.objects.filter(name=WORKING_GROUP).exists():
        _seed_working_group(user)


def _seed_working_group(user: Callable[[str], User]) -> None:
    """HR, Communications and Product Development people own the employee
    advocacy policy (for HR, Sales and Marketing) and HR's employer brand
    initiative: the Communications and Product leads see both through it."""
    coe_lead = user("coe_lead")
    unit = {u.name: u for u in BusinessUnit.objects.all()}
    group = services.committee_create(
        actor=coe_lead,
        name=WORKING_GROUP,
        kind=Committee.Kind.WORKING_GROUP,
        chair=user("hr_lead"),
        quorum=2,
        members=[
            (user("hr_lead"), unit["Human Resources"]),
            (user("comms_lead"), unit["Communications"]),
        ],
    )
    services.committee_member_add(
        actor=coe_lead,
        committee=group,
        user=user("product_lead"),
        business_unit=unit["Product Development"],
    )
    for obj in (
        Policy.objects.get(title="Employee advocacy"),
        Initiative.objects.get(title="Employer brand stories"),
    ):
        services.ownership_assign(actor=coe_lead, committee=group, obj=obj)
    assert OwnedPolicy.objects.filter(committee=group).exists()
    assert OwnedInitiative.objects.filter(committee=group).exists()


def _seed_steering_committee(user: Callable[[str], User]) -> None:
    admin, coe_lead = user("admin"), user("coe_lead")
    org.organization_role_grant(
        actor=admin, user=user("finance"), role=OrganizationRole.Role.FINANCE
    )
    unit = {u.name: u for u in BusinessUnit.objects.all()}
    committee = services.committee_create(
        actor=coe_lead,
        name=COMMITTEE,
        chair=user("cmo"),
        quorum=2,
        members=[
            (user("cmo"), unit["Marketing"]),
            (user("coo"), unit["Customer Care"]),
            (user("chro"), unit["Human Resources"]),
        ],
    )
    step = routing.committee_step(committee.pk)
    workflow.routing_rules_publish(
        actor=coe_lead,
        note=(
            "Cost tiers: finance from 50,000; the steering committee above 250,000 or at high risk."
        ),
        rules=[
            {"name": "High risk", "risks": ["high"], "steps": ["sponsor", step]},
            {"name": "Above 250,000", "min_budget": 250000, "steps": ["sponsor", step]},
            {
                "name": "50,000 to 250,000",
                "min_budget": 50000,
                "max_budget": 250000,
                "steps": ["sponsor", "finance"],
            },
            {
                "name": "Above the sponsor's threshold",
                "above_sponsor_threshold": True,
                "steps": ["sponsor"],
            },
        ],
    )
    care = user("care_lead")
    initiative = workflow.initiative_create(
        actor=care,
        business_unit=unit["Customer Care"],
        title=TITLE,
        summary="A moderated forum where customers help each other, run with the care team.",
        goals=StrategicGoal.objects.filter(title="Resolve customer issues faster"),
        audiences=["customers", "community"],
        functions=["customer_care"],
        channels=["Community forum"],
        budget=Decimal(320000),
        risk="medium",
        kpis="Questions answered by peers, deflected tickets",
    )
    kpis_before_submit(initiative, care)
    for name, actor in (
        ("submit", care),
        ("start_review", user("coe_analyst")),
        ("approve", coe_lead),
        ("sponsor_approve", user("coo")),
    ):
        initiative = workflow.initiative_transition(actor=actor, initiative=initiative, name=name)
    case = Case.objects.get(initiative=initiative, committee=committee)
    services.vote_cast(
        actor=user("cmo"),
        case=case,
        choice="approve",
        comment="Worth it if the forum is moderated from day one.",
    )
    assert Initiative.objects.get(pk=initiative.pk).state == "awaiting_approval"
