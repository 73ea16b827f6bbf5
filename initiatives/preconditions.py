"""What a submitter must have done before submitting an initiative or
proposing an amendment, registered by the apps above (policies: acknowledge
the policies in force for the unit). A precondition is checked inside the
submission's transaction, at decision time; an unmet one refuses it with 409
(governance.errors.Conflict, carrying what to do), and the page shows it, with
the statement the submitter makes, before the submit button."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User

from governance.errors import Conflict
from governance.registry import Registry


@dataclass(frozen=True)
class Unmet:
    """Why a submission must wait: a message, the data the API answer carries
    (JSON values, by name), and what the page's partial shows."""

    message: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Precondition:
    """`check(user=, unit_id=)` answers None when the user may submit in the
    unit; `note(user=, unit_id=)` is the page's context for `template`, shown
    before the submit button (the statement, what is left to do)."""

    check: Callable[..., Unmet | None]
    template: str
    note: Callable[..., dict[str, Any]]


submission_preconditions: Registry[Precondition] = Registry()


def require_met(*, user: User, unit_id: int) -> None:
    """Raise Conflict, with its data, for the first unmet precondition."""
    for precondition in submission_preconditions:
        unmet = precondition.check(user=user, unit_id=unit_id)
        if unmet is not None:
            raise Conflict(unmet.message, data=unmet.data)


def notes(*, user: User, unit_id: int) -> list[dict[str, Any]]:
    """What the page shows before the submit button, one entry per precondition."""
    return [
        {"template": p.template, "context": p.note(user=user, unit_id=unit_id)}
        for p in submission_preconditions
    ]


# What must hold of the initiative itself before a transition: apps above
# register a check, `check(user=, initiative=)`, answering None when the
# transition may go ahead (impact: a KPI for each linked goal before
# submitting, an accepted outcome review before completing). An unmet one
# refuses the transition with 409 and what is missing.
InitiativeCheck = Callable[..., Unmet | None]
submission_checks: Registry[InitiativeCheck] = Registry()
completion_checks: Registry[InitiativeCheck] = Registry()

# The checks of each transition that has any, by transition name.
TRANSITION_CHECKS: dict[str, Registry[InitiativeCheck]] = {
    "submit": submission_checks,
    "complete": completion_checks,
}


def require_initiative_met(*, name: str, user: User, initiative: Any) -> None:
    """Raise Conflict, with its data, for the first unmet check of transition `name`."""
    for check in TRANSITION_CHECKS.get(name, ()):
        unmet = check(user=user, initiative=initiative)
        if unmet is not None:
            raise Conflict(unmet.message, data=unmet.data)
