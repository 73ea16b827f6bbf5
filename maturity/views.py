"""The maturity page: each unit's stage and the organization's, the checklist
to the next stage, progress over time and the published benchmark."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance import access
from governance.models import BusinessUnit, OrganizationRole
from governance.requests import signed_in_user
from maturity import selectors, services
from maturity.forms import MaturityAnswersForm
from maturity.models import MaturityAssessment, MaturityCriterion, MaturityStage

ORGANIZATION = "organization"
HISTORY_POINTS = 12
# Geometry of the progress chart (SVG user units).
CHART_WIDTH, CHART_HEIGHT, CHART_LEFT, CHART_BOTTOM = 320, 120, 28, 14


def _assessable(user: Any) -> list[tuple[str, str]]:
    """The scopes the user may answer for: their led units; every unit and the
    organization for the CoE lead."""
    coe_lead = OrganizationRole.Role.COE_LEAD in access.organization_roles(user)
    units = (
        BusinessUnit.objects.order_by("name")
        if coe_lead
        else access.visible_units(user, access.LEAD).order_by("name")
    )
    scopes = [(str(unit.pk), unit.name) for unit in units]
    return ([(ORGANIZATION, _("The organization"))] if coe_lead else []) + scopes


def _progress(records: list[MaturityAssessment]) -> dict[str, Any] | None:
    """Points of a step chart of the recorded stages, oldest first."""
    if not records:
        return None
    records = records[-HISTORY_POINTS:]
    span = CHART_WIDTH - CHART_LEFT - 10
    step = span / max(len(records) - 1, 1)
    height = CHART_HEIGHT - CHART_BOTTOM - 8

    def y(stage: int) -> float:
        return round(CHART_HEIGHT - CHART_BOTTOM - stage * height / 6, 1)

    points = [
        {
            "x": round(CHART_LEFT + i * step, 1),
            "y": y(r.stage),
            "record": r,
            "name": selectors.STAGE_NAMES[r.stage],
        }
        for i, r in enumerate(records)
    ]
    return {
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "gridlines": [{"y": y(s), "stage": s} for s in range(0, 7)],
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
    }


def _row(assessment: selectors.Assessment, records: list[MaturityAssessment]) -> dict[str, Any]:
    return {
        "assessment": assessment,
        "name": assessment.unit.name if assessment.unit else _("The organization"),
        "progress": _progress(records),
        "ladder": [
            {
                "stage": s.value,
                "name": s.label,
                "reached": s.value <= assessment.stage,
                "current": s.value == assessment.stage,
            }
            for s in MaturityStage
        ],
    }


def _questions() -> list[MaturityCriterion]:
    return list(MaturityCriterion.objects.filter(active=True, kind=MaturityCriterion.Kind.SELF))


def _unit_of(scope: str) -> BusinessUnit | None:
    return None if scope == ORGANIZATION else BusinessUnit.objects.get(pk=int(scope))


def _scope_name(unit: BusinessUnit | None) -> str:
    return unit.name if unit else _("the organization")


def _page(
    request: HttpRequest,
    *,
    form: MaturityAnswersForm | None = None,
    lowering: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page. Everyone signed in sees the organization; units as far as
    they can see them. The form is for one scope at a time (`?scope=`), with
    that scope's latest answers ticked, or the submitted one shown again."""
    found = selectors.overview()
    assessments = found.units
    visible = set(access.visible_unit_ids(request.user))
    history: dict[int | None, list[MaturityAssessment]] = {}
    for record in MaturityAssessment.objects.filter(
        business_unit__isnull=True
    ) | MaturityAssessment.objects.filter(business_unit__in=visible):
        history.setdefault(record.business_unit_id, []).append(record)
    for records in history.values():
        records.sort(key=lambda r: (r.at, r.pk))
    organization = found.organization
    scopes = _assessable(request.user)
    scope = None
    if form is None and scopes:
        asked = request.GET.get("scope", "")
        scope = asked if asked in dict(scopes) else scopes[0][0]
        questions = _questions()
        answers = selectors.latest_answers(unit=_unit_of(scope))
        form = MaturityAnswersForm(
            scopes=scopes,
            questions=questions,
            initial={"scope": scope} | {q.key: bool(answers.get(q.key)) for q in questions},
        )
    elif form is not None:
        scope = form.data.get("scope")
    benchmark = found.benchmark
    return render(
        request,
        "maturity/maturity.html",
        {
            "organization": _row(organization, history.get(None, [])),
            "units": [
                _row(a, history.get(a.unit.pk, []))
                for a in assessments
                if a.unit is not None and a.unit.pk in visible
            ],
            "benchmark": benchmark,
            "form": form,
            "scopes": scopes,
            "scope": scope,
            "scope_label": dict(scopes).get(scope or "", ""),
            "lowering": lowering,
        },
        status=status,
    )


@login_required
def maturity_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def maturity_assess(request: HttpRequest) -> HttpResponse:
    """Record the answers of a unit lead (their unit) or the CoE lead (any).
    Answers that would lower the scope's stage are shown again with a warning
    naming the stage before and after; they are recorded once confirmed."""
    scopes = _assessable(request.user)
    if not scopes:
        raise PermissionDenied
    questions = _questions()
    form = MaturityAnswersForm(request.POST, scopes=scopes, questions=questions)
    if not form.is_valid():
        messages.error(request, _("Choose what to assess."))
        return redirect("maturity")
    scope = form.cleaned_data["scope"]
    unit = _unit_of(scope)
    answers = {q.key: bool(form.cleaned_data[q.key]) for q in questions}
    if not form.cleaned_data["confirm_lower"]:
        before = selectors.assess(unit=unit).stage
        after = selectors.assess(
            unit=unit, answers=selectors.latest_answers(unit=unit) | answers
        ).stage
        if after < before:
            return _page(
                request,
                form=form,
                lowering={
                    "scope": _scope_name(unit),
                    "before": selectors.STAGE_NAMES[before],
                    "after": selectors.STAGE_NAMES[after],
                },
            )
    try:
        record = services.maturity_assessment_record(
            actor=signed_in_user(request), business_unit=unit, answers=answers
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("maturity")
    messages.success(
        request,
        _("Assessment recorded: %(scope)s is at %(stage)s.")
        % {"scope": _scope_name(unit), "stage": selectors.STAGE_NAMES[record.stage]},
    )
    return HttpResponseRedirect(f"{reverse('maturity')}?{urlencode({'scope': scope})}")
