"""The demo's approval requirements (`seed_demo`). The demo organization is
at Engagement: there approving already needs a trained owner (so the
checklist shows on initiatives under review), and from Formalized on also
an active sponsor (listed on the requirements page, not yet in force)."""

from collections.abc import Callable

from django.contrib.auth.models import User

from maturity.models import MaturityStage
from readiness import services
from readiness.models import StageRequirement

STAGES: dict[str, int | None] = {
    "active_sponsor": MaturityStage.FORMALIZED,
    "owner_trained": MaturityStage.ENGAGEMENT,
}


def seed_readiness(user: Callable[[str], User]) -> None:
    """Set the demo's requirements once; what the CoE lead changed is kept."""
    if StageRequirement.objects.exists():
        return
    services.stage_requirements_set(actor=user("coe_lead"), stages=STAGES)
