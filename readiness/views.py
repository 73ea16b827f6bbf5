"""The page of the approval requirements by stage, and the checklist on an
initiative's page."""

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from governance.registry import Panel
from governance.requests import signed_in_user
from initiatives.models import Initiative
from initiatives.preconditions import APPROVING_TRANSITIONS, approval_checklist
from maturity.selectors import STAGE_NAMES
from readiness import selectors, services
from readiness.forms import StageRequirementsForm


@login_required
@require_http_methods(["GET", "POST"])
def requirements(request: HttpRequest) -> HttpResponse:
    """The CoE and auditors read which requirements apply from which stage and
    which are in force now; the CoE lead changes them (403 for anyone else)."""
    if not selectors.may_read_page(user=request.user):
        raise PermissionDenied
    may_set = selectors.may_set(user=request.user)
    if request.method == "POST" and not may_set:
        raise PermissionDenied(_("Only the CoE lead sets what approval requires."))
    rows = selectors.requirement_rows()
    form = StageRequirementsForm(request.POST or None, rows=rows)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.stage_requirements_set(
                    actor=signed_in_user(request),
                    stages={row.key: form.cleaned_data[row.key] for row in rows},
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The approval requirements were saved."))
                return HttpResponseRedirect(reverse("readiness:requirements"))
    stage = selectors.organization_stage()
    context = {
        "rows": rows,
        "form": form if may_set else None,
        "stage": stage,
        "stage_name": STAGE_NAMES[stage],
    }
    return render(request, "readiness/requirements.html", context, status=status)


def approval_checklist_section(
    request: HttpRequest, initiative: Initiative, page: Mapping[str, Any]
) -> Panel | None:
    """Before the approve buttons of an initiative's page: what approval
    requires at the organization's stage, met or missing. Only for whoever may
    approve now, as the page's `transitions` say, and only when something is
    in force."""
    if not any(t["name"] in APPROVING_TRANSITIONS for t in page.get("transitions", ())):
        return None
    checks = approval_checklist(initiative=initiative)
    if not checks:
        return None
    return Panel(
        key="approval_checklist",
        title=gettext_lazy("What approval requires at this stage"),
        template="readiness/_approval_checklist.html",
        context={"approval_checklist": checks},
    )
