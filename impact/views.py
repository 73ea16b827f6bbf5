"""The impact pages: an initiative's KPIs with their measurements, its spend
by month and its outcome review, on `/impact/initiatives/<id>/`, with a form
for each act the user may take now; and the portfolio's impact section.

Thin: each form posts to a view that calls the service. A refused input
re-renders the page with the form's errors (400); a state that no longer
allows the act is a message on the page; no right to act is 403, and an
initiative the user cannot see is 404."""

from collections import defaultdict
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_fsm import TransitionNotAllowed

from governance import access, money
from governance.errors import Conflict
from governance.registry import Panel
from governance.requests import signed_in_user
from impact import selectors, services
from impact.forms import (
    CorrectionForm,
    DecisionForm,
    KpiForm,
    MeasurementForm,
    OutcomeReviewForm,
    SpendForm,
)
from impact.models import ReviewState
from initiatives.models import EDITABLE_STATES, Initiative
from sponsors.charts import bar_chart


def _rights(request: HttpRequest, initiative: Initiative) -> dict[str, bool]:
    """What the user may do on the page now (the services check again)."""
    codenames = access.unit_codenames(request.user, initiative.business_unit_id)
    return {
        "edit_kpis": access.PROPOSE in codenames and initiative.state in EDITABLE_STATES,
        "record": access.PROPOSE in codenames and initiative.state in services.MEASURABLE_STATES,
        "review": access.LEAD in codenames and initiative.state in services.REVIEWABLE_STATES,
        "decide": access.DECIDE in codenames,
    }


def _page(
    request: HttpRequest, initiative: Initiative, status: int = 200, **forms: Any
) -> HttpResponse:
    kpis = list(selectors.kpis_of(initiative=initiative))
    measurements: dict[int, list[Any]] = defaultdict(list)
    for measurement in selectors.measurements_of(initiative=initiative):
        measurements[measurement.kpi_id].append(measurement)
    spend = list(selectors.spend_of(initiative=initiative))
    spent = sum((s.amount for s in spend), start=Decimal(0))
    review = selectors.outcome_review_of(initiative=initiative)
    rights = _rights(request, initiative)
    may_submit_review = rights["review"] and (
        review is None or review.state == ReviewState.RETURNED
    )
    may_decide = (
        rights["decide"]
        and review is not None
        and review.state == ReviewState.SUBMITTED
        and review.submitted_by_id != request.user.pk
    )
    initial_results = (
        {f"result_{r.kpi_id}": r.result for r in review.results.all()} if review else {}
    )
    context = {
        "initiative": initiative,
        "kpis": [
            (
                kpi,
                measurements.get(kpi.pk, []),
                forms["measurement_form"]
                if forms.get("measurement_kpi") == kpi.pk
                else MeasurementForm(prefix=f"kpi-{kpi.pk}"),
            )
            for kpi in kpis
        ],
        "spend": spend,
        "spent": money.amount(spent),
        "budget": money.amount(initiative.budget),
        "over_budget": spent > initiative.budget,
        "review": review,
        "rights": rights,
        "kpi_form": forms.get("kpi_form") or KpiForm(initiative=initiative),
        "spend_form": forms.get("spend_form") or SpendForm(),
        "review_form": (
            forms.get("review_form")
            or OutcomeReviewForm(
                kpis=[kpi for kpi in kpis if kpi.retired_at is None],
                initial=initial_results | {"lessons": review.lessons if review else ""},
            )
        )
        if may_submit_review
        else None,
        "decision_form": forms.get("decision_form") or DecisionForm() if may_decide else None,
    }
    return render(request, "impact/initiative_impact.html", context, status=status)


def _page_url(initiative: Initiative) -> str:
    return reverse("impact:initiative", args=[initiative.pk])


@login_required
def initiative_impact(request: HttpRequest, pk: int) -> HttpResponse:
    """The initiative's impact page; 404 for an initiative the user cannot see."""
    return _page(request, selectors.visible_initiative(user=request.user, pk=pk))


def _act(
    request: HttpRequest,
    initiative: Initiative,
    form_name: str,
    form: Any,
    act: Callable[[], object],
    done: str,
    **extra: Any,
) -> HttpResponse:
    """Run the act if the form is valid: redirect with `done`, or re-render the
    page with the form's (or the service's) errors, 400; a state that no
    longer allows it is a message."""
    if form.is_valid():
        try:
            act()
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except (Conflict, TransitionNotAllowed) as conflict:
            messages.error(request, str(conflict))
            return HttpResponseRedirect(_page_url(initiative))
        else:
            messages.success(request, done)
            return HttpResponseRedirect(_page_url(initiative))
    return _page(request, initiative, 400, **{form_name: form}, **extra)


@login_required
@require_POST
def kpi_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    initiative = selectors.visible_initiative(user=user, pk=pk)
    form = KpiForm(request.POST, initiative=initiative)

    def act() -> object:
        data = dict(form.cleaned_data)
        goal = data.pop("goal")
        return services.kpi_create(actor=user, initiative=initiative, goal_id=goal.pk, **data)

    return _act(request, initiative, "kpi_form", form, act, _("The KPI was added."))


