"""The registry's pages: the list of accounts, requesting one, an account's
page with its decisions, recertification, reassignment and the initiatives
that use it, and the CoE's reassignments of deactivated users. Thin: reads
come from social_accounts.selectors, writes go through social_accounts.services,
as the API's do."""

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from governance import access, transitions
from governance.errors import Conflict
from governance.registry import Panel
from governance.requests import signed_in_user
from initiatives.models import Initiative
from policies.models import Policy
from policies.models import State as PolicyState
from social_accounts import selectors, services
from social_accounts.forms import (
    AccountFilterForm,
    AccountForm,
    CommentForm,
    LinkForm,
    ReassignForm,
)
from social_accounts.models import Reassignment, SocialAccount

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

PAGE_SIZE = 25

TRANSITION_LABELS: "dict[str, StrPromise]" = {
    "approve": gettext_lazy("Approve the account"),
    "reject": gettext_lazy("Reject the request"),
    "activate": gettext_lazy("Mark as live"),
    "mark_dormant": gettext_lazy("Mark dormant"),
    "reactivate": gettext_lazy("Reactivate"),
    "retire": gettext_lazy("Retire the account"),
}
assert set(TRANSITION_LABELS) == set(selectors.TRANSITIONS)
DANGER = {"reject", "retire"}


def _visible_or_404(request: HttpRequest, pk: int) -> SocialAccount:
    return get_object_or_404(selectors.visible_accounts(user=request.user), pk=pk)


