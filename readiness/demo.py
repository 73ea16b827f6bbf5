"""The demo's approval requirements (`seed_demo`). Once every app has added
its data, the CoE lead records the organization's assessment again (its
answers kept), which puts the demo organization at Engagement: there
approving already needs a trained owner (so the checklist shows on
initiatives under review), and from Formalized on also an active sponsor and
registered accounts with a backup owner (listed on the requirements page,
not yet in force)."""

from collections.abc import Callable

from django.contrib.auth.models import User

from maturity import services as maturity
from maturity.models import MaturityStage
from readiness import services
from readiness.models import StageRequirement

STAGES: dict[str, int | None] = {
    "active_sponsor": MaturityStage.FORMALIZED,
    "owner_trained": MaturityStage.ENGAGEMENT,
    "accounts_registered": MaturityStage.FORMALIZED,
}


def seed_readiness(user: Callable[[str], User]) -> None:
    """Set the demo's requirements once; what the CoE lead changed is kept."""
    if StageRequirement.objects.exists():
        return
    coe_lead = user("coe_lead")
    maturity.maturity_assessment_record(actor=coe_lead, business_unit=None, answers={})
    services.stage_requirements_set(actor=coe_lead, stages=STAGES)
