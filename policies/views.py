"""The policy pages. Thin: reads come from policies.selectors, every write
(acknowledging, a policy's transitions) goes through policies.services, the
same functions the API calls. Who may see what is the API's answer: the CoE and auditors see every
policy, drafts and history included; staff and sponsors see the version in
force of the policies that apply to their units."""

import datetime
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from governance import access, transitions
from governance.errors import Conflict
from governance.models import BusinessUnit
from governance.registry import Panel
from governance.requests import HtmxHttpRequest, signed_in_user
from policies import selectors, services
from policies.forms import AsOfForm, PublishForm, TransitionForm
from policies.models import Acknowledgment, Category, Policy, PolicyVersion, State, TwoPersonRule
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
    only published policies: the version in force, else the scheduled one;
    selectors.with_versions read it)."""
    shown = getattr(policy, "reader_version", None)
    if sees_all or shown is None:
        return policy
    return shown


def _rows(policies: QuerySet[Policy], sees_all: bool) -> list[dict[str, Any]]:
    today = timezone.localdate()
    rows = []
    for policy in selectors.with_versions(policies=policies):
        shown = _shown(policy, sees_all)
        mine = selectors.my_acknowledged_version(policy=policy)
        acknowledged = selectors.acknowledged_in_force(policy=policy)
        rows.append(
            {
                "policy": policy,
                "title": shown.title,
                "category": shown.category,
                # The CoE reads the newest version; staff the one in force.
                "version": policy.version if sees_all else shown.version,
                "upcoming": getattr(policy, "upcoming_version", None),
                "state_label": STATE_LABELS.get(policy.state, policy.state),
                "overdue": policy.is_overdue(today),
                "acknowledged": acknowledged,
                "acknowledged_older": mine is not None and not acknowledged,
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
            "can_draft": access.EDIT_POLICIES in access.organization_rights(request.user),
        },
    )


def _acknowledgment_context(
    request: HttpRequest, policy: Policy, *, may: bool | None = None
) -> dict[str, Any]:
    """What the acknowledgment box shows: the version in force and a scheduled
    one, each with whether the user acknowledged it. `may`: whether the user
    may acknowledge, when already decided (else asked)."""
    if may is None:
        may = selectors.may_acknowledge(user=request.user, policy=policy)
    if not may:
        return {"policy": policy, "may_acknowledge": False}
    in_force = selectors.version_in_force(policy=policy)
    upcoming = selectors.upcoming_version(policy=policy)
    mine = set(
        Acknowledgment.objects.filter(policy=policy, user=signed_in_user(request)).values_list(
            "version", flat=True
        )
    )
    return {
        "policy": policy,
        "may_acknowledge": True,
        "in_force": in_force,
        "upcoming": upcoming,
        "acknowledged": in_force is not None and in_force.version in mine,
        "acknowledged_older": bool(mine) and (in_force is None or in_force.version not in mine),
        "acknowledged_upcoming": upcoming is not None and upcoming.version in mine,
    }


def _as_of_context(request: HttpRequest, policy: Policy) -> dict[str, Any]:
    form = AsOfForm(request.GET if "as_of" in request.GET else None)
    context: dict[str, Any] = {"as_of_form": form, "as_of_asked": form.is_bound}
    if form.is_valid():
        day = form.cleaned_data["as_of"]
        context["as_of_day"] = day
        context["as_of_version"] = selectors.version_in_force(policy=policy, on=day)
    return context


def _coverage(policy: Policy) -> list[dict[str, Any]]:
    rows = selectors.coverage(policy=policy)
    for row in rows:
        row["outdated_text"] = ", ".join(
            f"{item['user']} (v{item['version']})" for item in row["outdated"]
        )
    return rows


# What each transition's button says, and what the page says once it is done.
TRANSITION_LABELS: "dict[str, StrPromise]" = {
    "submit": gettext_lazy("Submit for review"),
    "return_to_draft": gettext_lazy("Return to draft"),
    "publish": gettext_lazy("Publish"),
    "revise": gettext_lazy("Start a new version"),
    "retire": gettext_lazy("Retire"),
}
assert set(TRANSITION_LABELS) == set(selectors.TRANSITIONS)
TRANSITION_DONE: "dict[str, StrPromise]" = {
    "submit": gettext_lazy("Submitted for review: a CoE lead who did not write it may publish it."),
    "return_to_draft": gettext_lazy("Returned to draft for changes."),
    "publish": gettext_lazy("Published as version %(version)s, in effect from %(day)s."),
    "revise": gettext_lazy(
        "A new version is open as a draft; the published version stays in force until "
        "the next one is published."
    ),
    "retire": gettext_lazy("Retired: the policy is no longer in force."),
}
# Transitions whose result cannot be undone ask for an explicit confirmation.
CONFIRM_TRANSITIONS = frozenset({"retire"})


def _transition_form(name: str, data: Any = None) -> PublishForm | TransitionForm:
    # Prefixed: several forms on one page, each field with its own id.
    if name == "publish":
        return PublishForm(data, prefix=name)
    rule = selectors.TRANSITIONS[name]
    return TransitionForm(
        data,
        prefix=name,
        comment_required=rule.comment_required,
        needs_confirm=name in CONFIRM_TRANSITIONS,
    )


def _transitions_context(
    request: HttpRequest, policy: Policy, bound: PublishForm | TransitionForm | None = None
) -> dict[str, Any]:
    """The buttons the user may press now (the view decides, not the template),
    and why a transition the state allows is barred for them (separation of
    duties), so that the page can say so. `bound`: a form sent back with errors."""
    if not selectors.sees_all_policies(user=request.user):
        return {"policy_transitions": [], "barred": [], "can_edit": False}
    rights = transitions.rights_of(request.user, policy)
    available: list[dict[str, Any]] = []
    allowed = transitions.available_transitions(request.user, policy, rights)
    # What cannot be undone comes last.
    for transition in sorted(allowed, key=lambda t: t.name in CONFIRM_TRANSITIONS):
        name = transition.name
        form = bound if bound is not None and bound.prefix == name else _transition_form(name)
        available.append(
            {
                "name": name,
                "label": TRANSITION_LABELS[name],
                "target_label": STATE_LABELS.get(transition.target, transition.target),
                "confirm": name in CONFIRM_TRANSITIONS,
                "form": form,
            }
        )
    return {
        "policy_transitions": available,
        "barred": transitions.barred_reasons(request.user, policy, rights),
        "can_edit": policy.is_editable and rights.has(access.EDIT_POLICIES),
    }


def _detail_context(
    request: HttpRequest, policy: Policy, bound: PublishForm | TransitionForm | None = None
) -> dict[str, Any]:
    sees_all = selectors.sees_all_policies(user=request.user)
    as_of = _as_of_context(request, policy)
    selectors.with_versions(policies=[policy])
    shown = _shown(policy, sees_all)
    versions = policy.versions.select_related("published_by").order_by("-version")
    in_force = getattr(policy, "in_force_version", None)
    return {
        "policy": policy,
        "in_force_version": in_force,
        "upcoming_version": getattr(policy, "upcoming_version", None),
        "shown_version": policy.version if sees_all else shown.version,
        "today": timezone.localdate(),
        "title": shown.title,
        "category_label": CATEGORY_LABELS.get(shown.category, shown.category),
        "state_label": STATE_LABELS.get(policy.state, policy.state),
        "body_html": render_markdown(shown.body),
        "working_copy": sees_all and policy.state in (State.DRAFT, State.IN_REVIEW),
        "overdue": policy.is_overdue(),
        "units": list(policy.business_units.all()),
        "versions": versions,
        "sees_all": sees_all,
        "coverage": _coverage(policy) if sees_all and in_force is not None else None,
        "may_request_exception": in_force is not None
        and selectors.may_request_exceptions(user=request.user),
        **as_of,
        **_acknowledgment_context(request, policy),
        **_transitions_context(request, policy, bound),
    }


@login_required
def policy_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy = _visible_or_404(request, pk)
    if request.htmx and request.htmx.target == "as-of-result":
        return render(
            request,
            "policies/_as_of.html",
            {"policy": policy, **_as_of_context(request, policy)},
        )
    return render(request, "policies/policy_detail.html", _detail_context(request, policy))


def transition_refusal(
    request: HttpRequest, obj: Any, name: str, rule: Any, detail_url: str
) -> HttpResponse | None:
    """None when the user may take `name` on `obj`. Otherwise 403 for someone
    without the rule's right at all, and for a right barred by separation of
    duties a message on the object's page (the page says why the button is
    missing)."""
    rights = transitions.rights_of(request.user, obj)
    authorization = rights.authorize(name)
    if authorization.allowed:
        return None
    if rights.holding(rule.rights) is None:
        raise PermissionDenied(authorization.reason)
    messages.error(request, str(authorization.reason))
    return HttpResponseRedirect(detail_url)


@login_required
@require_POST
def policy_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Take a transition of the policy. 404 for a policy the user cannot see or
    an unknown name, 403 for someone without the right; separation of duties,
    a lost race or a wrong state is a message on the page, and invalid input
    (an effective date in the past) re-renders the page with the message at
    the field."""
    policy = _visible_or_404(request, pk)
    if name not in selectors.TRANSITIONS:
        raise Http404
    detail_url = reverse("policies:detail", args=[policy.pk])
    refused = transition_refusal(request, policy, name, selectors.TRANSITIONS[name], detail_url)
    if refused is not None:
        return refused
    form = _transition_form(name, request.POST)
    if form.is_valid():
        try:
            policy = services.policy_transition(
                actor=signed_in_user(request),
                policy=policy,
                name=name,
                comment=form.cleaned_data["comment"],
                effective_date=form.cleaned_data.get("effective_date"),
            )
        except PermissionDenied as refusal:
            messages.error(request, str(refusal))
            return HttpResponseRedirect(detail_url)
        except (TransitionNotAllowed, ConcurrentTransition):
            policy.refresh_from_db()
            messages.error(
                request,
                _(
                    "This action is no longer possible: the policy is now %(state)s. "
                    "Someone may have acted before you; the page shows the current state."
                )
                % {"state": str(STATE_LABELS.get(policy.state, policy.state)).lower()},
            )
            return HttpResponseRedirect(detail_url)
        except ValidationError as error:
            if isinstance(form, PublishForm):
                form.add_service_errors(error)
            else:
                form.add_error(None, error.messages)
        else:
            done = TRANSITION_DONE[name]
            if name == "publish":
                assert policy.effective_date is not None
                done = done % {  # type: ignore[assignment]
                    "version": policy.version,
                    "day": formats.date_format(policy.effective_date, "DATE_FORMAT"),
                }
            messages.success(request, str(done))
            return HttpResponseRedirect(detail_url)
    # Invalid input: the page again, with the message at the field and the input kept.
    policy = _visible_or_404(request, pk)
    return render(
        request, "policies/policy_detail.html", _detail_context(request, policy, bound=form)
    )


