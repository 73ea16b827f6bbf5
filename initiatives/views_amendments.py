"""The amendment pages: a unit lead proposes changes to an approved, active or
paused initiative, and the CoE (and a sponsor above the threshold) decides
them from the initiative's page. Every write goes through
initiatives.services, the functions the API calls."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from governance import access, transitions
from governance.errors import Conflict
from governance.requests import signed_in_user
from initiatives import amendment_parts, outcomes, preconditions, selectors, services
from initiatives.forms import CONFIRM_TRANSITIONS, AmendmentForm, TransitionForm
from initiatives.models import AMENDABLE_STATES, State
from initiatives.views import TRANSITION_LABELS, _problem_text, _visible_or_404

# Amendments go through the initiative's states, under the same names and labels.
STATE_LABELS = dict(State.choices)


# What the page says once a decision on an amendment is taken.
@login_required
@require_http_methods(["GET", "POST"])
def amendment_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose an amendment. 404 for what the user cannot see, 403 unless they
    lead the unit; an initiative that cannot be amended now (its state, an
    amendment already under review) and an unmet precondition (policies to
    acknowledge) are messages, with the typed values kept."""
    initiative = _visible_or_404(request, pk)
    if access.LEAD not in access.unit_codenames(request.user, initiative.business_unit_id):
        raise PermissionDenied(_("Only a lead of the business unit may propose an amendment."))
    detail_url = reverse("initiatives:detail", args=[initiative.pk])
    if initiative.state not in AMENDABLE_STATES:
        messages.error(
            request,
            _("An initiative that is %(state)s cannot be amended.")
            % {"state": initiative.get_state_display().lower()},
        )
        return HttpResponseRedirect(detail_url)
    if request.method == "GET" and selectors.pending_amendment(initiative=initiative):
        messages.error(request, _("This initiative already has an amendment under review."))
        return HttpResponseRedirect(detail_url)
    form = AmendmentForm(request.POST or None, instance=initiative)
    # The parts of the amendment the apps above carry (the KPIs), each its form.
    part_forms = {
        part.key: part.form(initiative=initiative, data=request.POST or None)
        for part in amendment_parts.amendment_parts
    }
    status = 200
    if request.method == "POST":
        status = 400
        parts_valid = all([f.is_valid() for f in part_forms.values()])
        if form.is_valid() and parts_valid:
            try:
                services.amendment_propose(
                    actor=signed_in_user(request),
                    initiative=initiative,
                    changes=form.changes(),
                    reason=form.cleaned_data["reason"],
                    parts={key: f.changes() for key, f in part_forms.items()},
                )
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    form.add_service_errors(error)
                else:
                    for part_form in part_forms.values():
                        part_form.add_service_errors(error)
                    own = {
                        field: messages_
                        for field, messages_ in error.message_dict.items()
                        if field.split(".")[0] not in part_forms
                    }
                    if own:
                        form.add_service_errors(ValidationError(own))
            except Conflict as conflict:
                # Policies to acknowledge first, or someone proposed one meanwhile.
                messages.error(request, str(conflict))
                status = 409
            else:
                messages.success(request, _("The amendment was proposed; the CoE reviews it."))
                return HttpResponseRedirect(detail_url)
    context = {
        "form": form,
        "part_forms": list(part_forms.values()),
        "initiative": initiative,
        "notes": preconditions.notes(
            user=signed_in_user(request), unit_id=initiative.business_unit_id
        ),
    }
    return render(request, "initiatives/amendment_form.html", context, status=status)


@login_required
@require_POST
def amendment_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Take a decision on an amendment. 404 for what the user cannot see or an
    unknown name, 403 for what they may not do (separation of duties
    included); a missing comment, a lost race or a failed condition is a
    message on the initiative's page."""
    amendment = get_object_or_404(selectors.visible_amendments(user=request.user), pk=pk)
    if name not in selectors.AMENDMENT_TRANSITIONS:
        raise Http404
    authorization = transitions.authorize(request.user, amendment, name)
    if not authorization.allowed:
        raise PermissionDenied(authorization.reason)
    label = TRANSITION_LABELS[name]
    form = TransitionForm(
        request.POST,
        comment_required=selectors.AMENDMENT_TRANSITIONS[name].comment_required,
        needs_confirm=name in CONFIRM_TRANSITIONS,
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{label}: {error}")
    else:
        try:
            services.amendment_transition(
                actor=signed_in_user(request),
                amendment=amendment,
                name=name,
                comment=form.cleaned_data["comment"],
            )
        except (TransitionNotAllowed, ConcurrentTransition):
            amendment.refresh_from_db()
            messages.error(
                request,
                _(
                    "This action is no longer possible: the amendment is now %(state)s. "
                    "Someone may have acted before you; the page shows the current state."
                )
                % {"state": str(STATE_LABELS.get(amendment.state, amendment.state)).lower()},
            )
        except Conflict as conflict:
            messages.error(request, str(conflict))
        except ValidationError as error:
            messages.error(
                request,
                _("%(action)s was not possible: %(problem)s")
                % {"action": label, "problem": _problem_text(error)},
            )
        else:
            # Where the amendment went, as the badge will say.
            amendment.refresh_from_db(fields=["state"])
            messages.success(request, outcomes.outcome(amendment))
    return HttpResponseRedirect(
        reverse("initiatives:detail", args=[amendment.initiative_id]) + "#amendment"
    )
