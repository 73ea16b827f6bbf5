"""Business impact of an initiative: its KPIs (each serving one of its
strategic goals), the measurements recorded against them, the spend recorded
per period against the approved budget, and the outcome review that closes it.

Measurements are never changed: a correction is a new row that supersedes the
earlier one, which stays, linked. The outcome review has a small state
machine: submitted by the unit, accepted by the CoE or returned for changes.

Initiatives are never deleted by the product; the rows here go with their
initiative only when a whole test or demo database is emptied."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from governance.models import StrategicGoal
from initiatives.models import Amendment, Initiative

MAX_DIGITS = 18
DECIMALS = 4


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Kpi(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="kpi_set")
    goal = models.ForeignKey(StrategicGoal, on_delete=models.PROTECT, related_name="kpis")
    name = models.CharField(_("name"), max_length=120)
    unit = models.CharField(_("unit of measure"), max_length=40)
    baseline = models.DecimalField(_("baseline"), max_digits=MAX_DIGITS, decimal_places=DECIMALS)
    target = models.DecimalField(_("target"), max_digits=MAX_DIGITS, decimal_places=DECIMALS)
    due_on = models.DateField(_("due date"))
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when an approved amendment retired the KPI: it keeps its
    # measurements, takes no new ones and no check asks for it any more.
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        ordering = ["initiative_id", "id"]
        verbose_name = "KPI"
        indexes = [models.Index(fields=["goal"], name="kpi_goal")]

    def __str__(self) -> str:
        return self.name

    def reaches(self, value: Decimal | None) -> bool:
        """Whether `value` reaches the target, in the KPI's direction."""
        if value is None:
            return False
        return value >= self.target if self.direction == Direction.HIGHER else value <= self.target


class KpiChangeAction(models.TextChoices):
    ADD = "add", _("Add")
    CHANGE = "change", _("Change")
    RETIRE = "retire", _("Retire")


class KpiChange(models.Model):
    """One change of a KPI that an amendment proposes, applied when the
    amendment is approved. `old` holds the KPI's values when it was proposed
    (the approved ones: after submission KPIs change through amendments
    alone), `values` the proposed ones (every field for an added KPI, the
    changed ones otherwise). An added KPI is linked here once it exists."""

    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="kpi_changes")
    position = models.PositiveSmallIntegerField()
    action = models.CharField(max_length=8, choices=KpiChangeAction.choices)
    kpi = models.ForeignKey(
        Kpi, null=True, blank=True, on_delete=models.CASCADE, related_name="changes"
    )
    old = models.JSONField(default=dict, blank=True)
    values = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["amendment_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["amendment", "position"], name="kpi_change_position"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.kpi_id or self.values.get('name', '')}"


class Measurement(models.Model):
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="measurements")
    value = models.DecimalField(_("value"), max_digits=MAX_DIGITS, decimal_places=DECIMALS)
    measured_on = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    # The measurement this one corrects; the corrected one stays, linked.
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kpi_id", "measured_on", "id"]
        indexes = [models.Index(fields=["kpi", "-measured_on", "-id"], name="measurement_latest")]

    def __str__(self) -> str:
        return f"{self.kpi}: {self.value} ({self.measured_on})"


class Spend(models.Model):
    """What an initiative spent in one period (a month, given as its first day)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="spend_set")
    period = models.DateField(_("period"))
    amount = models.DecimalField(
        _("amount"),
        max_digits=15,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["initiative_id", "period"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "period"], name="spend_one_per_period"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="spend_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.initiative}: {self.amount} ({self.period:%Y-%m})"


class ReviewState(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting acceptance")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for changes")


class Result(models.TextChoices):
    MET = "met", _("Met")
    PARTLY = "partly", _("Partly met")
    MISSED = "missed", _("Missed")


class OutcomeReview(models.Model):
    initiative = models.OneToOneField(
        Initiative, on_delete=models.CASCADE, related_name="outcome_review"
    )
    lessons = models.TextField(_("lessons learned"))
    # Spend against budget as it stood when the review was (last) submitted.
    budget = models.DecimalField(max_digits=15, decimal_places=2)
    spent = models.DecimalField(max_digits=15, decimal_places=2)
    state = FSMField(
        default=ReviewState.SUBMITTED, choices=ReviewState.choices, protected=True, db_index=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    decided_at = models.DateTimeField(null=True)
    decision_comment = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.initiative}"

    @transition(field=state, source=ReviewState.SUBMITTED, target=ReviewState.ACCEPTED)
    def accept(self) -> None:
        pass

    @transition(field=state, source=ReviewState.SUBMITTED, target=ReviewState.RETURNED)
    def return_for_changes(self) -> None:
        pass

    @transition(field=state, source=ReviewState.RETURNED, target=ReviewState.SUBMITTED)
    def resubmit(self) -> None:
        pass


class KpiResult(models.Model):
    """One KPI's result in an outcome review."""

    review = models.ForeignKey(OutcomeReview, on_delete=models.CASCADE, related_name="results")
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="results")
    result = models.CharField(max_length=8, choices=Result.choices)

    class Meta:
        ordering = ["kpi_id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "kpi"], name="kpi_result_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kpi}: {self.result}"
