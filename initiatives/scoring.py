"""The priority score: weighted criteria set by the CoE lead. Each criterion is
scaled to 0..1 (1 is best for the organization); the score is their weighted
mean, 0 to 100.

The score is stored on the initiative (`Initiative.score`, indexed), so that
lists sort on it and the portfolio ranks by it with an index instead of
computing it for every row they read; with it, whether the initiative serves
an active goal and any goal (`aligned`, `has_goal`), which the portfolio sums
and counts. `scores_refresh` is their one writer: the
services call it in the transaction of every change of one of its inputs (an
initiative's budget, risk, expected impact, effort or goals; a goal's `active`
flag; the weights), and it computes the score in the database, in one UPDATE
however many initiatives it covers."""

from decimal import Decimal

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
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Least

from governance.models import StrategicGoal
from initiatives.models import Initiative, Risk, ScoringCriterion

# What the score is computed from, of the initiative's own content: a change
# of any of them changes the score.
INPUTS = frozenset({"budget", "risk", "expected_impact", "effort", "goals"})


def weights() -> dict[str, Decimal]:
    return dict(ScoringCriterion.objects.values_list("key", "weight"))


def serves_active_goal() -> Exists:
    """Whether the initiative serves at least one active strategic goal."""
    return Exists(StrategicGoal.objects.filter(initiatives=OuterRef("pk"), active=True))


def has_goal() -> Exists:
    """Whether the initiative serves any goal (an inactive one counts)."""
    return Exists(Initiative.goals.through.objects.filter(initiative_id=OuterRef("pk")))


def score_expression(current: dict[str, Decimal] | None = None) -> Combinable:
    """The score of an initiative as a database expression over its row and its
    goals, with the given weights (the current ones, one query, by default)."""
    w = {key: float(value) for key, value in (weights() if current is None else current).items()}
    total = sum(w.values())
    if total <= 0:
        return Value(0.0, output_field=FloatField())
    reference = float(settings.SCORING_COST_REFERENCE)
    criteria = {
        "alignment": Case(
            When(serves_active_goal(), then=Value(1.0)),
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
    return ExpressionWrapper(weighted * 100.0 / total, output_field=FloatField())


def scores_refresh(*, initiatives: QuerySet[Initiative] | None = None) -> int:
    """Store the current score of the initiatives (all by default), with
    whether each serves an active goal and any goal, in one UPDATE. Call it
    inside the transaction of the change that moves them, and for data written
    around the services (imports, bulk loads). Records nothing: they are
    derived from what the audit log already holds (the content, the goals and
    the weights). Returns the number of initiatives written."""
    selected = Initiative.objects.all() if initiatives is None else initiatives
    return selected.update(
        score=score_expression(), aligned=serves_active_goal(), has_goal=has_goal()
    )


def score_refresh(*, initiative: Initiative) -> None:
    """`scores_refresh` of one initiative, and what it stored on the object."""
    scores_refresh(initiatives=Initiative.objects.filter(pk=initiative.pk))
    initiative.score, initiative.aligned, initiative.has_goal = Initiative.objects.values_list(
        "score", "aligned", "has_goal"
    ).get(pk=initiative.pk)


def goal_changed(*, goal: StrategicGoal, changed: frozenset[str], **kwargs: object) -> None:
    """A goal became active or inactive: store the new score of its initiatives
    (receiver of governance.signals.goal_changed, in the goal's transaction)."""
    if "active" in changed:
        links = Initiative.goals.through.objects.filter(strategicgoal_id=goal.pk)
        scores_refresh(initiatives=Initiative.objects.filter(pk__in=links.values("initiative_id")))
