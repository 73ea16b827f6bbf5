"""The initiative pages. Thin: reads come from initiatives.selectors, every write
goes through initiatives.services, the same functions the API calls, so a
transition taken here and one taken through the API leave the same records."""

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from governance import access, money, transitions
from governance.errors import Conflict
from governance.models import BusinessUnit, OrganizationRole, StrategicGoal
from governance.registry import Panel
from governance.requests import HtmxHttpRequest, signed_in_user
from initiatives import amendment_parts, outcomes, preconditions, routing, selectors, services
from initiatives.diagram import lifecycle
from initiatives.forms import (
    CONFIRM_TRANSITIONS,
    FIELD_LABELS,
    InitiativeFilterForm,
    InitiativeForm,
    TransitionForm,
)
from initiatives.models import (
    AMENDABLE_FIELDS,
    AMENDABLE_STATES,
    Amendment,
    Audience,
    Decision,
    Function,
    Initiative,
    Risk,
    State,
)

PAGE_SIZE = 25
QUEUE_PAGE_SIZE = 25
UNIT_PANEL_SIZE = 20
SIGNOFF_PANEL_SIZE = 10
AUDIENCE_LABELS = dict(Audience.choices)
# What the history shows of an initiative as it was created.
CREATED_FIELDS = ("title", "budget", "risk", "goals", "audiences", "channels", "state")
FUNCTION_LABELS = dict(Function.choices)

# What each transition's button says.
TRANSITION_LABELS = {
    "submit": gettext_lazy("Submit for review"),
    "start_review": gettext_lazy("Start review"),
    "request_changes": gettext_lazy("Request changes"),
    "approve": gettext_lazy("Approve"),
    "reject": gettext_lazy("Reject"),
    "sponsor_approve": gettext_lazy("Approve as sponsor"),
    "sponsor_reject": gettext_lazy("Reject as sponsor"),
    "finance_approve": gettext_lazy("Approve for finance"),
    "finance_reject": gettext_lazy("Reject for finance"),
    "committee_approve": gettext_lazy("Approved by the committee's vote"),
    "committee_reject": gettext_lazy("Rejected by the committee's vote"),
    "launch": gettext_lazy("Launch"),
    "pause": gettext_lazy("Pause"),
    "resume": gettext_lazy("Resume"),
    "complete": gettext_lazy("Complete"),
    "withdraw": gettext_lazy("Withdraw"),
}
assert set(TRANSITION_LABELS) == set(selectors.TRANSITIONS)


def _visible_or_404(request: HttpRequest, pk: int) -> Initiative:
    """The initiative if the user may see it; 404 otherwise, so that outsiders
    cannot tell what exists."""
    return get_object_or_404(selectors.visible_initiatives(user=request.user), pk=pk)


def _can_propose(request: HttpRequest) -> bool:
    return bool(access.visible_unit_ids(request.user, access.PROPOSE))


def _can_edit(rights: transitions.Rights, initiative: Initiative) -> bool:
    return initiative.is_editable and rights.has(access.PROPOSE)


@login_required
def initiative_list(request: HtmxHttpRequest) -> HttpResponse:
    units = BusinessUnit.objects.filter(pk__in=access.visible_unit_ids(request.user)).order_by(
        "name"
    )
    form = InitiativeFilterForm(request.GET or None, units=units)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "state": data["state"],
            "business_unit": data["business_unit"].pk if data["business_unit"] else None,
            "goal": data["goal"].pk if data["goal"] else None,
            "text": data["q"].strip(),
            "sort": data["sort"] or "created",
            "attention": data["attention"],
        }
    queryset = selectors.search_initiatives(user=request.user, **filters)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    rows = [(i, selectors.waiting(initiative=i)) for i in items]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "can_propose": _can_propose(request),
    }
    template = (
        "initiatives/_initiative_results.html"
        if request.htmx and request.htmx.target == "results"
        else "initiatives/initiative_list.html"
    )
    return render(request, template, context)


