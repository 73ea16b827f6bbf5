"""Playbook and incident pages. Thin: reads from incidents.selectors, writes
through incidents.services, as the API's are."""

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from governance import access, transitions
from governance.errors import Conflict
from governance.requests import signed_in_user
from incidents import selectors, services
from incidents.forms import (
    CloseForm,
    DeclareForm,
    EntryForm,
    EscalateForm,
    PlaybookForm,
    PublishForm,
)
from incidents.models import ContactRole, Incident, IncidentState, Playbook
from policies.rendering import render_markdown

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

PAGE_SIZE = 25

PLAYBOOK_TRANSITION_LABELS: "dict[str, StrPromise]" = {
    "submit": gettext_lazy("Submit for review"),
    "return_to_draft": gettext_lazy("Return to draft"),
    "publish": gettext_lazy("Publish"),
    "revise": gettext_lazy("Start a new version"),
    "retire": gettext_lazy("Retire"),
}
assert set(PLAYBOOK_TRANSITION_LABELS) == set(selectors.PLAYBOOK_TRANSITIONS)


# Incidents


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    if state not in IncidentState.values:
        state = ""
    page = Paginator(selectors.incident_list(user=request.user, state=state), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "incidents/incident_list.html",
        {
            "page": page,
            "incidents": page.object_list,
            "state": state,
            "states": IncidentState.choices,
            "query": f"state={state}" if state else "",
            "may_declare": bool(access.visible_unit_ids(request.user, access.PROPOSE)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident_declare(request: HttpRequest) -> HttpResponse:
    """Declare an incident on accounts of one's units (403 for someone in no unit)."""
    if not access.visible_unit_ids(request.user, access.PROPOSE):
        raise PermissionDenied(_("Only staff of a unit declare incidents."))
    accounts = selectors.accounts_to_declare_on(user=request.user)
    initial = {}
    raw = request.GET.get("account", "")
    if raw.isdigit() and len(raw) < 10:
        initial["accounts"] = [int(raw)]
    form = DeclareForm(request.POST or None, accounts=accounts, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.incident_declare(actor=signed_in_user(request), **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, _("The incident is declared; the playbook's contacts are called.")
            )
            return HttpResponseRedirect(reverse("incidents:detail", args=[incident.pk]))
    return render(request, "incidents/incident_form.html", {"form": form})


def _incident_or_404(request: HttpRequest, pk: int) -> Incident:
    return get_object_or_404(selectors.visible_incidents(user=request.user), pk=pk)


@login_required
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident_or_404(request, pk)
    may_write = selectors.may_write(request.user, incident)
    may_close = (
        incident.state == IncidentState.OPEN
        and transitions.authorize(request.user, incident, "close").allowed
    )
    return render(
        request,
        "incidents/incident_detail.html",
        {
            "incident": incident,
            "accounts": list(incident.accounts.select_related("business_unit").order_by("handle")),
            "entries": list(incident.entries.select_related("author")),
            "responders": list(incident.responders.order_by("username")),
            "version": incident.playbook_version,
            "steps_html": render_markdown(incident.playbook_version.body)
            if incident.playbook_version
            else "",
            "entry_form": EntryForm() if may_write else None,
            "escalate_form": EscalateForm(initial={"severity": incident.severity})
            if may_write
            else None,
            "close_form": CloseForm() if may_close else None,
        },
    )


def _act(request: HttpRequest, incident: Incident, call: Any) -> HttpResponse:
    try:
        call()
    except (Conflict, PermissionDenied) as refusal:
        messages.error(request, str(refusal))
    except (TransitionNotAllowed, ConcurrentTransition):
        messages.error(request, _("The incident is closed already."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Saved."))
    return HttpResponseRedirect(reverse("incidents:detail", args=[incident.pk]))


@login_required
@require_POST
def incident_post(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident_or_404(request, pk)
    form = EntryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write what happened or what was decided."))
        return HttpResponseRedirect(reverse("incidents:detail", args=[pk]))
    return _act(
        request,
        incident,
        lambda: services.incident_post(
            actor=signed_in_user(request), incident=incident, **form.cleaned_data
        ),
    )


@login_required
@require_POST
def incident_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident_or_404(request, pk)
    form = EscalateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a severity from the list."))
        return HttpResponseRedirect(reverse("incidents:detail", args=[pk]))
    return _act(
        request,
        incident,
        lambda: services.incident_escalate(
            actor=signed_in_user(request), incident=incident, **form.cleaned_data
        ),
    )


@login_required
@require_POST
def incident_close(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident_or_404(request, pk)
    authorization = transitions.authorize(request.user, incident, "close")
    if not authorization.allowed:
        raise PermissionDenied(authorization.reason)
    form = CloseForm(request.POST)
    return _act(
        request,
        incident,
        lambda: services.incident_close(
            actor=signed_in_user(request),
            incident=incident,
            review=form.cleaned_data["review"] if form.is_valid() else "",
        ),
    )


# Playbooks


@login_required
def playbook_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(
        selectors.visible_playbooks(user=request.user).order_by("title", "id"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "incidents/playbook_list.html",
        {
            "page": page,
            "playbooks": page.object_list,
            "query": "",
            "may_draft": access.EDIT_POLICIES in access.organization_rights(request.user),
        },
    )


def _playbook_or_404(request: HttpRequest, pk: int) -> Playbook:
    return get_object_or_404(selectors.visible_playbooks(user=request.user), pk=pk)


def _require_edit(request: HttpRequest) -> None:
    if access.EDIT_POLICIES not in access.organization_rights(request.user):
        raise PermissionDenied(_("Only the CoE writes playbooks."))


@login_required
@require_http_methods(["GET", "POST"])
def playbook_create(request: HttpRequest) -> HttpResponse:
    _require_edit(request)
    form = PlaybookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            playbook = services.playbook_create(
                actor=signed_in_user(request), **form.service_data()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The playbook was saved as a draft."))
            return HttpResponseRedirect(reverse("incidents:playbook", args=[playbook.pk]))
    return render(request, "incidents/playbook_form.html", {"form": form, "playbook": None})


@login_required
@require_http_methods(["GET", "POST"])
def playbook_edit(request: HttpRequest, pk: int) -> HttpResponse:
    playbook = _playbook_or_404(request, pk)
    _require_edit(request)
    form = PlaybookForm(request.POST or None, initial=PlaybookForm.initial_for(playbook))
    if request.method == "POST" and form.is_valid():
        try:
            services.playbook_update(
                actor=signed_in_user(request), playbook=playbook, **form.service_data()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except Conflict as conflict:
            messages.error(request, str(conflict))
        else:
            messages.success(request, _("The playbook was saved."))
            return HttpResponseRedirect(reverse("incidents:playbook", args=[playbook.pk]))
    return render(request, "incidents/playbook_form.html", {"form": form, "playbook": playbook})


ROLE_LABELS = dict(ContactRole.choices)


@login_required
def playbook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    playbook = _playbook_or_404(request, pk)
    sees_all = selectors.sees_all_playbooks(user=request.user)
    in_force = selectors.version_in_force(playbook=playbook)
    shown_body = playbook.body if sees_all else (in_force.body if in_force else "")
    available = [
        {"name": t.name, "label": PLAYBOOK_TRANSITION_LABELS[t.name], "danger": t.name == "retire"}
        for t in transitions.available_transitions(request.user, playbook)
    ]
    return render(
        request,
        "incidents/playbook_detail.html",
        {
            "playbook": playbook,
            "sees_all": sees_all,
            "body_html": render_markdown(shown_body),
            "in_force": in_force,
            "versions": list(playbook.versions.select_related("published_by").order_by("-version")),
            "contacts": [
                {
                    "severity": c.get_severity_display(),
                    "role": ROLE_LABELS.get(c.role, ""),
                    "person": c.person.get_username() if c.person else "",
                    "backup": c.backup.get_username() if c.backup else "",
                }
                for c in playbook.contacts.select_related("person", "backup")
            ],
            "units": list(playbook.business_units.order_by("name")),
            "accounts": list(playbook.accounts.order_by("handle")),
            "transitions": available,
            "publish_form": PublishForm(),
            "may_edit": sees_all
            and playbook.state == "draft"
            and access.EDIT_POLICIES in access.organization_rights(request.user),
        },
    )


@login_required
@require_POST
def playbook_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    playbook = _playbook_or_404(request, pk)
    if name not in selectors.PLAYBOOK_TRANSITIONS:
        raise Http404
    authorization = transitions.authorize(request.user, playbook, name)
    if not authorization.allowed:
        raise PermissionDenied(authorization.reason)
    form = PublishForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {"comment": "", "effective_date": None}
    try:
        services.playbook_transition(
            actor=signed_in_user(request),
            playbook=playbook,
            name=name,
            comment=data["comment"],
            effective_date=data["effective_date"] if name == "publish" else None,
        )
    except (TransitionNotAllowed, ConcurrentTransition):
        messages.error(request, _("The playbook changed meanwhile: nothing was done."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Done: %(action)s.") % {"action": PLAYBOOK_TRANSITION_LABELS[name]}
        )
    return HttpResponseRedirect(reverse("incidents:playbook", args=[playbook.pk]))


@login_required
def playbook_diff(request: HttpRequest, pk: int) -> HttpResponse:
    """Two published versions compared, the first steps word by word."""
    playbook = _playbook_or_404(request, pk)
    versions = {v.version: v for v in playbook.versions.all()}

    def pick(name: str, default: int) -> Any:
        raw = request.GET.get(name, "")
        return versions.get(int(raw) if raw.isdigit() and len(raw) < 10 else default)

    newer = pick("to", playbook.version)
    older = pick("from", playbook.version - 1)
    if older is None or newer is None:
        messages.info(request, _("Two published versions are needed to compare."))
        return HttpResponseRedirect(reverse("incidents:playbook", args=[pk]))
    return render(
        request,
        "incidents/playbook_diff.html",
        {
            "playbook": playbook,
            "older": older,
            "newer": newer,
            "diff": selectors.playbook_diff(older=older, newer=newer),
        },
    )