@login_required
@require_POST
def policy_acknowledge(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Acknowledge the version in force. 404 for a policy the user cannot see,
    403 for anyone who is not staff of a unit it applies to."""
    policy = _visible_or_404(request, pk)
    raw = request.POST.get("version", "")
    version = int(raw) if raw.isdigit() and len(raw) < 10 else None
    may: bool | None = None
    try:
        acknowledgment = services.policy_acknowledge(
            actor=signed_in_user(request), policy=policy, version=version
        )
    except Conflict:
        messages.error(
            request, _("This policy is no longer in force; there is nothing to acknowledge.")
        )
        # Retired meanwhile: the answer leaves only the message.
        may = False
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        # The service's decision is the answer's: the user may acknowledge.
        may = True
        messages.success(
            request,
            _("You acknowledged version %(version)s of “%(title)s”.")
            % {
                "version": acknowledgment.version,
                "title": policy.versions.get(version=acknowledgment.version).title,
            },
        )
    # The answer shows the box as it is now, the new acknowledgment included.
    context = _acknowledgment_context(request, policy, may=may)
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
    published = selectors.version_records(
        policy=policy, versions=[policy.version, policy.version - 1]
    )
    latest, previous = published.get(policy.version), published.get(policy.version - 1)
    return render(
        request,
        "policies/policy_history.html",
        {
            "policy": policy,
            "page": page,
            "rows": rows,
            # Preselected: the latest published version against the one before.
            "default_to": latest.history_id if latest else None,
            "default_from": previous.history_id if previous else None,
        },
    )


_MAX_HISTORY_ID = 2**31 - 1


def _number(request: HttpRequest, name: str) -> int:
    raw = request.GET.get(name, "")
    # Bounded so that the database's integer type never overflows (a 500).
    if not raw.isdigit() or int(raw) > _MAX_HISTORY_ID:
        raise Http404
    return int(raw)


def _diff_url(policy: Policy, **query: int) -> str:
    return f"{reverse('policies:diff', args=[policy.pk])}?{urlencode(query)}"


def _version_text(row: Any) -> str:
    label = selectors.version_label(version=row.version, state=row.state)
    if label["number"] is not None:
        return _("version %(number)s") % {"number": label["number"]}
    return _("draft of version %(number)s") % {"number": label["draft_of"]}


def _records_to_compare(request: HttpRequest, policy: Policy) -> tuple[Any, Any] | str:
    """The two history rows the diff compares, or the address to go to instead.

    `?from=1&to=3` are published version numbers; `?from_record=&to_record=`
    are two history rows picked on the history page (a draft's edits have no
    version number). Without either, the latest published version against the
    one before it. An old address with record ids in from/to is sent on."""
    if "from_record" in request.GET or "to_record" in request.GET:
        ids = {_number(request, "from_record"), _number(request, "to_record")}
        found = list(selectors.history_of(policy=policy).filter(history_id__in=ids))
        if len(found) != len(ids):
            raise Http404
        found.sort(key=lambda row: row.history_id)
        return found[0], found[-1]
    if "from" not in request.GET and "to" not in request.GET:
        if policy.version >= 2:
            return _diff_url(policy, **{"from": policy.version - 1, "to": policy.version})
        # Nothing published twice yet: the history shows what there is.
        return reverse("policies:history", args=[policy.pk])
    numbers = {_number(request, "from"), _number(request, "to")}
    published = selectors.version_records(policy=policy, versions=numbers)
    if len(published) == len(numbers):
        # Either order in the address: the older version is the one compared from.
        return published[min(numbers)], published[max(numbers)]
    records = selectors.history_of(policy=policy).filter(history_id__in=numbers)
    if len(numbers) == 2 and records.count() == 2:
        low, high = sorted(numbers)
        return _diff_url(policy, from_record=low, to_record=high)
    raise Http404


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
    pair = _records_to_compare(request, policy)
    if isinstance(pair, str):
        return HttpResponseRedirect(pair)
    older, newer = pair
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
            "older_version": _version_text(older),
            "newer_version": _version_text(newer),
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
            "policies": selectors.with_versions(
                policies=selectors.missing_acknowledgments(user=signed_in_user(request))[
                    :PANEL_SIZE
                ]
            ),
            "next": request.get_full_path(),
        },
    )


def two_person_rule_panel(request: HttpRequest, roles: frozenset[str]) -> Panel | None:
    """Audit page section: whether a policy's authors may publish it, the last
    change with its reason, and for the CoE lead the switch (registered in
    PoliciesConfig.ready())."""
    return Panel(
        "two_person_rule",
        gettext_lazy("Two-person rule for policies"),
        "policies/_two_person_rule.html",
        {
            "rule": TwoPersonRule.current(),
            "may_set": access.SET_CONTROLS in access.organization_rights(request.user),
        },
    )


@login_required
@require_POST
def two_person_rule(request: HttpRequest) -> HttpResponse:
    """Switch the two-person rule (the CoE lead, with a reason); back to the audit page."""
    enabled = request.POST.get("enabled") == "on"
    try:
        services.two_person_rule_set(
            actor=signed_in_user(request), enabled=enabled, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The two-person rule for policies is on.")
            if enabled
            else _("The two-person rule for policies is off."),
        )
    return HttpResponseRedirect(reverse("audit-log") + "#panel-two_person_rule")


def attestation_note(*, user: User, unit_id: int) -> dict[str, Any]:
    """Shown before an initiative's submit button: the statement the submitter
    makes, and each policy in force for the unit with its version and whether
    they acknowledged it (a link to do so if not)."""
    units = BusinessUnit.objects.filter(pk=unit_id)
    due = set(
        selectors.unacknowledged_in_force(user=user, units=units).values_list("pk", flat=True)
    )
    policies = selectors.with_versions(
        policies=selectors.policies_in_force_for_units(units=units).order_by("title", "id")
    )
    return {
        "policies": [
            {"policy": p, "version": p.in_force_version, "acknowledged": p.pk not in due}  # type: ignore[attr-defined]
            for p in policies
        ],
        "due": len(due),
    }
