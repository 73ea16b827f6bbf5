"""Reads of the maturity assessment: which of the six stages a business unit, or the
organization, has reached, from evidence in the tool and self-assessment.

A scope's stage is the highest stage whose criteria, and all lower stages'
criteria, are met. Evidence is read fresh from the data each time; answers to
self-assessment questions come from the scope's latest recorded assessment.
"""

import datetime
import json
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache as shared_cache
from django.db import transaction
from django.db.models import (
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Sum,
)
from django.utils import timezone
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from governance.models import BusinessUnit, Membership, OrganizationRole
from impact.models import Kpi, KpiResult, Measurement, ReviewState
from impact.models import Result as KpiOutcome
from incidents.selectors import in_force as playbooks_in_force
from initiatives.models import Decision, Initiative
from initiatives.selectors import business_days_between, serves_active_goal
from maturity.models import MaturityAssessment, MaturityCriterion, MaturityStage
from policies.models import Acknowledgment, Policy
from policies.selectors import policies_in_force_for_units, shown_version
from social_accounts.models import LIVE_STATES as ACCOUNT_LIVE_STATES
from social_accounts.models import SocialAccount
from sponsors.models import Sponsorship

BENCHMARK_FILE = Path(__file__).resolve().parent / "data" / "altimeter_2012.json"
CORE_POLICY_CATEGORIES = ("social_media", "community_response", "crisis_escalation")
BEYOND_CUSTOMERS = ("employees", "partners", "shareholders")
# Visible business impact: of the initiatives completed in the window, at
# least this share closed with an accepted outcome review in which a KPI was
# met or partly met.
IMPACT_WINDOW_DAYS = 365
IMPACT_SHARE = Decimal("0.5")
STAGE_NAMES = {0: _("Not yet planning"), **{s.value: s.label for s in MaturityStage}}
# Keys of the stages in the benchmark file, whatever the language of the labels.
STAGE_KEYS = {0: "not_yet_planning", **{s.value: s.name.lower() for s in MaturityStage}}


