"""The committees' pages: the list, a committee with its members, agenda and
decisions (and the agenda as CSV), and a vote with its votes, the vote form
and the chair's close. Pages call the services the API calls."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from committees import selectors, services
from committees.forms import CloseForm, VoteForm
from committees.models import CaseState
from governance.csv_export import csv_response
from governance.errors import Conflict
from governance.requests import signed_in_user

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
    user = signed_in_user(request)
    committee = selectors.committee_or_404(pk=pk)
    agenda = Paginator(selectors.agenda(user=user, committee=committee), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "committees/committee_detail.html",
        {
            "committee": committee,
            "members": selectors.members_of(committee=committee),
            "page": agenda,
            "decided": selectors.decided(user=user, committee=committee)[:PAGE_SIZE],
        },
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
