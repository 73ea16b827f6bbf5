"""Deciding several initiatives at once, from the review queue and from what
awaits a sponsor's sign-off. The page calls the bulk service the API calls:
each item is decided or refused on its own, and the outcome page says which,
and why."""

from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from governance import access
from governance.models import OrganizationRole
from governance.requests import signed_in_user
from initiatives import selectors, services
from initiatives.forms import BulkDecisionForm
from initiatives.models import State
from initiatives.views import TRANSITION_LABELS, _with_waiting

# The most a page lists of each kind; the bulk service takes up to 200 ids.
LIST_SIZE = 100
COE_DECISIONS = ("start_review", "request_changes", "approve", "reject")
SPONSOR_DECISIONS = ("sponsor_approve", "sponsor_reject")
SESSION_KEY = "initiatives.bulk_outcome"

# What became of an item, by the outcome's status.
OUTCOME_LABELS = {
    200: gettext_lazy("Decided"),
    400: gettext_lazy("Refused: the input is not valid"),
    403: gettext_lazy("Refused: you may not decide it"),
    404: gettext_lazy("Not found"),
    409: gettext_lazy("Refused: its state does not allow it"),
    500: gettext_lazy("Failed: unexpected error"),
}


def _lists(request: HttpRequest) -> tuple[list[Any], list[Any]]:
    """The review queue (for the CoE) and what awaits the user's sign-off."""
    roles = access.organization_roles(request.user)
    coe = roles & {OrganizationRole.Role.COE_LEAD, OrganizationRole.Role.COE_MEMBER}
    queue = list(selectors.review_queue(user=request.user)[:LIST_SIZE]) if coe else []
    signoff = list(selectors.awaiting_sponsor(user=request.user)[:LIST_SIZE])
    return queue, signoff


def _decisions(request: HttpRequest, has_signoff: bool) -> list[tuple[str, Any]]:
    """The decisions the user may take on some item: the CoE's, a sponsor's
    (in their own right or as a delegate)."""
    roles = access.organization_roles(request.user)
    names: list[str] = []
    if roles & {OrganizationRole.Role.COE_LEAD, OrganizationRole.Role.COE_MEMBER}:
        names += COE_DECISIONS
    if (
        has_signoff
        or access.visible_unit_ids(request.user, access.SPONSOR)
        or access.delegated_unit_ids(request.user).exists()
    ):
        names += SPONSOR_DECISIONS
    return [(name, TRANSITION_LABELS[name]) for name in names]


@login_required
@require_http_methods(["GET", "POST"])
def bulk_decide(request: HttpRequest) -> HttpResponse:
    """The items awaiting the user's decision, to select, decide and comment on
    at once. 403 for a user who decides nothing; a form error (no item, no
    decision, a required comment missing) re-renders with 400 and the
    selection kept."""
    queue, signoff = _lists(request)
    decisions = _decisions(request, bool(signoff))
    if not decisions:
        raise PermissionDenied
    form = BulkDecisionForm(request.POST or None, decisions=decisions)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            outcomes = services.initiatives_bulk_transition(
                actor=signed_in_user(request),
                ids=data["ids"],
                name=data["transition"],
                comment=data["comment"],
            )
            request.session[SESSION_KEY] = {
                "transition": data["transition"],
                "comment": data["comment"],
                "outcomes": [asdict(outcome) for outcome in outcomes],
            }
            return HttpResponseRedirect(reverse("initiatives:bulk-outcome"))
        status = 400
    selected = set(form.cleaned_data.get("ids") or []) if form.is_bound else set()
    if form.is_bound and not selected:
        selected = {int(v) for v in request.POST.getlist("ids") if v.isdigit()}
    context = {
        "form": form,
        "queue": _with_waiting(queue),
        "signoff": _with_waiting(signoff),
        "selected": selected,
        "overdue_after": settings.COE_REVIEW_SLA_DAYS,
    }
    return render(request, "initiatives/bulk_decide.html", context, status=status)


@login_required
@require_GET
def bulk_outcome(request: HttpRequest) -> HttpResponse:
    """What became of each item of the user's latest bulk decision."""
    saved = request.session.get(SESSION_KEY)
    if not saved:
        return HttpResponseRedirect(reverse("initiatives:bulk"))
    ids = [row["id"] for row in saved["outcomes"]]
    titles = dict(
        selectors.visible_initiatives(user=request.user)
        .filter(pk__in=ids)
        .values_list("pk", "title")
    )
    states = dict(State.choices)
    rows = [
        {
            **row,
            "title": titles.get(row["id"]),
            "label": OUTCOME_LABELS.get(row["status"], OUTCOME_LABELS[500]),
            "state_label": states.get(row["state"], row["state"]) if row["state"] else None,
            # A not-found item's reason says no more than its label.
            "reason": row["reason"] if row["status"] not in (200, 404) else None,
        }
        for row in saved["outcomes"]
    ]
    decided = sum(1 for row in rows if row["ok"])
    context = {
        "rows": rows,
        "decided": decided,
        "refused": len(rows) - decided,
        "decision": TRANSITION_LABELS.get(saved["transition"], saved["transition"]),
        "comment": saved["comment"],
    }
    return render(request, "initiatives/bulk_outcome.html", context)
