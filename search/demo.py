"""The demo's merged duplicates (`seed_demo`): Human Resources proposed the
same employee advocacy programme twice; the CoE linked the two and kept the
first, so the first lists the second as merged into it and the second reads
as closed, its review going on in the first."""

from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth.models import User

from governance.models import BusinessUnit, Membership, StrategicGoal
from impact import demo as impact_demo
from initiatives import services as workflow
from initiatives.models import Initiative
from search import services

UNIT = "Human Resources"
KEPT = "Employee advocacy on LinkedIn"
CLOSED = "LinkedIn employee advocacy pilot"


def _in_review(
    *, title: str, unit: BusinessUnit, lead: User, user: Callable[[str], User]
) -> Initiative:
    goal = StrategicGoal.objects.filter(active=True).order_by("pk").first()
    initiative = workflow.initiative_create(
        actor=lead,
        business_unit=unit,
        title=title,
        summary="Employees share the company's job offers and stories on LinkedIn.",
        goals=[goal] if goal else [],
        audiences=["employees", "community"],
        functions=["hr"],
        channels=["LinkedIn"],
        budget=Decimal(8000),
        risk="low",
        kpis="Shares per employee, applications from shared posts",
    )
    impact_demo.kpis_before_submit(initiative, lead)
    initiative = workflow.initiative_transition(actor=lead, initiative=initiative, name="submit")
    return workflow.initiative_transition(
        actor=user("coe_analyst"), initiative=initiative, name="start_review"
    )


def seed_duplicates(user: Callable[[str], User]) -> None:
    """Once: the two proposals, linked and merged by the CoE."""
    if Initiative.objects.filter(title__in=[KEPT, CLOSED]).exists():
        return
    unit = BusinessUnit.objects.filter(name=UNIT).first()
    membership = (
        Membership.objects.filter(business_unit=unit, role=Membership.Role.LEAD)
        .select_related("user")
        .first()
    )
    if unit is None or membership is None:
        return
    kept = _in_review(title=KEPT, unit=unit, lead=membership.user, user=user)
    closed = _in_review(title=CLOSED, unit=unit, lead=membership.user, user=user)
    services.duplicate_link(
        actor=user("coe_analyst"),
        duplicate=closed,
        original=kept,
        comment="Both propose the same advocacy programme.",
    )
    services.duplicate_merge(
        actor=user("coe_lead"),
        duplicate=closed,
        keep=kept,
        comment="One review for one programme.",
    )