class Facts:
    """Every figure the evidence reads, for every unit at once, from a fixed
    number of aggregate queries whatever the number of initiatives: a scope
    (a unit, or all of them) adds up its units' figures."""

    def __init__(self, today: datetime.date) -> None:
        now = timezone.now()
        self.today = today
        self.units = list(BusinessUnit.objects.order_by("name"))
        self.state_counts: dict[int, Counter[str]] = defaultdict(Counter)
        for unit_id, state, count in (
            Initiative.objects.values_list("business_unit_id", "state")
            .annotate(n=Count("id"))
            .order_by()
        ):
            self.state_counts[unit_id][state] = count
        self.submitted: dict[int, int] = dict(
            Decision.objects.filter(transition="submit")
            .values_list("initiative__business_unit_id")
            .annotate(n=Count("initiative_id", distinct=True))
            .order_by()
        )
        self.sponsored = set(Sponsorship.objects.values_list("business_unit_id", flat=True))
        self.coe_leads = OrganizationRole.objects.filter(
            role=OrganizationRole.Role.COE_LEAD
        ).count()
        policies = list(
            policies_in_force_for_units(units=BusinessUnit.objects.all())
            .prefetch_related("business_units")
            .order_by("pk")
        )
        self.policies: dict[int, list[Policy]] = {}
        for unit in self.units:
            self.policies[unit.pk] = [
                p
                for p in policies
                if not p.business_units.all()
                or any(u.pk == unit.pk for u in p.business_units.all())
            ]
        self.staff: dict[int, list[int]] = defaultdict(list)
        for unit_id, user_id in Membership.objects.values_list("business_unit_id", "user_id"):
            self.staff[unit_id].append(user_id)
        current = [(p.pk, shown_version(policy=p)) for p in policies]
        self.acknowledged: dict[int, set[tuple[int, int]]] = defaultdict(set)
        if current:
            wanted = Q()
            for policy_id, version in current:
                wanted |= Q(policy_id=policy_id, version=version)
            for user_id, policy_id, version in Acknowledgment.objects.filter(wanted).values_list(
                "user_id", "policy_id", "version"
            ):
                self.acknowledged[user_id].add((policy_id, version))
        self.recent_decisions: dict[int, int] = dict(
            Decision.objects.filter(
                at__gte=now - datetime.timedelta(days=180),
                transition__in=["approve", "reject", "sponsor_approve", "sponsor_reject"],
            )
            .values_list("initiative__business_unit_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        self.active: dict[int, dict[str, Any]] = {
            row["business_unit_id"]: row
            for row in Initiative.objects.filter(state="active")
            .values("business_unit_id")
            .annotate(
                total=Sum("budget"),
                aligned=Sum("budget", filter=serves_active_goal()),
                count=Count("id"),
                unmeasured=Count("id", filter=_without_measured_kpis()),
            )
            .order_by()
        }
        # Initiatives completed in the window, and those of them whose accepted
        # outcome review has a KPI met or partly met: one row per unit.
        shows_impact = Exists(
            KpiResult.objects.filter(
                review__initiative=OuterRef("initiative_id"),
                review__state=ReviewState.ACCEPTED,
                result__in=[KpiOutcome.MET, KpiOutcome.PARTLY],
            )
        )
        self.completed: dict[int, tuple[int, int]] = {
            unit_id: (count, shown)
            for unit_id, count, shown in Decision.objects.filter(
                transition="complete",
                amendment__isnull=True,
                at__gte=now - datetime.timedelta(days=IMPACT_WINDOW_DAYS),
                initiative__state="completed",
            )
            .values_list("initiative__business_unit_id")
            .annotate(
                n=Count("initiative_id", distinct=True),
                shown=Count("initiative_id", distinct=True, filter=shows_impact),
            )
            .order_by()
        }
        self.sponsor_decisions: dict[int, list[tuple[int, datetime.datetime]]] = defaultdict(list)
        for initiative_id, unit_id, at in Decision.objects.filter(
            amendment__isnull=True,
            at__gte=now - datetime.timedelta(days=90),
            transition__in=["sponsor_approve", "sponsor_reject"],
        ).values_list("initiative_id", "initiative__business_unit_id", "at"):
            self.sponsor_decisions[unit_id].append((initiative_id, at))
        self.sponsor_waits: dict[int, list[datetime.datetime]] = defaultdict(list)
        decided = {i for rows in self.sponsor_decisions.values() for i, _ in rows}
        if decided:
            for initiative_id, at in Decision.objects.filter(
                initiative_id__in=decided, target="awaiting_sponsor", amendment__isnull=True
            ).values_list("initiative_id", "at"):
                self.sponsor_waits[initiative_id].append(at)
        # Distinct lists only: a few rows, however many initiatives share them.
        self.functions: set[str] = set()
        for row in (
            Initiative.objects.filter(state="active")
            .values_list("functions", flat=True)
            .distinct()
            .order_by()
        ):
            self.functions |= set(row or [])
        self.audiences: dict[int, set[str]] = defaultdict(set)
        for unit_id, row in (
            Initiative.objects.filter(state="active")
            .values_list("business_unit_id", "audiences")
            .distinct()
            .order_by()
        ):
            self.audiences[unit_id] |= set(row or [])


def _without_measured_kpis() -> Q:
    """An initiative without a KPI, or with a KPI never measured (a corrected
    measurement counts: its correction is a measurement too)."""
    kpis = Kpi.objects.filter(initiative=OuterRef("pk"))
    never_measured = kpis.exclude(Exists(Measurement.objects.filter(kpi=OuterRef("pk"))))
    return Q(~Exists(kpis)) | Q(Exists(never_measured))


@dataclass(frozen=True)
class Scope:
    """A unit, or the whole organization when `unit` is None, read from `facts`."""

    unit: BusinessUnit | None
    today: datetime.date
    facts: Facts

    @property
    def known(self) -> Facts:
        return self.facts

    @property
    def units(self) -> list[BusinessUnit]:
        return [self.unit] if self.unit else self.known.units

    @property
    def unit_ids(self) -> list[int]:
        return [u.pk for u in self.units]

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
    facts = scope.known
    count = sum(facts.submitted.get(unit_id, 0) for unit_id in scope.unit_ids)
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
    facts = scope.known
    count = sum(
        facts.state_counts[unit_id][state]
        for unit_id in scope.unit_ids
        for state in ("active", "paused", "completed")
    )
    return Evidence(
        count > 0,
        ngettext("%(count)d initiative launched.", "%(count)d initiatives launched.", count)
        % {"count": count},
    )


@evidence(key="sponsor_assigned")
def _sponsor_assigned(scope: Scope) -> Evidence:
    without = [u.name for u in scope.units if u.pk not in scope.known.sponsored]
    if without:
        return Evidence(
            False, gettext("No executive sponsor for: %(units)s.") % {"units": ", ".join(without)}
        )
    return Evidence(True, gettext("Every unit in scope has an executive sponsor."))


@evidence(key="coe_with_lead")
def _coe_with_lead(scope: Scope) -> Evidence:
    leads = scope.known.coe_leads
    return Evidence(
        leads > 0, ngettext("%(count)d CoE lead.", "%(count)d CoE leads.", leads) % {"count": leads}
    )


@evidence(key="core_policies")
def _core_policies(scope: Scope) -> Evidence:
    missing = []
    for unit in scope.units:
        present = {p.category for p in scope.known.policies.get(unit.pk, [])}
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
    facts = scope.known
    staff_total = staff_current = 0
    for unit in scope.units:
        # Against the version in force today, not one scheduled later.
        current = {(p.pk, shown_version(policy=p)) for p in facts.policies.get(unit.pk, [])}
        staff = facts.staff.get(unit.pk, [])
        staff_total += len(staff)
        if not current or not staff:
            continue
        staff_current += sum(1 for user in staff if current <= facts.acknowledged[user])
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
    count = sum(scope.known.recent_decisions.get(unit_id, 0) for unit_id in scope.unit_ids)
    return Evidence(
        count > 0,
        ngettext(
            "%(count)d decision in the last 180 days.",
            "%(count)d decisions in the last 180 days.",
            count,
        )
        % {"count": count},
    )


def _active(scope: Scope, name: str) -> Any:
    rows = [scope.known.active[u] for u in scope.unit_ids if u in scope.known.active]
    return sum((row[name] or 0 for row in rows), start=0)


@evidence(key="budget_aligned")
def _budget_aligned(scope: Scope) -> Evidence:
    total, aligned = Decimal(_active(scope, "total")), Decimal(_active(scope, "aligned"))
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
    """Every active initiative has KPIs, and a measurement of each of them."""
    total = _active(scope, "count")
    missing = _active(scope, "unmeasured")
    if total == 0:
        return Evidence(False, gettext("No active initiative."))
    return Evidence(
        missing == 0,
        gettext("%(done)d of %(total)d active initiatives have KPIs, each measured.")
        % {"done": total - missing, "total": total},
    )


@evidence(key="business_impact")
def _business_impact(scope: Scope) -> Evidence:
    """Of the initiatives completed in the window, at least `IMPACT_SHARE`
    closed with an accepted outcome review with a KPI met or partly met."""
    rows = [scope.known.completed.get(u, (0, 0)) for u in scope.unit_ids]
    completed, shown = sum(r[0] for r in rows), sum(r[1] for r in rows)
    if completed == 0:
        return Evidence(
            False,
            gettext("No initiative completed in the last %(days)d days.")
            % {"days": IMPACT_WINDOW_DAYS},
        )
    return Evidence(
        Decimal(shown) >= IMPACT_SHARE * completed,
        gettext(
            "%(shown)d of %(total)d initiatives completed in the last %(days)d days closed "
            "with an accepted outcome review with a KPI met or partly met; half needed."
        )
        % {"shown": shown, "total": completed, "days": IMPACT_WINDOW_DAYS},
    )


@evidence(key="sponsor_within_sla")
def _sponsor_within_sla(scope: Scope) -> Evidence:
    facts = scope.known
    decisions = [d for unit_id in scope.unit_ids for d in facts.sponsor_decisions.get(unit_id, [])]
    if not decisions:
        return Evidence(False, gettext("No sponsor decision in the last 90 days."))
    late = 0
    for initiative_id, decided_at in decisions:
        began = max(
            (a for a in facts.sponsor_waits.get(initiative_id, []) if a <= decided_at),
            default=None,
        )
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
    functions = scope.known.functions
    return Evidence(
        len(functions) >= 4,
        gettext("Active initiatives across the organization serve %(count)d functions: %(names)s.")
        % {"count": len(functions), "names": ", ".join(sorted(functions)) or "-"},
    )


@evidence(key="audiences_beyond_customers")
def _audiences(scope: Scope) -> Evidence:
    reached: set[str] = set()
    for unit_id in scope.unit_ids:
        reached |= scope.known.audiences.get(unit_id, set()) & set(BEYOND_CUSTOMERS)
    return Evidence(
        len(reached) >= 2,
        gettext("Beyond customers, active initiatives reach: %(audiences)s; two needed.")
        % {"audiences": ", ".join(sorted(reached)) or "-"},
    )


@evidence(key="no_overdue_policy_reviews")
def _no_overdue_reviews(scope: Scope) -> Evidence:
    overdue: set[str] = set()
    for unit in scope.units:
        overdue |= {
            p.title
            for p in scope.known.policies.get(unit.pk, [])
            if p.next_review_due is not None and p.next_review_due < scope.today
        }
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


def assess(
    *,
    unit: BusinessUnit | None,
    answers: dict[str, bool] | None = None,
    facts: Facts | None = None,
    criteria: list[MaturityCriterion] | None = None,
) -> Assessment:
    """The scope's stage now, with the given answers or the latest recorded
    ones. `facts` and `criteria`, when given, are shared by several scopes."""
    today = timezone.localdate()
    scope = Scope(unit, today, facts if facts is not None else Facts(today))
    answers = latest_answers(unit=unit) if answers is None else answers
    if criteria is None:
        criteria = list(MaturityCriterion.objects.filter(active=True).order_by("stage", "id"))
    results = []
    for criterion in criteria:
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


@dataclass(frozen=True)
class Overview:
    """The organization's assessment, every unit's (by name) and the benchmark."""

    organization: Assessment
    units: list[Assessment]
    benchmark: dict[str, Any]


# Bumped by every change that can move a stage (maturity.apps connects it);
# the overview is cached per organization under the current value.
VERSION_KEY = "maturity:version"
OVERVIEW_SECONDS = 3600


def invalidate() -> None:
    """Forget the cached overview: now, and again once the change is committed
    (so that a reader that computed it from the data before the commit does
    not leave its answer behind)."""
    shared_cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    transaction.on_commit(lambda: shared_cache.set(VERSION_KEY, uuid.uuid4().hex, None))


def overview() -> Overview:
    """Every scope's assessment and the benchmark, from one set of aggregate
    queries, cached until a change that affects them (or the next day, or
    the language: the details are translated)."""
    version = shared_cache.get_or_set(VERSION_KEY, lambda: uuid.uuid4().hex, None)
    today = timezone.localdate()
    key = f"maturity:overview:{version}:{today.isoformat()}:{get_language()}"
    found = shared_cache.get(key)
    if found is not None:
        return cast(Overview, found)
    facts = Facts(today)
    criteria = list(MaturityCriterion.objects.filter(active=True).order_by("stage", "id"))
    answers: dict[int | None, dict[str, bool]] = {}
    for unit_id, given in MaturityAssessment.objects.order_by(
        "business_unit_id", "-at", "-id"
    ).values_list("business_unit_id", "answers"):
        answers.setdefault(unit_id, dict(given))
    units = [
        assess(unit=unit, answers=answers.get(unit.pk, {}), facts=facts, criteria=criteria)
        for unit in facts.units
    ]
    result = Overview(
        organization=assess(
            unit=None, answers=answers.get(None, {}), facts=facts, criteria=criteria
        ),
        units=units,
        benchmark=organization_benchmark(unit_assessments=units),
    )
    shared_cache.set(key, result, OVERVIEW_SECONDS)
    return result


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
    totals = committed.aggregate(
        total=Sum("budget"), aligned=Sum("budget", filter=serves_active_goal())
    )
    aligned_share = float((totals["aligned"] or 0) / totals["total"]) if totals["total"] else None
    governed = sum(1 for a in unit_assessments if _met(a, "core_policies"))
    sponsored = sum(1 for a in unit_assessments if _met(a, "sponsor_assigned"))
    dated = committed.exclude(start_date=None).exclude(end_date=None)
    year_after_start = ExpressionWrapper(
        F("start_date") + datetime.timedelta(days=365), output_field=DateField()
    )
    long_plans = dated.filter(end_date__gt=year_after_start).count()
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


# Evidence from the registry of social accounts and the crisis playbooks.


def _live_accounts(scope: Scope) -> Any:
    return SocialAccount.objects.filter(
        business_unit_id__in=scope.unit_ids, state__in=ACCOUNT_LIVE_STATES
    )


@evidence(key="accounts_registered")
def _accounts_registered(scope: Scope) -> Evidence:
    count = _live_accounts(scope).count()
    return Evidence(
        count > 0,
        ngettext(
            "%(count)d live account in the registry.",
            "%(count)d live accounts in the registry.",
            count,
        )
        % {"count": count},
    )


@evidence(key="accounts_recertified")
def _accounts_recertified(scope: Scope) -> Evidence:
    live = _live_accounts(scope)
    if not live.exists():
        return Evidence(False, gettext("No live account in the registry."))
    overdue = sorted(
        str(a) for a in live.filter(recertification_due__lt=scope.today).order_by("handle")[:5]
    )
    if overdue:
        return Evidence(
            False,
            gettext("Overdue for recertification: %(accounts)s.")
            % {"accounts": ", ".join(overdue)},
        )
    return Evidence(True, gettext("Every live account was recertified within its cycle."))


@evidence(key="playbook_in_force")
def _playbook_in_force(scope: Scope) -> Evidence:
    versions = playbooks_in_force(on=scope.today)
    uncovered = [
        unit.name
        for unit in scope.units
        if not any(not v.unit_ids or unit.pk in v.unit_ids for v in versions)
    ]
    if not versions or uncovered:
        return Evidence(
            False,
            gettext("No crisis playbook in force covers: %(units)s.")
            % {"units": ", ".join(uncovered) or gettext("any unit")},
        )
    return Evidence(True, gettext("A crisis playbook in force covers every unit in scope."))
