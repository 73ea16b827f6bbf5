"""The priority score: weighted criteria set by the CoE lead, computed in the
database so that lists can sort on it. Each criterion is scaled to 0..1 (1 is
best for the organization); the score is their weighted mean, 0 to 100."""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Least

from governance.models import StrategicGoal
from initiatives.models import Initiative, Risk, ScoringCriterion


def weights() -> dict[str, Decimal]:
    return dict(ScoringCriterion.objects.values_list("key", "weight"))


_RISK: dict[str, float] = {Risk.LOW: 1.0, Risk.MEDIUM: 0.5}


def score_of(
    *,
    aligned: bool,
    expected_impact: int,
    budget: Decimal,
    risk: str,
    effort: int,
    current: dict[str, Decimal],
) -> float:
    """One initiative's score from its values, the same figure `with_scores`
    computes in the database (the same operations in the same order)."""
    w = {key: float(value) for key, value in current.items()}
    total = sum(w.values())
    if total <= 0:
        return 0.0
    criteria = {
        "alignment": 1.0 if aligned else 0.0,
        "impact": (float(expected_impact) - 1.0) / 4.0,
        "cost": 1.0 - min(float(budget) / float(settings.SCORING_COST_REFERENCE), 1.0),
        "risk": _RISK.get(risk, 0.0),
        "effort": (5.0 - float(effort)) / 4.0,
    }
    weighted = 0.0
    for key, value in criteria.items():
        weighted = weighted + w.get(key, 0.0) * value
    return weighted * 100.0 / total


def _goals(item: Any) -> Any:
    """The goals prefetched with the row, without building a manager per row."""
    prefetched = getattr(item, "_prefetched_objects_cache", {})
    return prefetched["goals"] if "goals" in prefetched else item.goals.all()


def score_rows(items: Iterable[Any], current: dict[str, Decimal] | None = None) -> None:
    """Set `score` on each initiative of a page from the goals prefetched with
    them: so that a page sorted by anything else scores its own rows only, not
    every row the caller may see. One query for the weights unless given."""
    current = weights() if current is None else current
    for item in items:
        item.score = score_of(
            aligned=any(goal.active for goal in _goals(item)),
            expected_impact=item.expected_impact,
            budget=item.budget,
            risk=item.risk,
            effort=item.effort,
            current=current,
        )


def with_scores(queryset: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """Annotate `score` (0..100) with the current weights; one query for the weights."""
    w = {key: float(value) for key, value in weights().items()}
    total = sum(w.values())
    if total <= 0:
        return queryset.annotate(score=Value(0.0, output_field=FloatField()))
    active_goal = StrategicGoal.objects.filter(initiatives=OuterRef("pk"), active=True)
    reference = float(settings.SCORING_COST_REFERENCE)
    criteria = {
        "alignment": Case(
            When(Exists(active_goal), then=Value(1.0)),
            default=Value(0.0),
            output_field=FloatField(),
        ),
        "impact": (Cast(F("expected_impact"), FloatField()) - 1.0) / 4.0,
        "cost": 1.0 - Least(Cast(F("budget"), FloatField()) / reference, Value(1.0)),
        "risk": Case(
            When(risk=Risk.LOW, then=Value(1.0)),
            When(risk=Risk.MEDIUM, then=Value(0.5)),
            default=Value(0.0),
            output_field=FloatField(),
        ),
        "effort": (5.0 - Cast(F("effort"), FloatField())) / 4.0,
    }
    weighted = sum(
        (Value(w.get(key, 0.0)) * expression for key, expression in criteria.items()),
        start=Value(0.0),
    )
    return queryset.annotate(
        score=ExpressionWrapper(weighted * 100.0 / total, output_field=FloatField())
    )
