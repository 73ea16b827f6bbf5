"""Pages of search: results, the duplicate hint on the initiative form, and
the CoE's duplicate links on an initiative's page."""

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST
from django_fsm import TransitionNotAllowed

from governance.errors import Conflict
from governance.registry import Panel
from governance.requests import signed_in_user
from initiatives import selectors as initiative_selectors
from initiatives.models import Initiative
from search import selectors, services
from search.forms import DuplicateLinkForm, DuplicateMergeForm, SearchForm, SimilarForm
from search.paging import WindowCountPaginator

PAGE_SIZE = 20


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Everything the user may see that matches, best first, a page at a time."""
    user = signed_in_user(request)
    form = SearchForm(request.GET or None, user=user)
    page: Page[Any] | None = None
    hits: list[Any] = []
    events: list[Any] = []
    query = ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        query = data["q"]
        dates = {"since": data["since"], "until": data["until"]}
        if data["kind"] == selectors.AUDIT:
            found = selectors.search_audit(user=user, query=query, **dates)
            audit_page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
            events = list(audit_page.object_list)
            page = audit_page
        else:
            found_documents = selectors.search(
                user=user,
                query=query,
                kind=data["kind"],
                unit=data["unit"] or None,
                state=data["state"],
                **dates,
            )
            documents = WindowCountPaginator(found_documents, PAGE_SIZE).get_page(
                request.GET.get("page")
            )
            hits = selectors.hits(documents=list(documents.object_list), query=query)
            page = documents
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "search/search.html",
        {
            "form": form,
            "query": query,
            "page": page,
            "hits": hits,
            "events": events,
            "params": params.urlencode(),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
def similar(request: HttpRequest) -> HttpResponse:
    """The duplicate hint: existing initiatives like the draft being written
    (an htmx fragment of the initiative form)."""
    form = SimilarForm(request.GET)
    found: list[selectors.Similar] = []
    if form.is_valid():
        found = selectors.similar_initiatives(
            user=signed_in_user(request),
            title=form.cleaned_data["title"],
            summary=form.cleaned_data["summary"],
            exclude=form.cleaned_data["exclude"],
        )
    return render(request, "search/_similar.html", {"similar": found})


def duplicates_context(request: HttpRequest, initiative: Initiative) -> dict[str, Any]:
    """What an initiative's page shows of its duplicate links (a titled link
    only to an initiative the user may see)."""
    user = signed_in_user(request)
    context = selectors.duplicate_links(initiative=initiative, user=user)
    context["initiative"] = initiative
    context["may_link"] = services.may_link_duplicates(user=user)
    context["link_form"] = DuplicateLinkForm()
    link = context["link"]
    if context["may_link"] and link is not None and link.merged_at is None:
        context["merge_form"] = merge_form(initiative=initiative, original=link.original)
    context["similar"] = (
        selectors.similar_initiatives(
            user=user, title=initiative.title, summary=initiative.summary, exclude=initiative.pk
        )
        if context["may_link"] and context["link"] is None
        else []
    )
    return context


def duplicates_section(
    request: HttpRequest, initiative: Initiative, page: Mapping[str, Any]
) -> Panel:
    """The section below an initiative's page (registered with
    governance.registry.object_sections); the partial shows nothing when there
    is no link and the user may not make one."""
    return Panel(
        "duplicates",
        gettext_lazy("Duplicates"),
        "search/_duplicates.html",
        duplicates_context(request, initiative),
    )


def merge_form(
    *, initiative: Initiative, original: Initiative, data: Any = None
) -> DuplicateMergeForm:
    choices = [
        (initiative.pk, f"#{initiative.pk} {initiative.title}"),
        (original.pk, f"#{original.pk} {original.title}"),
    ]
    return DuplicateMergeForm(data, choices=choices, initial={"keep": original.pk})


def _visible_initiative(request: HttpRequest, pk: int) -> Initiative:
    user = signed_in_user(request)
    found = initiative_selectors.visible_initiatives(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@require_POST
@login_required
def duplicate_link(request: HttpRequest, pk: int) -> HttpResponse:
    """The CoE links the initiative as a duplicate of another (by its number)."""
    user = signed_in_user(request)
    duplicate = _visible_initiative(request, pk)
    if not services.may_link_duplicates(user=user):
        raise PermissionDenied
    form = DuplicateLinkForm(request.POST)
    back = reverse("initiatives:detail", args=[pk]) + "#h-duplicates"
    if not form.is_valid():
        messages.error(request, gettext("Give the number of the original initiative."))
        return HttpResponseRedirect(back)
    original = (
        initiative_selectors.visible_initiatives(user=user)
        .filter(pk=form.cleaned_data["original"])
        .first()
    )
    if original is None:
        messages.error(request, gettext("There is no initiative with that number."))
        return HttpResponseRedirect(back)
    try:
        services.duplicate_link(
            actor=user, duplicate=duplicate, original=original, comment=form.cleaned_data["comment"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except Conflict as error:
        messages.error(request, str(error))
    else:
        messages.success(request, gettext("Linked as a duplicate of “%s”.") % original.title)
    return HttpResponseRedirect(back)


@require_POST
@login_required
def duplicate_unlink(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    duplicate = _visible_initiative(request, pk)
    if not services.may_link_duplicates(user=user):
        raise PermissionDenied
    try:
        services.duplicate_unlink(actor=user, duplicate=duplicate)
    except Conflict as error:
        messages.error(request, str(error))
    else:
        messages.success(request, gettext("The duplicate link is removed."))
    return HttpResponseRedirect(reverse("initiatives:detail", args=[pk]) + "#h-duplicates")


@require_POST
@login_required
def duplicate_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """The CoE keeps one of two linked duplicates and closes the other."""
    user = signed_in_user(request)
    duplicate = _visible_initiative(request, pk)
    if not services.may_link_duplicates(user=user):
        raise PermissionDenied
    back = reverse("initiatives:detail", args=[pk]) + "#h-duplicates"
    link = selectors.duplicate_links(initiative=duplicate, user=user)["link"]
    if link is None:
        messages.error(request, gettext("This initiative is not linked as a duplicate."))
        return HttpResponseRedirect(back)
    form = merge_form(initiative=duplicate, original=link.original, data=request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose which initiative goes on."))
        return HttpResponseRedirect(back)
    keep = link.original if form.cleaned_data["keep"] == link.original_id else duplicate
    try:
        merged = services.duplicate_merge(
            actor=user, duplicate=duplicate, keep=keep, comment=form.cleaned_data["comment"]
        )
    except (PermissionDenied, ValidationError, Conflict, TransitionNotAllowed) as error:
        shown = error.messages if isinstance(error, ValidationError) else [str(error)]
        messages.error(request, " ".join(str(part) for part in shown))
        return HttpResponseRedirect(back)
    messages.success(request, gettext("The review is merged into “%s”.") % keep.title)
    return HttpResponseRedirect(
        reverse("initiatives:detail", args=[merged.original_id]) + "#h-duplicates"
    )
