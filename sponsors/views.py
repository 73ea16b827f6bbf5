"""The sponsor pages. Thin: the portfolio page shows exactly what
sponsors.selectors.portfolio returns, the figures the API answers with, for the
same units (a unit outside the caller's portfolio is 404)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from governance import access, money, registry
from governance.models import OrganizationRole
from governance.requests import HtmxHttpRequest, signed_in_user
from initiatives import scoring
from initiatives.models import State
from sponsors import selectors, services
from sponsors.charts import amount, bar_chart, percent
from sponsors.forms import CRITERIA, PortfolioFilterForm, ScoringWeightsForm

STATE_LABELS = dict(State.choices)


def _charts(data: dict[str, Any]) -> dict[str, Any]:
    goal_rows = [
        (
            goal["title"]
            if goal["active"]
            else _("%(title)s (inactive)") % {"title": goal["title"]},
            goal["budget"],
            not goal["active"],
        )
        for goal in data["budget_by_goal"]
    ]
    return {
        "unit_chart": bar_chart(
            "chart-units",
            _("Committed budget by business unit"),
            [(row["name"], row["budget"], False) for row in data["budget_by_business_unit"]],
        ),
        "goal_chart": bar_chart("chart-goals", _("Committed budget by strategic goal"), goal_rows)
        if goal_rows
        else None,
    }


@login_required
def portfolio(request: HtmxHttpRequest) -> HttpResponse:
    """The portfolio of the units the user oversees, or of one of them
    (`?business_unit=`); 404 for a unit outside it."""
    all_units = selectors.portfolio_units(user=request.user)
    form = PortfolioFilterForm(request.GET or None, units=all_units)
    units = all_units
    unit = None
    if request.GET.get("business_unit"):
        if not form.is_valid():
            raise Http404("No such business unit in your portfolio.")
        unit = form.cleaned_data["business_unit"]
        units = selectors.portfolio_units(user=request.user, business_unit=unit.pk)
    data = selectors.portfolio(
        user=request.user,
        units=units,
        business_unit=unit.pk if unit is not None else None,
        # The sections (impact's planned spend) reuse it.
        approved_budget=True,
    )
    states = [
        (state, STATE_LABELS[state], count) for state, count in data["counts_by_state"].items()
    ]
    context = {
        "form": form,
        # Narrowing a portfolio of one unit would change nothing.
        "show_filter": unit is not None or len(data["business_units"]) > 1,
        "unit": unit,
        "data": data,
        "states": states,
        "initiative_count": amount(sum(data["counts_by_state"].values())),
        "committed": money.amount(data["committed_budget"]),
        "aligned": money.amount(data["aligned_budget"]),
        "aligned_percent": percent(data["aligned_share"]),
        "aligned_width": f"{float(data['aligned_share'] or 0) * 100:.2f}",
        "coverage": [(row, percent(row["share"])) for row in data["policy_coverage"]],
        "export_query": f"?business_unit={unit.pk}" if unit else "",
        # What other apps add under the portfolio's figures (impact...).
        "sections": registry.portfolio_sections_for(
            request, [row["id"] for row in data["business_units"]], data
        ),
        **_charts(data),
    }
    template = (
        "sponsors/_portfolio_body.html"
        if request.htmx and request.htmx.target == "portfolio"
        else "sponsors/portfolio.html"
    )
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def scoring_weights(request: HttpRequest) -> HttpResponse:
    """The weights of the priority score: everyone signed in reads them, as the
    API answers them; the CoE lead changes them (403 for anyone else), through
    the audited service. Invalid weights re-render with 400 and the message at
    the field."""
    current = scoring.weights()
    is_lead = OrganizationRole.Role.COE_LEAD in access.organization_roles(request.user)
    if request.method == "POST" and not is_lead:
        raise PermissionDenied(_("Only the CoE lead sets the scoring weights."))
    form = ScoringWeightsForm(request.POST or None, initial=current)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.scoring_weights_set(
                    actor=signed_in_user(request),
                    weights={key: form.cleaned_data[key] for key in CRITERIA},
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The scoring weights were saved."))
                return HttpResponseRedirect(reverse("sponsors:scoring"))
    total = sum(current.values())
    rows = [
        {
            "label": label,
            "help": help_text,
            "weight": current.get(key),
            "share": percent(current[key] / total) if total and key in current else "—",
        }
        for key, (label, help_text) in CRITERIA.items()
    ]
    context = {"form": form if is_lead else None, "rows": rows}
    return render(request, "sponsors/scoring_weights.html", context, status=status)
