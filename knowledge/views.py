"""Pages of the library: the list, an entry, proposing and editing one, its
transitions and the useful mark. Every read starts from
knowledge.selectors.visible_entries; every write is a service."""

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_fsm import TransitionNotAllowed

from governance.registry import Panel
from governance.requests import signed_in_user
from initiatives.models import Initiative
from knowledge import rules, selectors, services
from knowledge.forms import EntryForm
from knowledge.models import Entry, Kind, State
from policies.models import Policy
from policies.rendering import render_markdown

PAGE_SIZE = 20


def _entry_or_404(request: HttpRequest, pk: int) -> Entry:
    entry = selectors.entry_for(user=request.user, pk=pk)
    if entry is None:
        raise Http404
    return entry


@login_required
def entry_list(request: HttpRequest) -> HttpResponse:
    """The entries the user may read, newest first, a page at a time."""
    user = signed_in_user(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in Kind.values else ""
    state = request.GET.get("state", "")
    state = state if state in State.values else ""
    tag = request.GET.get("tag", "")[:40]
    entries = selectors.library(user=user, kind=kind, state=state, tag=tag)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in {"kind": kind, "state": state, "tag": tag}.items() if v})
    return render(
        request,
        "knowledge/entry_list.html",
        {
            "page": page,
            "query": query,
            "kinds": Kind.choices,
            "states": State.choices if rules.reads_all(user) else [],
            "kind": kind,
            "state": state,
            "tag": tag,
            "today": timezone.localdate(),
            "may_publish": rules.can_publish(user),
        },
    )


@login_required
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    entry = _entry_or_404(request, pk)
    transitions = []
    if rules.can_publish(user, entry):
        if entry.state == State.PROPOSED:
            transitions.append(("publish", _("Publish")))
        elif entry.state == State.PUBLISHED:
            transitions.append(("archive", _("Archive")))
    return render(
        request,
        "knowledge/entry_detail.html",
        {
            "entry": entry,
            "body_html": render_markdown(entry.body),
            "related": selectors.related_of_entry(entry=entry, user=user),
            "out_of_date": entry.is_out_of_date(),
            "may_edit": rules.can_edit(user, entry),
            "transitions": transitions,
        },
    )


def _relations(data: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        name: list(data[name])
        for name in ("units", "goals", "audience_units", "policies", "initiatives", "related")
    }


def _changes(data: dict[str, Any]) -> dict[str, Any]:
    return {
        name: data[name]
        for name in (
            "title",
            "kind",
            "language",
            "summary",
            "body",
            "source_url",
            "tags",
            "audience",
            "review_on",
        )
    }


def _add_errors(form: EntryForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request: HttpRequest) -> HttpResponse:
    """Propose an entry: anyone signed in may."""
    user = signed_in_user(request)
    form = EntryForm(request.POST or None, user=user, initial={"audience": "organization"})
    if request.method == "POST" and form.is_valid():
        try:
            values: dict[str, Any] = _changes(form.cleaned_data) | _relations(form.cleaned_data)
            entry = services.entry_propose(actor=user, **values)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your entry was proposed. The CoE will publish it."))
            return HttpResponseRedirect(reverse("knowledge:detail", args=[entry.pk]))
    return render(request, "knowledge/entry_form.html", {"form": form, "entry": None})


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit an entry: 404 for one the user cannot read, 403 for one they may not edit."""
    user = signed_in_user(request)
    entry = _entry_or_404(request, pk)
    if not rules.can_edit(user, entry):
        raise PermissionDenied
    form = EntryForm(
        request.POST or None, user=user, entry=entry, initial=EntryForm.initial_for(entry)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_update(
                actor=user,
                entry=entry,
                changes=_changes(form.cleaned_data),
                relations=_relations(form.cleaned_data),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The entry was saved."))
            return HttpResponseRedirect(reverse("knowledge:detail", args=[entry.pk]))
    return render(request, "knowledge/entry_form.html", {"form": form, "entry": entry})


@require_POST
@login_required
def entry_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Publish or archive: 404 for an entry the user cannot read or an unknown
    action, 403 without the right, a message when the state does not allow it."""
    user = signed_in_user(request)
    entry = _entry_or_404(request, pk)
    if name not in services.TRANSITION_EVENTS:
        raise Http404
    if not rules.can_publish(user, entry):
        raise PermissionDenied
    detail_url = reverse("knowledge:detail", args=[entry.pk])
    try:
        services.entry_transition(actor=user, entry=entry, name=name)
    except TransitionNotAllowed as conflict:
        messages.error(request, str(conflict))
    else:
        messages.success(
            request,
            _("The entry was published.") if name == "publish" else _("The entry was archived."),
        )
    return HttpResponseRedirect(detail_url)


@require_POST
@login_required
def entry_useful(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the entry useful, or take the mark back."""
    user = signed_in_user(request)
    entry = _entry_or_404(request, pk)
    services.useful_toggle(actor=user, entry=entry)
    return HttpResponseRedirect(reverse("knowledge:detail", args=[entry.pk]))


def related_reading_section(
    request: HttpRequest, obj: Policy | Initiative, page: Mapping[str, Any]
) -> Panel | None:
    """The library's section on a policy's or an initiative's page: the
    published entries linked to it that the user may read."""
    entries = selectors.related_reading(obj=obj, user=request.user)
    if not entries:
        return None
    return Panel(
        key="related_reading",
        title=_("Related reading"),
        template="knowledge/_related_reading.html",
        context={"entries": entries, "today": timezone.localdate()},
    )