@login_required
@require_POST
def kpi_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    kpi = selectors.visible_kpi(user=user, pk=pk)
    try:
        services.kpi_remove(actor=user, kpi=kpi)
    except Conflict as conflict:
        messages.error(request, str(conflict))
    else:
        messages.success(request, _("The KPI was removed."))
    return HttpResponseRedirect(_page_url(kpi.initiative))


@login_required
@require_POST
def measurement_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    kpi = selectors.visible_kpi(user=user, pk=pk)
    form = MeasurementForm(request.POST, prefix=f"kpi-{kpi.pk}")

    def act() -> object:
        return services.measurement_record(actor=user, kpi=kpi, **form.cleaned_data)

    return _act(
        request,
        kpi.initiative,
        "measurement_form",
        form,
        act,
        _("The measurement was recorded."),
        measurement_kpi=kpi.pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def measurement_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """A form to correct a measurement: a new one supersedes it."""
    user = signed_in_user(request)
    measurement = selectors.visible_measurement(user=user, pk=pk)
    initiative = measurement.kpi.initiative
    if access.PROPOSE not in access.unit_codenames(user, initiative.business_unit_id):
        raise PermissionDenied(_("Only the unit's people record results."))
    form = CorrectionForm(
        request.POST or None,
        initial={
            "value": measurement.value,
            "measured_on": measurement.measured_on,
            "source": measurement.source,
        },
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.measurement_correct(
                    actor=user, measurement=measurement, **form.cleaned_data
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except Conflict as conflict:
                messages.error(request, str(conflict))
                return HttpResponseRedirect(_page_url(initiative))
            else:
                messages.success(request, _("The measurement was corrected."))
                return HttpResponseRedirect(_page_url(initiative))
    return render(
        request,
        "impact/measurement_correct.html",
        {"measurement": measurement, "initiative": initiative, "form": form},
        status=status,
    )


@login_required
@require_POST
def spend_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    initiative = selectors.visible_initiative(user=user, pk=pk)
    form = SpendForm(request.POST)

    def act() -> object:
        return services.spend_record(actor=user, initiative=initiative, **form.cleaned_data)

    return _act(request, initiative, "spend_form", form, act, _("The spend was recorded."))


@login_required
@require_POST
def review_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    initiative = selectors.visible_initiative(user=user, pk=pk)
    form = OutcomeReviewForm(
        request.POST, kpis=list(selectors.kpis_of(initiative=initiative).filter(retired_at=None))
    )

    def act() -> object:
        return services.outcome_review_submit(
            actor=user,
            initiative=initiative,
            results=form.results(),
            lessons=form.cleaned_data["lessons"],
        )

    return _act(
        request,
        initiative,
        "review_form",
        form,
        act,
        _("The outcome review was submitted; it now awaits the CoE."),
    )


DECISIONS = {
    "accept": gettext_lazy("The outcome review was accepted."),
    "return_for_changes": gettext_lazy("The outcome review was returned for changes."),
}


@login_required
@require_POST
def review_decide(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    user = signed_in_user(request)
    initiative = selectors.visible_initiative(user=user, pk=pk)
    review = selectors.outcome_review_of(initiative=initiative)
    if review is None or name not in DECISIONS:
        messages.error(request, _("There is no outcome review to decide on."))
        return HttpResponseRedirect(_page_url(initiative))
    form = DecisionForm(request.POST)

    def act() -> object:
        return services.outcome_review_decide(
            actor=user, review=review, name=name, comment=form.cleaned_data["comment"]
        )

    return _act(request, initiative, "decision_form", form, act, str(DECISIONS[name]))


def initiative_section(
    request: HttpRequest, initiative: Initiative, page: Mapping[str, Any]
) -> Panel:
    """The initiative page's link to its impact page, with how many KPIs it
    has (one query; registered with governance.registry.object_sections)."""
    return Panel(
        "impact",
        gettext_lazy("KPIs, spend and outcome"),
        "impact/_initiative_card.html",
        {"initiative": initiative, "kpi_count": selectors.kpi_count(initiative=initiative)},
    )


def portfolio_section(
    request: HttpRequest, unit_ids: list[int], figures: Mapping[str, Any]
) -> Panel | None:
    """The portfolio page's impact section (registered with
    governance.registry.portfolio_sections). The planned spend is the budget
    of initiatives approved and after, which the portfolio already summed."""
    if not unit_ids:
        return None
    data = selectors.impact_summary(unit_ids=unit_ids, planned=figures.get("approved_budget"))
    return Panel(
        "impact",
        gettext_lazy("Business impact"),
        "impact/_portfolio_section.html",
        {"impact": data, **_charts(data)},
    )


def _charts(data: dict[str, Any]) -> dict[str, Any]:
    def rows(items: list[dict[str, Any]]) -> list[tuple[str, Any, bool]]:
        drawn: list[tuple[str, Any, bool]] = []
        for row in items:
            drawn.append((_("%(name)s: planned") % {"name": row["name"]}, row["planned"], True))
            drawn.append((_("%(name)s: actual") % {"name": row["name"]}, row["actual"], False))
        return drawn

    return {
        "spend_unit_chart": bar_chart(
            "chart-spend-units",
            _("Spend against plan by business unit"),
            rows(data["spend_by_business_unit"]),
        )
        if data["spend_by_business_unit"]
        else None,
    }
