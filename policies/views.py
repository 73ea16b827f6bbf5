"""The policy pages. Thin: reads come from policies.selectors, the one write
(acknowledging) goes through policies.services, the same functions the API
calls. Who may see what is the API's answer: the CoE and auditors see every
policy, drafts and history included; staff and sponsors see the version in
force of the policies that apply to their units."""

import datetime
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from governance import access
from governance.errors import Conflict
from governance.models import BusinessUnit
from governance.registry import Panel
from governance.requests import HtmxHttpRequest, signed_in_user
from policies import selectors, services
from policies.forms import AsOfForm
from policies.models import Category, Policy, PolicyVersion, State
from policies.rendering import render_markdown

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

HISTORY_PAGE_SIZE = 25

# The model's labels are English only; the pages show these.
CATEGORY_LABELS: "dict[str, StrPromise]" = {
    Category.SOCIAL_MEDIA: gettext_lazy("Social media policy"),
    Category.BRAND_VOICE: gettext_lazy("Brand voice"),
    Category.COMMUNITY_RESPONSE: gettext_lazy("Community response and triage"),
    Category.CRISIS_ESCALATION: gettext_lazy("Crisis escalation"),
    Category.EMPLOYEE_ADVOCACY: gettext_lazy("Employee advocacy"),
    Category.PRIVACY: gettext_lazy("Privacy and data"),
    Category.DISCLOSURE: gettext_lazy("Disclosure and compliance"),
    Category.ACCOUNT_SECURITY: gettext_lazy("Account security"),
}
assert set(CATEGORY_LABELS) == set(Category)

STATE_LABELS: "dict[str, StrPromise]" = {
    State.DRAFT: gettext_lazy("Draft"),
    State.IN_REVIEW: gettext_lazy("In review"),
    State.PUBLISHED: gettext_lazy("Published"),
    State.RETIRED: gettext_lazy("Retired"),
}
assert set(STATE_LABELS) == set(State)

# The fields a history row and a diff name.
FIELD_LABELS = {
    "title": gettext_lazy("Title"),
    "category": gettext_lazy("Category"),
    "body": gettext_lazy("Body"),
    "owner": gettext_lazy("Owner"),
    "effective_date": gettext_lazy("Effective date"),
    "review_interval_months": gettext_lazy("Review interval (months)"),
    "next_review_due": gettext_lazy("Next review"),
    "version": gettext_lazy("Version"),
    "state": gettext_lazy("State"),
    "retired_at": gettext_lazy("Retired"),
    "business_units": gettext_lazy("Business units"),
}


def _visible_or_404(request: HttpRequest, pk: int) -> Policy:
    """The policy if the user may see it; 404 otherwise, so that outsiders
    cannot tell what exists."""
    return get_object_or_404(selectors.visible_policies(user=request.user), pk=pk)


def _require_all(request: HttpRequest) -> None:
    if not selectors.sees_all_policies(user=request.user):
        raise PermissionDenied(_("Only the CoE and auditors read the history of a policy."))


def _shown(policy: Policy, sees_all: bool) -> Policy | PolicyVersion:
    """What the user reads: the working copy for the CoE and auditors; the
    version in force for staff and sponsors, never the working copy (they see
    only policies in force, which have one)."""
    if sees_all or policy.current_version is None:
        return policy
    return policy.current_version


def _rows(policies: QuerySet[Policy], sees_all: bool) -> list[dict[str, Any]]:
    today = timezone.localdate()
    rows = []
    for policy in policies:
        shown = _shown(policy, sees_all)
        mine = selectors.my_acknowledged_version(policy=policy)
        rows.append(
            {
                "policy": policy,
                "title": shown.title,
                "category": shown.category,
                "state_label": STATE_LABELS.get(policy.state, policy.state),
                "overdue": policy.is_overdue(today),
                "acknowledged": mine is not None and mine == policy.version,
                "acknowledged_older": mine is not None and mine < policy.version,
            }
        )
    return rows


