"""Reads of the maturity assessment: which of the six stages a business unit, or the
organization, has reached, from evidence in the tool and self-assessment.

A scope's stage is the highest stage whose criteria, and all lower stages'
criteria, are met. Evidence is read fresh from the data each time; answers to
self-assessment questions come from the scope's latest recorded assessment.
"""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from governance.models import BusinessUnit, Membership, OrganizationRole, StrategicGoal
from initiatives.models import Decision, Initiative
from initiatives.selectors import business_days_between
from maturity.models import MaturityAssessment, MaturityCriterion, MaturityStage
from policies.models import Acknowledgment
from policies.selectors import policies_in_force_for_unit, shown_version

BENCHMARK_FILE = Path(__file__).resolve().parent / "data" / "altimeter_2012.json"
CORE_POLICY_CATEGORIES = ("social_media", "community_response", "crisis_escalation")
BEYOND_CUSTOMERS = ("employees", "partners", "shareholders")
STAGE_NAMES = {0: _("Not yet planning"), **{s.value: s.label for s in MaturityStage}}
# Keys of the stages in the benchmark file, whatever the language of the labels.
STAGE_KEYS = {0: "not_yet_planning", **{s.value: s.name.lower() for s in MaturityStage}}


@dataclass(frozen=True)
class Scope:
    """A unit, or the whole organization when `unit` is None."""

    unit: BusinessUnit | None
    today: datetime.date = field(default_factory=timezone.localdate)

    @property
    def units(self) -> list[BusinessUnit]:
        return [self.unit] if self.unit else list(BusinessUnit.objects.all())

    def initiatives(self) -> Any:
        queryset = Initiative.objects.all()
        return queryset.filter(business_unit=self.unit) if self.unit else queryset


@dataclass(frozen=True)
class Evidence:
    met: bool
    detail: str


Check = Callable[[Scope], Evidence]
CHECKS: dict[str, Check] = {}


def evidence(*, key: str) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        CHECKS[key] = check
        return check

    return register


@evidence(key="initiative_proposed")
def _initiative_proposed(scope: Scope) -> Evidence:
    count = scope.initiatives().filter(decisions__transition="submit").distinct().count()
    return Evidence(
        count > 0,
        ngettext(
            "%(count)d initiative submitted through the workflow.",
            "%(count)d initiatives submitted through the workflow.",
            count,
        )
        % {"count": count},
    )


@evidence(key="initiative_running")
def _initiative_running(scope: Scope) -> Evidence:
    count = scope.initiatives().filter(state__in=["active", "paused", "completed"]).count()
    return Evidence(
        count > 0,
        ngettext("%(count)d initiative launched.", "%(count)d initiatives launched.", count)
        % {"count": count},
    )


@evidence(key="sponsor_assigned")
def _sponsor_assigned(scope: Scope) -> Evidence:
    without = [u.name for u in scope.units if not u.sponsorships.exists()]
    if without:
        return Evidence(
            False, gettext("No executive sponsor for: %(units)s.") % {"units": ", ".join(without)}
        )
    return Evidence(True, gettext("Every unit in scope has an executive sponsor."))


@evidence(key="coe_with_lead")
def _coe_with_lead(scope: Scope) -> Evidence:
    leads = OrganizationRole.objects.filter(role=OrganizationRole.Role.COE_LEAD).count()
    return Evidence(
        leads > 0, ngettext("%(count)d CoE lead.", "%(count)d CoE leads.", leads) % {"count": leads}
    )


def _policies_for(unit: BusinessUnit) -> Any:
    """Policies in force today that apply to the unit (a policy naming no unit
    applies to all), each with its version in force."""
    return policies_in_force_for_unit(unit_id=unit.pk)


@evidence(key="core_policies")
def _core_policies(scope: Scope) -> Evidence:
    missing = []
    for unit in scope.units:
        present = set(_policies_for(unit).values_list("category", flat=True))
        lacking = [c for c in CORE_POLICY_CATEGORIES if c not in present]
        if lacking:
            missing.append(
                gettext("%(unit)s lacks %(categories)s")
                % {"unit": unit.name, "categories": ", ".join(lacking)}
            )
    if missing:
        return Evidence(False, "; ".join(missing) + ".")
    return Evidence(True, gettext("Social media, community response and crisis policies apply."))


@evidence(key="policies_acknowledged")
def _policies_acknowledged(scope: Scope) -> Evidence:
    staff_total = staff_current = 0
    for unit in scope.units:
        current = {p.pk: shown_version(policy=p) for p in _policies_for(unit)}
        staff = list(
            Membership.objects.filter(business_unit=unit).values_list("user_id", flat=True)
        )
        if not current or not staff:
            staff_total += len(staff)
            continue
        acknowledged: dict[int, set[tuple[int, int]]] = {user: set() for user in staff}
        for user, policy, version in Acknowledgment.objects.filter(
            user_id__in=staff, policy_id__in=current
        ).values_list("user_id", "policy_id", "version"):
            acknowledged[user].add((policy, version))
        wanted = set(current.items())
        staff_total += len(staff)
        staff_current += sum(1 for user in staff if wanted <= acknowledged[user])
    if staff_total == 0:
        return Evidence(False, gettext("No staff in scope."))
    share = staff_current / staff_total
    return Evidence(
        share >= 0.8,
        gettext(
            "%(current)d of %(total)d staff (%(share)s) acknowledged every current version; "
            "80 %% needed."
        )
        % {"current": staff_current, "total": staff_total, "share": f"{share:.0%}"},
    )


