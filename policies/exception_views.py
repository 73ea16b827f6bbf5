"""The exception pages: ask for a waiver of a policy for an initiative, list
the exceptions one may see, and decide one. Thin: reads come from
policies.selectors, writes go through policies.services, as the API's do.
Who sees an exception is the API's answer: whoever sees its initiative."""

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from governance import transitions
from governance.requests import signed_in_user
from policies import selectors, services
from policies.forms import ExceptionFilterForm, ExceptionRequestForm, TransitionForm
from policies.models import PolicyException
from policies.views import transition_refusal

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

PAGE_SIZE = 25

# An exception's status (PolicyException.status) as the pages name it.
STATUS_LABELS: "dict[str, StrPromise]" = {
    "requested": gettext_lazy("Awaiting decision"),
    "active": gettext_lazy("Approved, active"),
    "expired": gettext_lazy("Approved, expired"),
    "rejected": gettext_lazy("Rejected"),
}
# The badge colours of the stylesheet.
STATUS_BADGES = {
    "requested": "submitted",
    "active": "approved",
    "expired": "retired",
    "rejected": "rejected",
}
TRANSITION_LABELS: "dict[str, StrPromise]" = {
    "approve": gettext_lazy("Approve exception"),
    "reject": gettext_lazy("Reject exception"),
}
assert set(TRANSITION_LABELS) == set(selectors.EXCEPTION_TRANSITIONS)
TRANSITION_DONE: "dict[str, StrPromise]" = {
    "approve": gettext_lazy(
        "Exception approved: the initiative is exempt from this policy until %(day)s."
    ),
    "reject": gettext_lazy("Exception rejected: the policy applies to the initiative in full."),
}


def _status(exception: PolicyException) -> dict[str, Any]:
    status = exception.status
    return {"label": STATUS_LABELS.get(status, status), "badge": STATUS_BADGES.get(status, "")}


@login_required
def exception_list(request: HttpRequest) -> HttpResponse:
    """The exceptions the user may see, newest first, by state and policy."""
    form = ExceptionFilterForm(request.GET or None)
    state = form.cleaned_data["state"] if form.is_valid() else ""
    raw_policy = request.GET.get("policy", "")
    policy_id = int(raw_policy) if raw_policy.isdigit() and len(raw_policy) < 10 else None
    exceptions = selectors.exceptions_listed(user=request.user, state=state, policy_id=policy_id)
    page = Paginator(exceptions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "policies/exception_list.html",
        {
            "form": form,
            "page": page,
            "rows": [(e, _status(e)) for e in page.object_list],
            "query": query.urlencode(),
            "policy_id": policy_id,
            "may_request": selectors.may_request_exceptions(user=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def exception_create(request: HttpRequest) -> HttpResponse:
    """Ask for an exception: the owner of an initiative or the lead of its unit
    (403 for anyone else). `?policy=` and `?initiative=` preselect."""
    initiatives = selectors.initiatives_for_exceptions(user=request.user)
    if not initiatives.exists():
        raise PermissionDenied(
            _("Only the initiative's owner or its unit's lead may ask for an exception.")
        )
    policies = selectors.policies_for_exceptions(user=request.user)
    initial = {
        name: request.GET[name]
        for name in ("policy", "initiative")
        if request.GET.get(name, "").isdigit() and len(request.GET[name]) < 10
    }
    form = ExceptionRequestForm(
        request.POST or None, initial=initial, initiatives=initiatives, policies=policies
    )
    if request.method == "POST" and form.is_valid():
        try:
            exception = services.exception_request(
                actor=signed_in_user(request), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except PermissionDenied:
            form.add_error(
                "initiative",
                _("Only the initiative's owner or its unit's lead may ask for an exception."),
            )
        else:
            messages.success(request, _("Your request was sent; the CoE lead decides on it."))
            return HttpResponseRedirect(reverse("policies:exception-detail", args=[exception.pk]))
    return render(request, "policies/exception_form.html", {"form": form})


def _visible_or_404(request: HttpRequest, pk: int) -> PolicyException:
    return get_object_or_404(selectors.visible_exceptions(user=request.user), pk=pk)


@login_required
def exception_detail(request: HttpRequest, pk: int) -> HttpResponse:
    exception = _visible_or_404(request, pk)
    rights = transitions.rights_of(request.user, exception)
    available = [
        {
            "name": t.name,
            "label": TRANSITION_LABELS[t.name],
            "comment_required": t.comment_required,
            "danger": t.name == "reject",
        }
        for t in transitions.available_transitions(request.user, exception, rights)
    ]
    return render(
        request,
        "policies/exception_detail.html",
        {
            "exception": exception,
            "status": _status(exception),
            "transitions": available,
            "barred": transitions.barred_reasons(request.user, exception, rights),
            # One comment box for every decision: required if any requires it.
            "comment_required": any(t["comment_required"] for t in available),
        },
    )


@login_required
@require_POST
def exception_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Approve or reject, with a comment. 404 for an exception the user cannot
    see or an unknown name, 403 without the right to decide; separation of
    duties, a missing comment or a decision already taken is a message."""
    exception = _visible_or_404(request, pk)
    if name not in selectors.EXCEPTION_TRANSITIONS:
        raise Http404
    detail_url = reverse("policies:exception-detail", args=[exception.pk])
    rule = selectors.EXCEPTION_TRANSITIONS[name]
    refused = transition_refusal(request, exception, name, rule, detail_url)
    if refused is not None:
        return refused
    form = TransitionForm(request.POST, comment_required=rule.comment_required)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{TRANSITION_LABELS[name]}: {error}")
        return HttpResponseRedirect(detail_url)
    try:
        exception = services.exception_transition(
            actor=signed_in_user(request),
            exception=exception,
            name=name,
            comment=form.cleaned_data["comment"],
        )
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
    except (TransitionNotAllowed, ConcurrentTransition):
        exception.refresh_from_db()
        messages.error(
            request,
            _("This exception was already decided: it is now %(state)s.")
            % {"state": str(_status(exception)["label"]).lower()},
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            str(TRANSITION_DONE[name])
            % {"day": formats.date_format(exception.expires_on, "DATE_FORMAT")}
            if name == "approve"
            else str(TRANSITION_DONE[name]),
        )
    return HttpResponseRedirect(detail_url)