def _labels_of_choices() -> dict[str, dict[str, Any]]:
    return {
        "state": dict(State.choices),
        "risk": dict(Risk.choices),
        "audiences": dict(Audience.choices),
        "functions": dict(Function.choices),
    }


def _show(field: str, value: Any, goal_names: dict[int, str]) -> str:
    """A field's value as people read it: labels for choices, goal titles,
    localized numbers and dates, a dash for nothing."""
    if value in (None, "", []):
        return "—"
    if field == "goals":
        ids = [row["strategicgoal"] if isinstance(row, dict) else row for row in value]
        return ", ".join(str(goal_names.get(pk, pk)) for pk in ids)
    if field == "budget" and isinstance(value, str):
        value = Decimal(value)
    if field in ("start_date", "end_date") and isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    if isinstance(value, Decimal):
        return money.amount(value, decimals=2)
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    labels = _labels_of_choices().get(field)
    if isinstance(value, list):
        return ", ".join(str(labels.get(v, v) if labels else v) for v in value)
    if labels:
        return str(labels.get(value, value))
    return str(value)


def _history(initiative: Initiative) -> list[dict[str, Any]]:
    """Each history row, newest first, with what changed against the one before."""
    records = list(initiative.history.select_related("history_user").order_by("history_id"))
    goal_names = dict(StrategicGoal.objects.values_list("pk", "title"))

    def show(field: str, value: Any) -> str:
        return _show(field, value, goal_names)

    rows = []
    previous = None
    for record in records:
        changes = []
        if previous is None:
            # The creation: what the initiative was proposed with.
            for name in CREATED_FIELDS:
                value = (
                    list(record.goals.values_list("strategicgoal_id", flat=True))
                    if name == "goals"
                    else getattr(record, name)
                )
                if value not in (None, "", []):
                    changes.append(
                        {"field": FIELD_LABELS[name], "old": None, "new": show(name, value)}
                    )
        else:
            delta = record.diff_against(previous, excluded_fields=["updated_at", "created_at"])
            for change in delta.changes:
                changes.append(
                    {
                        "field": FIELD_LABELS.get(change.field, change.field),
                        "old": show(change.field, change.old),
                        "new": show(change.field, change.new),
                    }
                )
        rows.append(
            {
                "record": record,
                "created": previous is None,
                "changes": changes,
                "reason": record.history_change_reason or "",
            }
        )
        previous = record
    rows.reverse()
    return rows


def _transition_button(t: transitions.Available, url: str, prefix: str = "") -> dict[str, Any]:
    """What a transition's form on a page needs. `prefix` keeps the ids of
    the forms of an initiative and of its amendment apart."""
    return {
        "name": t.name,
        "id": f"{prefix}{t.name}",
        "url": url,
        "label": TRANSITION_LABELS[t.name],
        # Amendments go through the same states, under the same names.
        "target_label": dict(State.choices).get(t.target, t.target),
        "comment_required": t.comment_required,
        "confirm": t.name in CONFIRM_TRANSITIONS,
        "danger": t.name in CONFIRM_TRANSITIONS,
    }


def amendment_diff(initiative: Initiative, amendment: Amendment) -> list[dict[str, Any]]:
    """Field by field, what the amendment would change: the value of the
    approved version (what the last approval pinned) and the proposed one."""
    approval = selectors.last_approval(initiative=initiative)
    approved: Any = approval.approved_version if approval else None
    goal_names = dict(StrategicGoal.objects.values_list("pk", "title"))
    rows = []
    for field in AMENDABLE_FIELDS:
        if field not in amendment.changes:
            continue
        if field == "goals":
            old: Any = sorted(
                approved.goals.values_list("strategicgoal_id", flat=True)
                if approved is not None
                else initiative.goals.values_list("pk", flat=True)
            )
        else:
            old = getattr(approved if approved is not None else initiative, field)
        rows.append(
            {
                "field": FIELD_LABELS[field],
                "old": _show(field, old, goal_names),
                "new": _show(field, amendment.changes[field], goal_names),
            }
        )
    for part in amendment_parts.amendment_parts:
        rows.extend(part.page_rows(amendment=amendment))
    return rows


