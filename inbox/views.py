"""The inbox pages: what waits for me, my notifications, my profile, and the
delegation of a sponsor's sign-off. Thin: reads through inbox.selectors,
writes through the services."""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from committees import sources as committee_sources
from governance import registry
from governance.errors import Conflict
from governance.requests import signed_in_user
from inbox import selectors, services, sources
from inbox.forms import DelegationForm, ProfileForm
from inbox.middleware import set_language_cookie
from sponsors import selectors as sponsor_selectors
from sponsors import services as sponsor_services
from sponsors.models import Delegation, ExecutiveSponsor, NotificationKind, NotificationPreference


def _active(delegation: Delegation, today: datetime.date) -> bool:
    return delegation.ended_at is None and delegation.starts_on <= today <= delegation.ends_on


def _current(delegation: Delegation, today: datetime.date) -> bool:
    """Active now or starting later: something the sponsor may still end."""
    return delegation.ended_at is None and today <= delegation.ends_on


PAGE_SIZE = 25

KIND_LABELS = {
    sources.REVIEW: gettext_lazy("Review the initiative"),
    sources.SIGNOFF: gettext_lazy("Sign off as sponsor"),
    sources.RETURNED: gettext_lazy("Changes requested: revise and resubmit"),
    sources.AMENDMENT_REVIEW: gettext_lazy("Review the amendment"),
    sources.AMENDMENT_SIGNOFF: gettext_lazy("Sign off on the amendment"),
    sources.FINANCE: gettext_lazy("Approve the budget for finance"),
    sources.AMENDMENT_FINANCE: gettext_lazy("Approve the amendment's budget for finance"),
    sources.EXCEPTION: gettext_lazy("Decide the policy exception"),
    sources.ACKNOWLEDGE: gettext_lazy("Acknowledge the policy"),
    sources.POLICY_REVIEW: gettext_lazy("Review the policy you own"),
    # Kinds registered by the apps above (social_accounts, incidents).
    "social_account.decide": gettext_lazy("Decide the account request"),
    "social_account.activate": gettext_lazy("Open the approved account and mark it live"),
    "social_account.recertify": gettext_lazy("Recertify the account you own"),
    "social_account.reassign": gettext_lazy("Reassign what a deactivated person held"),
    "incident.respond": gettext_lazy("Respond to the incident"),
    committee_sources.VOTE: gettext_lazy("Vote in the committee"),
}


@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    """Everything waiting for the user, oldest first, a page at a time."""
    user = signed_in_user(request)
    page = Paginator(selectors.tasks(user=user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        (task, KIND_LABELS.get(task.kind) or registry.task_labels.get(task.kind) or task.kind)
        for task in selectors.as_tasks(page.object_list)
    ]
    return render(request, "inbox/task_list.html", {"page": page, "rows": rows})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first, unread ones marked."""
    user = signed_in_user(request)
    page = Paginator(selectors.notifications_of(user=user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(n, selectors.notification_url(n)) for n in page.object_list]
    return render(request, "inbox/notification_list.html", {"page": page, "rows": rows})


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = default
    return HttpResponseRedirect(target or default)


@require_POST
@login_required
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of one's own notifications read; anyone else's is 404."""
    user = signed_in_user(request)
    notification = selectors.notifications_of(user=user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    services.notification_mark_read(actor=user, notification=notification)
    return _back(request, reverse("inbox:notifications"))


@require_POST
@login_required
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(actor=signed_in_user(request))
    messages.success(
        request,
        translation.ngettext(
            "%(count)d notification marked read.", "%(count)d notifications marked read.", count
        )
        % {"count": count},
    )
    return _back(request, reverse("inbox:notifications"))


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The user's email address, language and notification choices."""
    user = signed_in_user(request)
    preference = NotificationPreference.objects.filter(user=user).first()
    form = ProfileForm(request.POST or None, initial=ProfileForm.initial_for(user, preference))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.email_set(actor=user, email=data["email"])
            preference = sponsor_services.notifications_set(
                actor=user,
                email_enabled=data["email_enabled"],
                kinds={kind: data[f"email_{kind}"] for kind in NotificationKind},
                language=data["language"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            # Said in the language the pages come in from now on.
            with translation.override(preference.language or translation.get_language()):
                messages.success(request, gettext("Your profile was saved."))
            response = HttpResponseRedirect(reverse("inbox:profile"))
            if preference.language:
                set_language_cookie(response, preference.language)
            return response
    return render(request, "inbox/profile.html", {"form": form}, status=400 if form.errors else 200)


def _delegation_context(user: Any, form: DelegationForm) -> dict[str, Any]:
    delegations = sponsor_selectors.delegations_for(user=user).filter(
        Q(sponsor__user_id=user.pk) | Q(delegate_id=user.pk)
    )
    today = timezone.localdate()
    rows = [(d, _active(d, today), _current(d, today)) for d in delegations]
    return {
        "form": form,
        "is_sponsor": ExecutiveSponsor.objects.filter(user=user).exists(),
        "given": [row for row in rows if row[0].sponsor.user_id == user.pk],
        "received": [row for row in rows if row[0].delegate_id == user.pk],
    }


@login_required
def delegations(request: HttpRequest) -> HttpResponse:
    """A sponsor's delegations of their sign-off: set one up, see them, end one.
    Anyone sees those they received; only a sponsor may set one up (403)."""
    user = signed_in_user(request)
    form = DelegationForm(request.POST or None)
    if request.method == "POST":
        if not ExecutiveSponsor.objects.filter(user=user).exists():
            raise PermissionDenied(
                gettext("Only an executive sponsor can delegate their sign-off.")
            )
        if form.is_valid():
            data = form.cleaned_data
            try:
                delegation = sponsor_services.delegation_create(
                    actor=user,
                    delegate=data["delegate"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    reason=data["reason"],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    gettext("%(delegate)s now signs off on your behalf from %(start)s to %(end)s.")
                    % {
                        "delegate": delegation.delegate.get_username(),
                        "start": delegation.starts_on.isoformat(),
                        "end": delegation.ends_on.isoformat(),
                    },
                )
                return HttpResponseRedirect(reverse("inbox:delegations"))
    return render(
        request,
        "inbox/delegation_list.html",
        _delegation_context(user, form),
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def delegation_end(request: HttpRequest, pk: int) -> HttpResponse:
    """End a delegation: 404 for one the user may not see (as the API), 403
    for anyone but its sponsor, 409 for one already over."""
    user = signed_in_user(request)
    delegation = sponsor_selectors.delegations_for(user=user).filter(pk=pk).first()
    if delegation is None:
        raise Http404
    try:
        sponsor_services.delegation_end(actor=user, delegation=delegation)
    except Conflict as conflict:
        messages.error(request, str(conflict))
        response = render(
            request,
            "inbox/delegation_list.html",
            _delegation_context(user, DelegationForm()),
            status=409,
        )
        return response
    messages.success(
        request,
        gettext("The delegation to %(delegate)s has ended.")
        % {"delegate": delegation.delegate.get_username()},
    )
    return HttpResponseRedirect(reverse("inbox:delegations"))
