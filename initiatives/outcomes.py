"""What a page says once a transition is done: where the initiative or the
amendment went, taken from the state it is now in, so that the message and the
state badge never disagree ("Approved by the CoE; now awaits the sponsor."
while the badge says "Awaiting sponsor")."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from initiatives.models import Amendment, AmendmentState, Initiative, State

# Every state a transition can lead to; a draft is only ever created.
INITIATIVE_OUTCOMES: dict[str, Promise] = {
    State.SUBMITTED: _("Submitted; now awaits review by the CoE."),
    State.IN_REVIEW: _("Review started; the CoE is now reviewing it."),
    State.CHANGES_REQUESTED: _("Changes requested; now back with the unit to edit and resubmit."),
    State.AWAITING_SPONSOR: _("Approved by the CoE; now awaits the sponsor."),
    State.AWAITING_APPROVAL: _("Approved for this step; now awaits the next step of its chain."),
    State.APPROVED: _("Approved; now ready to launch."),
    State.REJECTED: _("Rejected; the initiative is closed."),
    State.ACTIVE: _("Now active."),
    State.PAUSED: _("Paused; it stays paused until resumed."),
    State.COMPLETED: _("Completed; the initiative is closed."),
    State.WITHDRAWN: _("Withdrawn; the initiative is closed."),
}
AMENDMENT_OUTCOMES: dict[str, Promise] = {
    AmendmentState.SUBMITTED: _("Amendment submitted; now awaits review by the CoE."),
    AmendmentState.IN_REVIEW: _("Review of the amendment started; the CoE is now reviewing it."),
    AmendmentState.AWAITING_SPONSOR: _("Amendment approved by the CoE; now awaits the sponsor."),
    AmendmentState.AWAITING_APPROVAL: _(
        "Amendment approved for this step; now awaits the next step of its chain."
    ),
    AmendmentState.APPROVED: _("Amendment approved; the initiative now reads as amended."),
    AmendmentState.REJECTED: _("Amendment rejected; the initiative stays as approved."),
    AmendmentState.WITHDRAWN: _("Amendment withdrawn; the initiative stays as approved."),
}
assert set(INITIATIVE_OUTCOMES) == set(State.values) - {State.DRAFT}
assert set(AMENDMENT_OUTCOMES) == set(AmendmentState.values)


def outcome(obj: Initiative | Amendment) -> str:
    """The message for `obj` after a transition, in the active language."""
    table = AMENDMENT_OUTCOMES if isinstance(obj, Amendment) else INITIATIVE_OUTCOMES
    return str(table[obj.state])
