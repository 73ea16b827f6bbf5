"""Reads of the approval requirements by stage: the organization's stage, the
kinds in force at it, and the table the page and the API show."""

from dataclasses import dataclass
from typing import Any

from governance import access
from governance.registry import UserLike
from initiatives.preconditions import approval_requirements
from maturity.models import MaturityAssessment
from maturity.selectors import STAGE_NAMES
from readiness.models import StageRequirement


def organization_stage() -> int:
    """The stage of the organization's latest recorded assessment (0 before
    any): what the CoE lead recorded is what the requirements follow, so they
    change when an assessment is recorded, not as data moves."""
    stage = (
        MaturityAssessment.objects.filter(business_unit__isnull=True)
        .order_by("-at", "-id")
        .values_list("stage", flat=True)
        .first()
    )
    return stage or 0


def kinds_in_force() -> set[str]:
    """The keys of the requirement kinds in force at the organization's stage."""
    stage = organization_stage()
    if not stage:
        return set()
    return set(
        StageRequirement.objects.filter(from_stage__lte=stage).values_list("kind", flat=True)
    )


@dataclass(frozen=True)
class Row:
    key: str
    label: Any
    from_stage: int | None
    in_force: bool

    @property
    def from_stage_name(self) -> str:
        return str(STAGE_NAMES[self.from_stage]) if self.from_stage else ""


def requirement_rows() -> list[Row]:
    """Every registered kind, in its order, with the stage it applies from."""
    stage = organization_stage()
    stages = dict(StageRequirement.objects.values_list("kind", "from_stage"))
    return [
        Row(
            key=r.key,
            label=r.label,
            from_stage=stages.get(r.key),
            in_force=bool(stage and stages.get(r.key) and stages[r.key] <= stage),
        )
        for r in approval_requirements
    ]


def may_read_page(*, user: UserLike) -> bool:
    """The CoE and auditors read the requirements; the CoE lead sets them."""
    return access.VIEW_ALL_POLICIES in access.organization_rights(user)


def may_set(*, user: UserLike) -> bool:
    return access.SET_CONTROLS in access.organization_rights(user)
