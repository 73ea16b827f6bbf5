"""What a submitter must have done before submitting an initiative or
proposing an amendment, registered by the apps above (policies: acknowledge
the policies in force for the unit). A precondition is checked inside the
submission's transaction, at decision time; an unmet one refuses it with 409
(governance.errors.Conflict, carrying what to do), and the page shows it, with
the statement the submitter makes, before the submit button.

The same goes for approval: requirements that approving needs (below)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from django.contrib.auth.models import User
from django.utils.translation import gettext

from governance.errors import Conflict
from governance.registry import Registry

if TYPE_CHECKING:
    from initiatives.models import Initiative


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


# What approving an initiative requires. Apps above register the kinds of
# requirement (sponsors: the unit has an active sponsor; training: the owner
# completed the training the initiative needs); an app above them says which
# kinds are in force now (readiness: those the CoE lead set for the
# organization's maturity stage). With none in force, approval needs nothing
# more than the workflow's own rules.

# The transitions that approve: the CoE's decision and the sponsor's sign-off.
APPROVING_TRANSITIONS = frozenset({"approve", "sponsor_approve"})


@dataclass(frozen=True)
class Requirement:
    """One kind of approval requirement: `check(initiative=)` answers None when
    the initiative meets it, or why not (an Unmet whose message says what is
    missing)."""

    key: str
    label: Any
    check: Callable[..., Unmet | None]


approval_requirements: Registry[Requirement] = Registry()


class InForce(Protocol):
    """The keys of the requirement kinds in force now."""

    def __call__(self) -> Iterable[str]: ...


requirements_in_force: Registry[InForce] = Registry()


@dataclass(frozen=True)
class Check:
    """One requirement in force and whether the initiative meets it."""

    key: str
    label: Any
    unmet: Unmet | None

    @property
    def met(self) -> bool:
        return self.unmet is None


def kinds_in_force() -> set[str]:
    keys: set[str] = set()
    for source in requirements_in_force:
        keys |= set(source())
    return keys


def approval_checklist(*, initiative: "Initiative") -> list[Check]:
    """Every requirement in force, in the kinds' order, met or not."""
    keys = kinds_in_force()
    return [
        Check(r.key, r.label, r.check(initiative=initiative))
        for r in approval_requirements
        if r.key in keys
    ]


def require_approvable(*, initiative: "Initiative") -> None:
    """Raise Conflict naming every requirement in force the initiative misses;
    its data lists them (`missing_requirements`: key, label, detail)."""
    missing = [check for check in approval_checklist(initiative=initiative) if not check.met]
    if not missing:
        return
    raise Conflict(
        gettext("Approval needs first: %(missing)s")
        % {"missing": " ".join(str(check.unmet.message) for check in missing if check.unmet)},
        data={
            "missing_requirements": [
                {
                    "key": check.key,
                    "label": str(check.label),
                    "detail": str(check.unmet.message) if check.unmet else "",
                }
                for check in missing
            ]
        },
    )