def _amendment_context(
    request: HttpRequest, initiative: Initiative, amendment: Amendment
) -> dict[str, Any]:
    """The pending amendment as the initiative's page shows it: its diff
    against the approved version and the decisions the user may take on it."""
    return {
        "object": amendment,
        "state_label": dict(State.choices).get(amendment.state, amendment.state),
        "diff": amendment_diff(initiative, amendment),
        "chain": _chain(amendment),
        "transitions": [
            _transition_button(
                t,
                reverse("initiatives:amendment-transition", args=[amendment.pk, t.name]),
                prefix="amendment-",
            )
            for t in transitions.available_transitions(request.user, amendment)
        ],
    }


# Amendments move through the same states, by the same names.
STATE_LABELS: dict[str, Any] = dict(State.choices)


_WAITING_STATES = (
    State.SUBMITTED,
    State.IN_REVIEW,
    State.AWAITING_SPONSOR,
    State.AWAITING_APPROVAL,
)


def _chain(initiative: Initiative | Amendment) -> list[dict[str, Any]]:
    """The stored approval chain as the page shows it (none before submission)."""
    stored = initiative.approval_chain
    if not stored:
        return []
    named: dict[str, Any] = dict(routing.STEP_NAMES)
    if any(routing.kind_of(e["step"]) == routing.COMMITTEE for e in stored):
        named |= dict(routing.step_choices())
    waiting = initiative.state in _WAITING_STATES
    current = routing.next_step(stored) if waiting else None
    return [
        {
            "label": named.get(e["step"], routing.STEP_NAMES[routing.COMMITTEE]),
            "state": routing.STEP_STATES.get(e["state"], e["state"]),
            "current": e["step"] == current and e["state"] == routing.PENDING,
        }
        for e in stored
    ]


def _timeline_entry(decision: Decision) -> dict[str, Any]:
    """One decision as the timeline shows it: the action, the states it left
    and reached in the reader's language, and for whom a delegate decided."""
    return {
        "decision": decision,
        "label": TRANSITION_LABELS.get(decision.transition, decision.transition),
        "source": STATE_LABELS.get(decision.source, decision.source),
        "target": STATE_LABELS.get(decision.target, decision.target),
        "on_behalf_of": decision.on_behalf_of,
        "amendment": decision.amendment_id is not None,
    }


def _detail_context(
    request: HttpRequest, initiative: Initiative, rights: transitions.Rights | None = None
) -> dict[str, Any]:
    """What the page shows. `rights`: the user's rights on the initiative if
    this request has read them already."""
    rights = rights if rights is not None else transitions.rights_of(request.user, initiative)
    available = [
        _transition_button(t, reverse("initiatives:transition", args=[initiative.pk, t.name]))
        for t in transitions.available_transitions(request.user, initiative, rights)
    ]
    decisions = list(selectors.decisions_of(initiative=initiative))
    submits = any(t["name"] == "submit" for t in available)
    amendment = selectors.pending_amendment(initiative=initiative)
    return {
        "amendment": _amendment_context(request, initiative, amendment) if amendment else None,
        "can_amend": amendment is None
        and initiative.state in AMENDABLE_STATES
        and rights.has(access.LEAD),
        "initiative": initiative,
        # Read by the page's registered sections too (readiness: the checklist
        # before the approve buttons, for whoever may approve now).
        "transitions": available,
        # Before the submit button: what the submitter attests, and what to do first.
        "submit_notes": (
            preconditions.notes(user=signed_in_user(request), unit_id=initiative.business_unit_id)
            if submits
            else []
        ),
        "decisions": [_timeline_entry(d) for d in decisions],
        "chain": _chain(initiative),
        "history": _history(initiative),
        "diagram": lifecycle(initiative.state),
        "can_edit": _can_edit(rights, initiative),
        "waiting": selectors.waiting(initiative=initiative),
        "labels": FIELD_LABELS,
        "audiences": ", ".join(str(AUDIENCE_LABELS.get(a, a)) for a in initiative.audiences),
        "functions": ", ".join(str(FUNCTION_LABELS.get(f, f)) for f in initiative.functions),
    }


