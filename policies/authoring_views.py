"""Drafting and editing a policy's working copy in the browser, with a preview
of its Markdown rendered and sanitized exactly as readers will see it. Thin:
every write goes through policies.services, as the API's do."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from governance import access
from governance.errors import Conflict
from governance.requests import signed_in_user
from policies import selectors, services
from policies.forms import PolicyForm
from policies.models import Policy
from policies.rendering import render_markdown
from policies.views import STATE_LABELS


def _require_edit_right(request: HttpRequest) -> None:
    if access.EDIT_POLICIES not in access.organization_rights(request.user):
        raise PermissionDenied(_("Only the CoE drafts and edits policies."))


def _preview(request: HttpRequest, policy: Policy | None) -> dict[str, Any]:
    """The form as sent, unvalidated (a preview is not a save), and the body
    as readers would see it."""
    fields = PolicyForm(policy=policy).fields
    initial = {
        name: request.POST.getlist(name) if name == "business_units" else request.POST.get(name)
        for name in fields
    }
    return {
        "form": PolicyForm(policy=policy, initial=initial),
        "preview_html": render_markdown(request.POST.get("body", "")),
    }


@login_required
@require_http_methods(["GET", "POST"])
def policy_create(request: HttpRequest) -> HttpResponse:
    """Draft a new policy (the CoE): 403 for anyone else."""
    _require_edit_right(request)
    context: dict[str, Any] = {"policy": None}
    if request.method == "POST" and "preview" in request.POST:
        return render(request, "policies/policy_form.html", context | _preview(request, None))
    form = PolicyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            policy = services.policy_create(
                actor=signed_in_user(request), change_reason="created", **form.changes()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("The policy was created as a draft. Submit it for review when it is ready."),
            )
            return HttpResponseRedirect(reverse("policies:detail", args=[policy.pk]))
    return render(request, "policies/policy_form.html", context | {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a draft's working copy, saying why. 404 for a policy the user cannot
    see, 403 without the right to edit, a message when it is not a draft."""
    policy = get_object_or_404(selectors.visible_policies(user=request.user), pk=pk)
    _require_edit_right(request)
    detail_url = reverse("policies:detail", args=[policy.pk])
    if not policy.is_editable:
        messages.error(request, _not_editable(policy))
        return HttpResponseRedirect(detail_url)
    context: dict[str, Any] = {"policy": policy}
    if request.method == "POST" and "preview" in request.POST:
        return render(request, "policies/policy_form.html", context | _preview(request, policy))
    form = PolicyForm(request.POST or None, policy=policy)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(
                actor=signed_in_user(request),
                policy=policy,
                changes=form.changes(),
                change_reason=form.cleaned_data["change_reason"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except Conflict:
            policy.refresh_from_db()
            messages.error(request, _not_editable(policy))
            return HttpResponseRedirect(detail_url)
        else:
            messages.success(request, _("Your changes to the draft were saved."))
            return HttpResponseRedirect(detail_url)
    return render(request, "policies/policy_form.html", context | {"form": form})


def _not_editable(policy: Policy) -> str:
    return _("Only a draft can be edited; this policy is %(state)s.") % {
        "state": str(STATE_LABELS.get(policy.state, policy.state)).lower()
    }