@login_required
def policy_list(request: HttpRequest) -> HttpResponse:
    """The policy library by category."""
    sees_all = selectors.sees_all_policies(user=request.user)
    policies = selectors.visible_policies(user=request.user).order_by("title", "id")
    is_staff = access.visible_units(request.user, access.PROPOSE).exists()
    if is_staff:
        policies = selectors.with_my_acknowledgment(policies=policies, user=signed_in_user(request))
    rows = _rows(policies, sees_all)
    categories = [
        {"key": key, "label": label, "rows": [r for r in rows if r["category"] == key]}
        for key, label in CATEGORY_LABELS.items()
    ]
    return render(
        request,
        "policies/policy_list.html",
        {
            "categories": [c for c in categories if c["rows"]],
            "count": len(rows),
            "sees_all": sees_all,
            "is_staff": is_staff,
        },
    )


def _acknowledgment_context(request: HttpRequest, policy: Policy) -> dict[str, Any]:
    if not selectors.may_acknowledge(user=request.user, policy=policy):
        return {"policy": policy, "may_acknowledge": False}
    mine = (
        selectors.with_my_acknowledgment(
            policies=Policy.objects.filter(pk=policy.pk), user=signed_in_user(request)
        )
        .values_list("my_acknowledged_version", flat=True)
        .get()
    )
    return {
        "policy": policy,
        "may_acknowledge": True,
        "acknowledged": mine == policy.version,
        "acknowledged_older": mine is not None and mine < policy.version,
    }


def _as_of_context(request: HttpRequest, policy: Policy) -> dict[str, Any]:
    form = AsOfForm(request.GET if "as_of" in request.GET else None)
    context: dict[str, Any] = {"as_of_form": form, "as_of_asked": form.is_bound}
    if form.is_valid():
        day = form.cleaned_data["as_of"]
        context["as_of_day"] = day
        context["as_of_version"] = selectors.version_as_of(policy=policy, day=day)
    return context


def _coverage(policy: Policy) -> list[dict[str, Any]]:
    rows = selectors.coverage(policy=policy)
    for row in rows:
        row["outdated_text"] = ", ".join(
            f"{item['user']} (v{item['version']})" for item in row["outdated"]
        )
    return rows


@login_required
def policy_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy = _visible_or_404(request, pk)
    sees_all = selectors.sees_all_policies(user=request.user)
    as_of = _as_of_context(request, policy)
    if request.htmx and request.htmx.target == "as-of-result":
        return render(request, "policies/_as_of.html", {"policy": policy, **as_of})
    shown = _shown(policy, sees_all)
    versions = policy.versions.select_related("published_by").order_by("-version")
    context = {
        "policy": policy,
        "title": shown.title,
        "category_label": CATEGORY_LABELS.get(shown.category, shown.category),
        "state_label": STATE_LABELS.get(policy.state, policy.state),
        "body_html": render_markdown(shown.body),
        "working_copy": sees_all and policy.state in (State.DRAFT, State.IN_REVIEW),
        "overdue": policy.is_overdue(),
        "units": list(policy.business_units.all()),
        "versions": versions,
        "sees_all": sees_all,
        "coverage": _coverage(policy) if sees_all and policy.in_force else None,
        **as_of,
        **_acknowledgment_context(request, policy),
    }
    return render(request, "policies/policy_detail.html", context)