@login_required
def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _visible_or_404(request, pk)
    return render(
        request, "initiatives/initiative_detail.html", _detail_context(request, initiative)
    )


def _units_to_propose_in(request: HttpRequest) -> Any:
    return access.visible_units(request.user, access.PROPOSE).order_by("name")


@login_required
@require_http_methods(["GET", "POST"])
def initiative_create(request: HttpRequest) -> HttpResponse:
    units = _units_to_propose_in(request)
    if not units.exists():
        raise PermissionDenied
    # A person in one unit proposes there: no choice to make.
    only_unit = units.first() if len(units) == 1 else None
    form = InitiativeForm(request.POST or None, units=units, initial={"business_unit": only_unit})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            initiative = services.initiative_create(actor=signed_in_user(request), **data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The initiative was created as a draft."))
            return HttpResponseRedirect(reverse("initiatives:detail", args=[initiative.pk]))
    return render(request, "initiatives/initiative_form.html", {"form": form, "initiative": None})


@login_required
@require_http_methods(["GET", "POST"])
def initiative_edit(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _visible_or_404(request, pk)
    if access.PROPOSE not in access.unit_codenames(request.user, initiative.business_unit_id):
        raise PermissionDenied
    detail_url = reverse("initiatives:detail", args=[initiative.pk])
    if not initiative.is_editable:
        messages.error(
            request,
            _("An initiative that is %(state)s cannot be edited.")
            % {"state": initiative.get_state_display().lower()},
        )
        return HttpResponseRedirect(detail_url)
    form = InitiativeForm(request.POST or None, instance=initiative)
    if request.method == "POST" and form.is_valid():
        try:
            services.initiative_update(
                actor=signed_in_user(request),
                initiative=initiative,
                changes=dict(form.cleaned_data),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except Conflict:
            messages.error(
                request, _("Someone changed the state first; it can no longer be edited.")
            )
            return HttpResponseRedirect(detail_url)
        else:
            messages.success(request, _("Your changes were saved."))
            return HttpResponseRedirect(detail_url)
    return render(
        request, "initiatives/initiative_form.html", {"form": form, "initiative": initiative}
    )


def _problem_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(
            f"{FIELD_LABELS.get(field, field)}: {' '.join(msgs)}"
            for field, msgs in error.message_dict.items()
        )
    return " ".join(error.messages)


@login_required
@require_POST
def initiative_transition(request: HtmxHttpRequest, pk: int, name: str) -> HttpResponse:
    """Take a transition. 404 for what the user cannot see or an unknown name,
    403 for what they may not do; a lost race or a failed condition is a
    message on the page.

    One permission decision per request: the user's rights are read once; the
    answer refuses a forged request before its input is read, is the service's
    decision, and the re-rendered page lists what is left from the same rights."""
    initiative = _visible_or_404(request, pk)
    if name not in selectors.TRANSITIONS:
        raise Http404
    rights = transitions.rights_of(request.user, initiative)
    authorization = rights.authorize(name)
    if not authorization.allowed:
        raise PermissionDenied(authorization.reason)
    rule = selectors.TRANSITIONS[name]
    form = TransitionForm(
        request.POST,
        comment_required=rule.comment_required,
        needs_confirm=name in CONFIRM_TRANSITIONS,
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{TRANSITION_LABELS[name]}: {error}")
    else:
        try:
            initiative = services.initiative_transition(
                actor=signed_in_user(request),
                initiative=initiative,
                name=name,
                comment=form.cleaned_data["comment"],
                authorization=authorization,
            )
        except Conflict as conflict:
            # Something to do first (policies to acknowledge): the message says what.
            messages.error(request, str(conflict))
        except (TransitionNotAllowed, ConcurrentTransition):
            initiative.refresh_from_db()
            messages.error(
                request,
                _(
                    "This action is no longer possible: the initiative is now %(state)s. "
                    "Someone may have acted before you; the page shows the current state."
                )
                % {"state": initiative.get_state_display().lower()},
            )
        except ValidationError as error:
            messages.error(
                request,
                _("%(action)s was not possible: %(problem)s")
                % {"action": TRANSITION_LABELS[name], "problem": _problem_text(error)},
            )
        else:
            messages.success(request, outcomes.outcome(initiative))
    if request.htmx:
        initiative = selectors.reread(initiative=initiative)
        return render(
            request,
            "initiatives/_initiative_body.html",
            _detail_context(request, initiative, rights),
        )
    return HttpResponseRedirect(reverse("initiatives:detail", args=[pk]))


# Home panels (registered in InitiativesConfig.ready())


def _with_waiting(initiatives: Any) -> list[tuple[Any, selectors.Wait]]:
    return [(i, selectors.waiting(initiative=i)) for i in initiatives]


def coe_panel(request: HttpRequest, roles: frozenset[str]) -> Panel | None:
    if not roles & {OrganizationRole.Role.COE_LEAD, OrganizationRole.Role.COE_MEMBER}:
        return None
    page = Paginator(selectors.review_queue(user=request.user), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("queue_page")
    )
    return Panel(
        "review_queue",
        gettext_lazy("Review queue"),
        "initiatives/home/_review_queue.html",
        {
            "page": page,
            "rows": _with_waiting(page.object_list),
            "overdue_after": settings.COE_REVIEW_SLA_DAYS,
        },
    )


def sponsor_panel(request: HttpRequest, roles: frozenset[str]) -> Panel | None:
    """Sign-offs for the user's own units and, for a delegate, those they take
    on behalf of a sponsor (named on each row)."""
    own = set(access.visible_unit_ids(request.user, access.SPONSOR))
    delegators = access.delegating_sponsors(request.user)
    if not own and not delegators:
        return None
    # The longest waits, a page at most, and how many there are in all: a
    # sponsor of many units follows "see all" to the filtered list.
    page = Paginator(selectors.awaiting_sponsor(user=request.user), SIGNOFF_PANEL_SIZE).get_page(1)
    rows = [
        (initiative, waiting, None if unit in own else delegators.get(unit))
        for initiative, waiting in _with_waiting(page.object_list)
        for unit in [initiative.business_unit_id]
    ]
    return Panel(
        "awaiting_signoff",
        gettext_lazy("Awaiting your sign-off"),
        "initiatives/home/_awaiting_signoff.html",
        {
            "rows": rows,
            "count": page.paginator.count,
            "sponsor": bool(own),
            "see_all": reverse("initiatives:list")
            + f"?attention=awaiting&state={State.AWAITING_SPONSOR}&sort=waiting",
        },
    )


def unit_panel(request: HttpRequest, roles: frozenset[str]) -> Panel | None:
    unit_ids = access.visible_unit_ids(request.user, access.PROPOSE)
    if not unit_ids:
        return None
    units = list(BusinessUnit.objects.filter(pk__in=unit_ids).order_by("name"))
    initiatives = (
        selectors.visible_initiatives(user=request.user)
        .filter(business_unit_id__in=unit_ids)
        .order_by("-updated_at", "-id")[:UNIT_PANEL_SIZE]
    )
    return Panel(
        "unit_initiatives",
        gettext_lazy("Your unit's initiatives"),
        "initiatives/home/_unit_initiatives.html",
        {"units": units, "initiatives": initiatives},
    )
