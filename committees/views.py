"""The committees' pages: the list, a committee with its members, agenda and
decisions (and the agenda as CSV), and a vote with its votes, the vote form
and the chair's close; the CoE lead's seating of members and making a
working group owner (a section on the initiative's and the policy's page).
Pages call the services the API calls."""

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from committees import selectors, services
from committees.forms import CloseForm, MemberForm, OwnerForm, VoteForm
from committees.models import CaseState, Committee
from governance.csv_export import csv_response
from governance.errors import Conflict
from governance.registry import Panel
from governance.requests import signed_in_user
from initiatives.models import Initiative
from initiatives.selectors import visible_initiatives
from initiatives.views import amendment_diff
from policies.models import Policy
from policies.selectors import visible_policies

PAGE_SIZE = 25


@login_required
@require_GET
def committee_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.committees().order_by("name"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "committees/committee_list.html", {"page": page})


@login_required
@require_GET
def committee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _committee_page(request, pk)


def _committee_page(
    request: HttpRequest, pk: int, *, member_form: MemberForm | None = None, status: int = 200
) -> HttpResponse:
    user = signed_in_user(request)
    committee = selectors.committee_or_404(pk=pk)
    agenda = Paginator(selectors.agenda(user=user, committee=committee), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # What a working group owns, as far as the user may see it.
    owned_initiatives = Paginator(
        selectors.owned_initiatives(user=user, committee=committee), PAGE_SIZE
    ).get_page(request.GET.get("initiatives"))
    owned_policies = Paginator(
        selectors.owned_policies(user=user, committee=committee), PAGE_SIZE
    ).get_page(request.GET.get("policies"))
    return render(
        request,
        "committees/committee_detail.html",
        {
            "committee": committee,
            "members": selectors.members_of(committee=committee),
            "page": agenda,
            "decided": selectors.decided(user=user, committee=committee)[:PAGE_SIZE],
            "is_working_group": committee.kind == Committee.Kind.WORKING_GROUP,
            "owned_initiatives": owned_initiatives,
            "owned_policies": owned_policies,
            "may_change": selectors.may_change_committees(user=user),
            "member_form": member_form or MemberForm(),
        },
        status=status,
    )


@login_required
@require_GET
def agenda_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The agenda as the page shows it (what the user may see), every row."""
    user = signed_in_user(request)
    committee = selectors.committee_or_404(pk=pk)
    rows = (
        (
            case.initiative.title,
            case.initiative.business_unit.name,
            case.initiative.budget,
            case.initiative.get_risk_display(),
            case.opened_at.isoformat(),
            case.vote_count,  # type: ignore[attr-defined]
        )
        for case in selectors.agenda(user=user, committee=committee).iterator()
    )
    header = [_("Initiative"), _("Unit"), _("Budget"), _("Risk"), _("Vote opened"), _("Votes")]
    return csv_response(header, rows, f"agenda-{committee.pk}.csv")


def _case_page(
    request: HttpRequest, pk: int, *, form: VoteForm | None = None, status: int = 200
) -> HttpResponse:
    user = signed_in_user(request)
    case = selectors.case_or_404(user=user, pk=pk)
    seat = selectors.seat_of(user=user, case=case)
    members = list(selectors.members_of(committee=case.committee))
    return render(
        request,
        "committees/case_detail.html",
        {
            "case": case,
            # A vote on an amendment shows what it would change: the members
            # decide on it here, whatever unit they come from.
            "amendment_diff": amendment_diff(case.initiative, case.amendment)
            if case.amendment is not None
            else None,
            "votes": selectors.votes_of(case=case),
            "tally": services.tally(case),
            "recused": [m for m in members if services.is_recused(m, case.initiative)],
            "seat": seat,
            "is_recused": seat is not None and services.is_recused(seat, case.initiative),
            "may_vote": selectors.may_vote(user=user, case=case),
            "may_close": case.state == CaseState.OPEN and case.committee.chair_id == user.pk,
            "form": form or VoteForm(),
            "close_form": CloseForm(),
        },
        status=status,
    )


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_page(request, pk)


def _refusal(request: HttpRequest, error: Exception) -> None:
    if isinstance(error, ValidationError):
        messages.error(request, " ".join(" ".join(v) for v in error.message_dict.values()))
    else:
        messages.error(request, str(error))


@login_required
@require_POST
def case_vote(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    case = selectors.case_or_404(user=user, pk=pk)
    form = VoteForm(request.POST)
    if not form.is_valid():
        return _case_page(request, pk, form=form, status=400)
    try:
        services.vote_cast(
            actor=user,
            case=case,
            choice=form.cleaned_data["choice"],
            comment=form.cleaned_data["comment"],
        )
    except PermissionDenied as error:
        _refusal(request, error)
        return _case_page(request, pk, form=form, status=403)
    except (Conflict, ValidationError) as error:
        _refusal(request, error)
        return _case_page(request, pk, form=form, status=409)
    messages.success(request, _("Your vote is recorded."))
    return HttpResponseRedirect(reverse("committees:case", args=[pk]))


@login_required
@require_POST
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    case = selectors.case_or_404(user=user, pk=pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _case_page(request, pk, status=400)
    try:
        services.case_close(actor=user, case=case, comment=form.cleaned_data["comment"])
    except PermissionDenied as error:
        _refusal(request, error)
        return _case_page(request, pk, status=403)
    except Conflict as error:
        _refusal(request, error)
        return _case_page(request, pk, status=409)
    messages.success(request, _("The vote is closed."))
    return HttpResponseRedirect(reverse("committees:case", args=[pk]))


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Seat someone on the committee (the CoE lead): 403 for anyone else, 400
    naming the field for an unknown user or someone seated already."""
    user = signed_in_user(request)
    committee = selectors.committee_or_404(pk=pk)
    if not selectors.may_change_committees(user=user):
        raise PermissionDenied
    form = MemberForm(request.POST)
    if not form.is_valid():
        return _committee_page(request, pk, member_form=form, status=400)
    try:
        services.committee_member_add(
            actor=user,
            committee=committee,
            user=form.cleaned_data["username"],
            business_unit=form.cleaned_data["business_unit"],
        )
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error("username" if field == "user" else None, errors)
        return _committee_page(request, pk, member_form=form, status=400)
    messages.success(request, _("The member is seated."))
    return HttpResponseRedirect(reverse("committees:detail", args=[pk]))


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    """Take a seat away (the CoE lead): what it let the member see goes with it."""
    user = signed_in_user(request)
    committee = selectors.committee_or_404(pk=pk)
    seat = committee.members.select_related("user").filter(user_id=user_id).first()
    if seat is None:
        raise Http404
    try:
        services.committee_member_remove(actor=user, committee=committee, user=seat.user)
    except ValidationError as error:
        _refusal(request, error)
        return _committee_page(request, pk, status=400)
    messages.success(request, _("The member has left the committee."))
    return HttpResponseRedirect(reverse("committees:detail", args=[pk]))


def _owned_or_404(request: HttpRequest, kind: str, pk: int) -> Initiative | Policy:
    if kind == "initiative":
        return get_object_or_404(visible_initiatives(user=request.user), pk=pk)
    if kind == "policy":
        return get_object_or_404(visible_policies(user=request.user), pk=pk)
    raise Http404


def _page_of(obj: Initiative | Policy) -> str:
    if isinstance(obj, Initiative):
        return reverse("initiatives:detail", args=[obj.pk])
    return reverse("policies:detail", args=[obj.pk])


@login_required
@require_POST
def owner_assign(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Make a working group the owner of an initiative or a policy (the CoE
    lead): 404 for what the user cannot see, 403 for anyone but the CoE lead,
    400 naming the field for an unknown group, 409 when it owns it already."""
    user = signed_in_user(request)
    obj = _owned_or_404(request, kind, pk)
    if not selectors.may_change_committees(user=user):
        raise PermissionDenied
    form = OwnerForm(request.POST)
    if not form.is_valid():
        _refusal(request, ValidationError(form.errors.get_json_data()))
        return _ownership_refused(request, obj, status=400)
    try:
        services.ownership_assign(actor=user, committee=form.cleaned_data["committee"], obj=obj)
    except ValidationError as error:
        _refusal(request, error)
        return _ownership_refused(request, obj, status=400)
    except Conflict as error:
        _refusal(request, error)
        return _ownership_refused(request, obj, status=409)
    messages.success(request, _("The working group owns it now."))
    return HttpResponseRedirect(_page_of(obj))


@login_required
@require_POST
def owner_remove(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The working group no longer owns it (the CoE lead); 409 when none does."""
    user = signed_in_user(request)
    obj = _owned_or_404(request, kind, pk)
    try:
        services.ownership_remove(actor=user, obj=obj)
    except Conflict as error:
        _refusal(request, error)
        return _ownership_refused(request, obj, status=409)
    messages.success(request, _("No working group owns it any more."))
    return HttpResponseRedirect(_page_of(obj))


def _ownership_refused(
    request: HttpRequest, obj: Initiative | Policy, *, status: int
) -> HttpResponse:
    return render(
        request,
        "committees/ownership_refused.html",
        {"obj": obj, "back": _page_of(obj)},
        status=status,
    )


def owner_section(
    request: HttpRequest, obj: Initiative | Policy, page: Mapping[str, Any]
) -> Panel | None:
    """The section on an initiative's or a policy's page naming the working
    group that owns it; the CoE lead also finds the form to change it there."""
    group = selectors.owning_group(obj=obj)
    may_change = selectors.may_change_committees(user=request.user)
    if group is None and not may_change:
        return None
    kind = "initiative" if isinstance(obj, Initiative) else "policy"
    return Panel(
        key="owning_group",
        title=_("Working group"),
        template="committees/_owning_group.html",
        context={
            "group": group,
            "kind": kind,
            "obj": obj,
            "may_change": may_change,
            "form": OwnerForm(initial={"committee": group}) if may_change else None,
        },
    )