@login_required
@require_POST
def policy_acknowledge(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Acknowledge the version in force. 404 for a policy the user cannot see,
    403 for anyone who is not staff of a unit it applies to."""
    policy = _visible_or_404(request, pk)
    try:
        acknowledgment = services.policy_acknowledge(actor=signed_in_user(request), policy=policy)
    except Conflict:
        messages.error(
            request, _("This policy is no longer in force; there is nothing to acknowledge.")
        )
        # Retired meanwhile: the answer leaves only the message.
        context: dict[str, Any] = {"policy": policy, "may_acknowledge": False}
    else:
        messages.success(
            request,
            _("You acknowledged version %(version)s of “%(title)s”.")
            % {
                "version": acknowledgment.version,
                "title": getattr(policy.current_version, "title", policy.title),
            },
        )
        # The service's decision is the answer's: the user may acknowledge, and
        # has acknowledged the version in force (the policy as the service read it).
        context = {
            "policy": acknowledgment.policy,
            "may_acknowledge": True,
            "acknowledged": True,
            "acknowledged_older": False,
        }
    if request.htmx:
        return render(request, "policies/_acknowledge.html", context)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("policies:detail", args=[policy.pk])
    return HttpResponseRedirect(target)


@login_required
def policy_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every recorded version, newest first (CoE and auditors)."""
    policy = _visible_or_404(request, pk)
    _require_all(request)
    rows_query = selectors.history_of(policy=policy)
    page = Paginator(rows_query, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    # One row past the page in the same query: the page's last row is compared
    # with the row before it, so a page costs the same however long the history.
    start = page.start_index() - 1 if page.paginator.count else 0
    fetched = list(rows_query[start : start + HISTORY_PAGE_SIZE + 1])
    predecessor = fetched[HISTORY_PAGE_SIZE] if len(fetched) > HISTORY_PAGE_SIZE else None
    rows = selectors.history_page(rows=fetched[:HISTORY_PAGE_SIZE], predecessor=predecessor)
    for row in rows:
        row["state_label"] = STATE_LABELS.get(row["state"], row["state"])
        row["fields"] = ", ".join(str(FIELD_LABELS.get(f, f)) for f in row["changed_fields"])
    return render(
        request,
        "policies/policy_history.html",
        {
            "policy": policy,
            "page": page,
            "rows": rows,
            "default_to": rows[0]["history_id"] if rows else None,
            "default_from": rows[1]["history_id"] if len(rows) > 1 else None,
        },
    )


_MAX_HISTORY_ID = 2**31 - 1


def _history_id(request: HttpRequest, name: str) -> int:
    raw = request.GET.get(name, "")
    # Bounded so that the database's integer type never overflows (a 500).
    if not raw.isdigit() or int(raw) > _MAX_HISTORY_ID:
        raise Http404
    return int(raw)


def _show(name: str, value: Any, units: dict[int, str]) -> str:
    if value in (None, "", []):
        return "—"
    if name == "business_units":
        return ", ".join(units.get(pk, str(pk)) for pk in value)
    if name == "category":
        return str(CATEGORY_LABELS.get(value, value))
    if name == "state":
        return str(STATE_LABELS.get(value, value))
    if isinstance(value, datetime.datetime):
        return formats.date_format(value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


@login_required
def policy_diff(request: HttpRequest, pk: int) -> HttpResponse:
    """Two recorded versions compared: each changed field, and the body word by word."""
    policy = _visible_or_404(request, pk)
    _require_all(request)
    ids = {_history_id(request, "from"), _history_id(request, "to")}
    found = list(selectors.history_of(policy=policy).filter(history_id__in=ids))
    if len(found) != len(ids):
        raise Http404
    found.sort(key=lambda row: row.history_id)
    # Either order in the address: the older row is always the one compared from.
    older, newer = found[0], found[-1]
    result = selectors.diff(older=older, newer=newer)
    unit_names = dict(BusinessUnit.objects.values_list("pk", "name"))
    changes = [
        {
            "field": FIELD_LABELS.get(change["field"], change["field"]),
            "old": _show(change["field"], change["old"], unit_names),
            "new": _show(change["field"], change["new"], unit_names),
        }
        for change in result["changes"]
        if change["field"] != "body"
    ]
    return render(
        request,
        "policies/policy_diff.html",
        {
            "policy": policy,
            "older": older,
            "newer": newer,
            "older_state": STATE_LABELS.get(older.state, older.state),
            "newer_state": STATE_LABELS.get(newer.state, newer.state),
            "changes": changes,
            "body_changed": older.body != newer.body,
            "words": selectors.word_diff(old=older.body, new=newer.body),
        },
    )


PANEL_SIZE = 20


def policies_panel(request: HttpRequest, roles: frozenset[str]) -> Panel | None:
    """Home panel for unit staff: the policies in force whose current version
    they have not acknowledged, each with its Acknowledge button (registered in
    PoliciesConfig.ready())."""
    if not access.visible_unit_ids(request.user, access.PROPOSE):
        return None
    return Panel(
        "policies_to_acknowledge",
        gettext_lazy("Policies to acknowledge"),
        "policies/home/_policies_to_acknowledge.html",
        {
            # A page at most; "All policies" lists the rest.
            "policies": list(
                selectors.missing_acknowledgments(user=signed_in_user(request))[:PANEL_SIZE]
            ),
            "next": request.get_full_path(),
        },
    )