@evidence(key="decided_recently")
def _decided_recently(scope: Scope) -> Evidence:
    since = timezone.now() - datetime.timedelta(days=180)
    decisions = Decision.objects.filter(
        initiative__in=scope.initiatives(),
        at__gte=since,
        transition__in=["approve", "reject", "sponsor_approve", "sponsor_reject"],
    )
    count = decisions.count()
    return Evidence(
        count > 0,
        ngettext(
            "%(count)d decision in the last 180 days.",
            "%(count)d decisions in the last 180 days.",
            count,
        )
        % {"count": count},
    )


@evidence(key="budget_aligned")
def _budget_aligned(scope: Scope) -> Evidence:
    active_goal = StrategicGoal.objects.filter(initiatives=OuterRef("pk"), active=True)
    totals = (
        scope.initiatives()
        .filter(state="active")
        .aggregate(total=Sum("budget"), aligned=Sum("budget", filter=Q(Exists(active_goal))))
    )
    total, aligned = totals["total"] or Decimal(0), totals["aligned"] or Decimal(0)
    if not total:
        return Evidence(False, gettext("No active budget."))
    share = aligned / total
    return Evidence(
        share >= Decimal("0.8"),
        gettext("%(share)s of the active budget serves active goals; 80 %% needed.")
        % {"share": f"{share:.0%}"},
    )


@evidence(key="kpis_recorded")
def _kpis_recorded(scope: Scope) -> Evidence:
    active = scope.initiatives().filter(state="active")
    total = active.count()
    missing = active.filter(kpis="").count()
    if total == 0:
        return Evidence(False, gettext("No active initiative."))
    return Evidence(
        missing == 0,
        gettext("%(done)d of %(total)d active initiatives record KPIs.")
        % {"done": total - missing, "total": total},
    )


@evidence(key="sponsor_within_sla")
def _sponsor_within_sla(scope: Scope) -> Evidence:
    since = timezone.now() - datetime.timedelta(days=90)
    decisions = list(
        Decision.objects.filter(
            initiative__in=scope.initiatives(),
            amendment__isnull=True,
            at__gte=since,
            transition__in=["sponsor_approve", "sponsor_reject"],
        ).values_list("initiative_id", "at")
    )
    if not decisions:
        return Evidence(False, gettext("No sponsor decision in the last 90 days."))
    waits: dict[int, list[datetime.datetime]] = {}
    for initiative_id, at in Decision.objects.filter(
        initiative_id__in={d[0] for d in decisions},
        target="awaiting_sponsor",
        amendment__isnull=True,
    ).values_list("initiative_id", "at"):
        waits.setdefault(initiative_id, []).append(at)
    late = 0
    for initiative_id, decided_at in decisions:
        began = max((a for a in waits.get(initiative_id, []) if a <= decided_at), default=None)
        days = (
            business_days_between(
                start=timezone.localtime(began).date(), end=timezone.localtime(decided_at).date()
            )
            if began
            else 0
        )
        late += days > settings.SPONSOR_SLA_DAYS
    return Evidence(
        late == 0,
        gettext("%(on_time)d of %(total)d sponsor decisions within the target.")
        % {"on_time": len(decisions) - late, "total": len(decisions)},
    )


@evidence(key="functions_beyond_marketing")
def _functions(scope: Scope) -> Evidence:
    functions: set[str] = set()
    for row in Initiative.objects.filter(state="active").values_list("functions", flat=True):
        functions |= set(row or [])
    return Evidence(
        len(functions) >= 4,
        gettext("Active initiatives across the organization serve %(count)d functions: %(names)s.")
        % {"count": len(functions), "names": ", ".join(sorted(functions)) or "-"},
    )


@evidence(key="audiences_beyond_customers")
def _audiences(scope: Scope) -> Evidence:
    reached: set[str] = set()
    for row in scope.initiatives().filter(state="active").values_list("audiences", flat=True):
        reached |= set(row or []) & set(BEYOND_CUSTOMERS)
    return Evidence(
        len(reached) >= 2,
        gettext("Beyond customers, active initiatives reach: %(audiences)s; two needed.")
        % {"audiences": ", ".join(sorted(reached)) or "-"},
    )


@evidence(key="no_overdue_policy_reviews")
def _no_overdue_reviews(scope: Scope) -> Evidence:
    overdue: set[str] = set()
    for unit in scope.units:
        overdue |= {p.title for p in _policies_for(unit).filter(next_review_due__lt=scope.today)}
    if overdue:
        return Evidence(
            False,
            gettext("Overdue for review: %(titles)s.") % {"titles": ", ".join(sorted(overdue))},
        )
    return Evidence(True, gettext("No policy in scope is overdue for review."))