def _policies() -> Any:
    return Policy.objects.exclude(state=PolicyState.RETIRED).order_by("title")


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    """The accounts of the units the user sees, filtered, a page at a time."""
    form = AccountFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    accounts = selectors.account_list(
        user=request.user,
        state=data.get("state", ""),
        channel=data.get("channel", ""),
        overdue=bool(data.get("overdue")),
    )
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "social_accounts/account_list.html",
        {
            "form": form,
            "page": page,
            "accounts": page.object_list,
            "today": timezone.localdate(),
            "query": query.urlencode(),
            "may_request": bool(access.visible_unit_ids(request.user, access.PROPOSE)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_create(request: HttpRequest) -> HttpResponse:
    """Request a new account for one of the user's units (403 for someone who
    proposes in none)."""
    units = access.visible_units(request.user, access.PROPOSE).order_by("name")
    if not units.exists():
        raise PermissionDenied(_("You may not request accounts."))
    user = signed_in_user(request)
    initiatives = Initiative.objects.filter(business_unit__in=units).order_by("title")
    form = AccountForm(
        request.POST or None,
        units=units,
        initiatives=initiatives,
        policies=_policies(),
        initial={"owner": user, "business_unit": units.first() if len(units) == 1 else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            account = services.account_request(actor=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Your request was sent; the CoE decides on it."))
            return HttpResponseRedirect(reverse("social_accounts:detail", args=[account.pk]))
    return render(request, "social_accounts/account_form.html", {"form": form, "account": None})


@login_required
@require_http_methods(["GET", "POST"])
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    account = _visible_or_404(request, pk)
    if not selectors.may_edit(request.user, account):
        raise PermissionDenied(_("You may not edit this account."))
    form = AccountForm(
        request.POST or None,
        units=None,
        initiatives=None,
        policies=_policies(),
        initial={
            "channel": account.channel,
            "handle": account.handle,
            "url": account.url,
            "purpose": account.purpose,
            "policies": list(account.policies.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.account_update(
                actor=signed_in_user(request), account=account, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except Conflict as conflict:
            messages.error(request, str(conflict))
        else:
            messages.success(request, _("The account was saved."))
            return HttpResponseRedirect(reverse("social_accounts:detail", args=[account.pk]))
    return render(request, "social_accounts/account_form.html", {"form": form, "account": account})


@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = _visible_or_404(request, pk)
    user = request.user
    rights = transitions.rights_of(user, account)
    available = [
        {
            "name": t.name,
            "label": TRANSITION_LABELS[t.name],
            "comment_required": t.comment_required,
            "danger": t.name in DANGER,
        }
        for t in transitions.available_transitions(user, account, rights)
    ]
    may_link = selectors.may_link_initiatives(user, account)
    linked = list(account.initiatives.order_by("title"))
    return render(
        request,
        "social_accounts/account_detail.html",
        {
            "account": account,
            "today": timezone.localdate(),
            "overdue": account.is_recertification_overdue(),
            "transitions": available,
            "comment_required": any(t["comment_required"] for t in available),
            "initiatives": linked,
            "policies": list(account.policies.order_by("title")),
            "may_edit": selectors.may_edit(user, account),
            "may_recertify": selectors.may_recertify(user, account),
            "reassign_form": ReassignForm(
                initial={"owner": account.owner, "backup_owner": account.backup_owner}
            )
            if selectors.may_reassign(user, account)
            else None,
            "link_form": LinkForm(
                initiatives=Initiative.objects.filter(
                    business_unit_id=account.business_unit_id
                ).order_by("title"),
                initial={"initiatives": linked},
            )
            if may_link
            else None,
            "history": account.history.select_related("history_user").order_by("-history_date")[
                :20
            ],
        },
    )


def _back(account: SocialAccount) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("social_accounts:detail", args=[account.pk]))


@login_required
@require_POST
def account_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Take a transition: 404 unseen or unknown, 403 without the right; a
    wrong state, a lost race or a missing comment is a message on the page."""
    account = _visible_or_404(request, pk)
    if name not in selectors.TRANSITIONS:
        raise Http404
    authorization = transitions.authorize(request.user, account, name)
    if not authorization.allowed:
        raise PermissionDenied(authorization.reason)
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        services.account_transition(
            actor=signed_in_user(request), account=account, name=name, comment=comment
        )
    except (TransitionNotAllowed, ConcurrentTransition):
        account.refresh_from_db()
        messages.error(
            request,
            _("This account is now %(state)s: nothing was changed.")
            % {"state": account.get_state_display().lower()},
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": TRANSITION_LABELS[name]})
    return _back(account)


@login_required
@require_POST
def account_recertify(request: HttpRequest, pk: int) -> HttpResponse:
    account = _visible_or_404(request, pk)
    if not selectors.holds_recertify_right(request.user, account):
        raise PermissionDenied(_("You may not recertify this account."))
    form = CommentForm(request.POST)
    try:
        account = services.account_recertify(
            actor=signed_in_user(request),
            account=account,
            comment=form.cleaned_data["comment"] if form.is_valid() else "",
        )
    except (Conflict, PermissionDenied) as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("Recertified: the next recertification is due on %(day)s.")
            % {"day": account.recertification_due},
        )
    return _back(account)


@login_required
@require_POST
def account_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    account = _visible_or_404(request, pk)
    if not selectors.holds_reassign_right(request.user, account):
        raise PermissionDenied(_("You may not reassign this account."))
    form = ReassignForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _back(account)
    try:
        services.account_reassign(
            actor=signed_in_user(request), account=account, **form.cleaned_data
        )
    except (Conflict, PermissionDenied) as refusal:
        messages.error(request, str(refusal))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The account has new owners."))
    next_url = request.POST.get("next", "")
    if next_url.startswith("/social-accounts/"):
        return HttpResponseRedirect(next_url)
    return _back(account)


@login_required
@require_POST
def account_initiatives(request: HttpRequest, pk: int) -> HttpResponse:
    account = _visible_or_404(request, pk)
    if not selectors.may_link_initiatives(request.user, account):
        raise PermissionDenied(_("You may not edit this account."))
    form = LinkForm(
        request.POST,
        initiatives=Initiative.objects.filter(business_unit_id=account.business_unit_id),
    )
    if form.is_valid():
        try:
            services.account_initiatives_set(
                actor=signed_in_user(request),
                account=account,
                initiatives=form.cleaned_data["initiatives"],
            )
        except (Conflict, PermissionDenied) as refusal:
            messages.error(request, str(refusal))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The initiatives that use the account were saved."))
    else:
        messages.error(request, _("Choose initiatives of the account's unit."))
    return _back(account)


# Reassignments of deactivated users (the CoE lead's).


def _coe_lead_only(request: HttpRequest) -> None:
    if not selectors.is_coe_lead(request.user):
        raise PermissionDenied(_("Only the CoE lead reassigns what deactivated people held."))


@login_required
def reassignment_list(request: HttpRequest) -> HttpResponse:
    _coe_lead_only(request)
    page = Paginator(
        Reassignment.objects.select_related("user", "resolved_by").order_by(
            "resolved_at", "-created_at", "-id"
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(request, "social_accounts/reassignment_list.html", {"page": page, "query": ""})


@login_required
@require_http_methods(["GET", "POST"])
def reassignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _coe_lead_only(request)
    reassignment = get_object_or_404(Reassignment.objects.select_related("user"), pk=pk)
    if request.method == "POST":
        form = CommentForm(request.POST)
        try:
            services.reassignment_resolve(
                actor=signed_in_user(request),
                reassignment=reassignment,
                comment=form.cleaned_data["comment"] if form.is_valid() else "",
            )
        except Conflict as conflict:
            messages.error(request, str(conflict))
        else:
            messages.success(request, _("The reassignment is complete."))
        return HttpResponseRedirect(reverse("social_accounts:reassignment", args=[pk]))
    person = reassignment.user
    return render(
        request,
        "social_accounts/reassignment_detail.html",
        {
            "reassignment": reassignment,
            "person": person,
            "accounts": [
                (a, ReassignForm(prefix=f"a{a.pk}")) for a in selectors.accounts_held(user=person)
            ],
            "initiatives": selectors.initiatives_held(user=person),
            "policies": selectors.policies_held(user=person),
            "other_items": [
                (entry.title, list(entry.read(person))) for entry in selectors.open_items
            ],
        },
    )


# What other pages show of accounts.


def initiative_accounts_section(
    request: HttpRequest, initiative: Initiative, page: Mapping[str, Any]
) -> Panel:
    """The section of an initiative's page (after its details): the registered
    accounts it uses, its free-text channels beside them, and for whoever may
    link them, the accounts that match."""
    accounts = selectors.accounts_for_initiative(initiative=initiative)
    matches = (
        selectors.matching_accounts(initiative=initiative) if selectors.is_coe(request.user) else []
    )
    return Panel(
        key="social_accounts",
        title=gettext_lazy("Social accounts"),
        template="social_accounts/_initiative_section.html",
        context={
            "initiative": initiative,
            "accounts": accounts,
            "channels": initiative.channels,
            "matches": matches,
        },
    )


@login_required
@require_POST
def initiative_match(request: HttpRequest, pk: int, account_pk: int) -> HttpResponse:
    """The CoE matches an initiative's channel text to a registered account."""
    account = _visible_or_404(request, account_pk)
    initiative = get_object_or_404(
        Initiative.objects.filter(business_unit_id__in=access.visible_unit_ids(request.user)),
        pk=pk,
    )
    if not selectors.is_coe(request.user):
        raise PermissionDenied(_("Only the CoE matches channels to accounts."))
    try:
        services.account_link_initiative(
            actor=signed_in_user(request), account=account, initiative=initiative
        )
    except (Conflict, PermissionDenied) as refusal:
        messages.error(request, str(refusal))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The initiative now names the account %(account)s.") % {"account": account}
        )
    return HttpResponseRedirect(reverse("initiatives:detail", args=[initiative.pk]))


def accounts_panel(request: HttpRequest, roles: frozenset[str]) -> Panel | None:
    """Home: the accounts the user owns that are due for recertification."""
    if not request.user.is_authenticated:
        return None
    today = timezone.localdate()
    mine = (
        selectors.visible_accounts(user=request.user)
        .filter(state__in=("active", "dormant"))
        .filter(recertification_due__lte=today + datetime.timedelta(days=30))
        .filter(owner_id=request.user.pk)
        .order_by("recertification_due")[:10]
    )
    rows = list(mine)
    if not rows:
        return None
    return Panel(
        key="accounts_to_recertify",
        title=gettext_lazy("Accounts to recertify"),
        template="social_accounts/_home_panel.html",
        context={"accounts": rows, "today": today},
    )