@dataclass(frozen=True)
class Result:
    key: str
    stage: int
    kind: str
    title: str
    met: bool
    detail: str
    fix_url: str


@dataclass(frozen=True)
class Assessment:
    unit: BusinessUnit | None
    stage: int
    results: list[Result]
    answers: dict[str, bool]

    @property
    def stage_name(self) -> str:
        return str(STAGE_NAMES[self.stage])

    @property
    def next_stage(self) -> int | None:
        return self.stage + 1 if self.stage < MaturityStage.CONVERGED else None

    @property
    def missing(self) -> list[Result]:
        """What stands between the scope and the next stage."""
        if self.next_stage is None:
            return []
        return [r for r in self.results if r.stage <= self.next_stage and not r.met]


def latest_answers(*, unit: BusinessUnit | None) -> dict[str, bool]:
    assessment = (
        MaturityAssessment.objects.filter(business_unit=unit).order_by("-at", "-id").first()
    )
    return dict(assessment.answers) if assessment else {}


def assess(*, unit: BusinessUnit | None, answers: dict[str, bool] | None = None) -> Assessment:
    """The scope's stage now, with the given answers or the latest recorded ones."""
    scope = Scope(unit)
    answers = latest_answers(unit=unit) if answers is None else answers
    results = []
    for criterion in MaturityCriterion.objects.filter(active=True).order_by("stage", "id"):
        if criterion.kind == MaturityCriterion.Kind.SELF:
            met = bool(answers.get(criterion.key, False))
            detail = (
                gettext("Answered yes.")
                if met
                else (
                    gettext("Answered no.")
                    if criterion.key in answers
                    else gettext("Not answered yet.")
                )
            )
        elif criterion.key in CHECKS:
            found = CHECKS[criterion.key](scope)
            met, detail = found.met, found.detail
        else:
            met, detail = False, gettext("No evidence is computed for this criterion.")
        results.append(
            Result(
                criterion.key,
                criterion.stage,
                criterion.kind,
                criterion.title,
                met,
                detail,
                criterion.fix_url,
            )
        )
    stage = 0
    for number in MaturityStage.values:
        if all(r.met for r in results if r.stage <= number):
            stage = number
        else:
            break
    return Assessment(unit, stage, results, answers)


@cache
def benchmark() -> dict[str, Any]:
    return json.loads(BENCHMARK_FILE.read_text())


def organization_benchmark(*, unit_assessments: list[Assessment]) -> dict[str, Any]:
    """The organization's units by stage beside the published survey, and the
    survey's findings recomputed from the organization's own data."""
    published = benchmark()
    counts = dict.fromkeys(range(0, 7), 0)
    for assessment in unit_assessments:
        counts[assessment.stage] += 1
    total_units = len(unit_assessments) or 1
    distribution = [
        {
            "stage": number,
            "name": STAGE_NAMES[number],
            "units": counts[number],
            "share": round(counts[number] / total_units, 4),
            "survey_share": published["stage_distribution"].get(STAGE_KEYS[number]),
        }
        for number in range(0, 7)
    ]
    committed = Initiative.objects.filter(state__in=["approved", "active", "paused"])
    active_goal = StrategicGoal.objects.filter(initiatives=OuterRef("pk"), active=True)
    totals = committed.aggregate(
        total=Sum("budget"), aligned=Sum("budget", filter=Q(Exists(active_goal)))
    )
    aligned_share = float(totals["aligned"] / totals["total"]) if totals["total"] else None
    governed = sum(1 for a in unit_assessments if _met(a, "core_policies"))
    sponsored = sum(1 for a in unit_assessments if _met(a, "sponsor_assigned"))
    dated = committed.exclude(start_date=None).exclude(end_date=None)
    long_plans = sum(
        1 for start, end in dated.values_list("start_date", "end_date") if (end - start).days > 365
    )
    findings = published["findings"]
    return {
        "source": published["source"],
        "distribution": distribution,
        "findings": [
            {
                "key": "strategy_connected_to_outcomes",
                "label": findings["strategy_connected_to_outcomes"]["label"],
                "survey_share": findings["strategy_connected_to_outcomes"]["share"],
                "ours": aligned_share,
                "measured_as": "share of committed budget serving active strategic goals",
            },
            {
                "key": "one_vision",
                "label": findings["one_vision"]["label"],
                "survey_share": findings["one_vision"]["share"],
                "ours": round(governed / total_units, 4),
                "measured_as": "share of units under the core policies",
            },
            {
                "key": "plan_beyond_a_year",
                "label": findings["plan_beyond_a_year"]["label"],
                "survey_share": findings["plan_beyond_a_year"]["share"],
                "ours": round(long_plans / dated.count(), 4) if dated.exists() else None,
                "measured_as": "share of committed, dated initiatives planned over a year",
            },
            {
                "key": "executives_engaged",
                "label": findings["executives_engaged"]["label"],
                "survey_share": findings["executives_engaged"]["share"],
                "ours": round(sponsored / total_units, 4),
                "measured_as": "share of units with an executive sponsor",
            },
        ],
    }


def _met(assessment: Assessment, key: str) -> bool:
    return any(r.key == key and r.met for r in assessment.results)
