"""The maturity assessment's data: the criteria of the six stages, and the
assessments recorded for units and the organization.

These models were governance's until maturity became its own app: their tables
keep their names, and their audit events the label they had."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.models import BusinessUnit


class MaturityStage(models.IntegerChoices):
    """The six stages of social business, in order."""

    PLANNING = 1, _("Planning")
    PRESENCE = 2, _("Presence")
    ENGAGEMENT = 3, _("Engagement")
    FORMALIZED = 4, _("Formalized")
    STRATEGIC = 5, _("Strategic")
    CONVERGED = 6, _("Converged")


class MaturityCriterion(models.Model):
    """One criterion of a stage: evidence computed from the tool's own data, or
    a self-assessment question answered by a unit lead or the CoE lead."""

    class Kind(models.TextChoices):
        EVIDENCE = "evidence", _("Evidence from the tool")
        SELF = "self", _("Self-assessment")

    key = models.SlugField(max_length=64, unique=True)
    stage = models.PositiveSmallIntegerField(choices=MaturityStage.choices)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField()
    fix_url = models.CharField("where to fix it", max_length=200, blank=True)
    active = models.BooleanField(default=True)

    # Audit events name the model as they did before it moved here from governance.
    audit_label = "governance.maturitycriterion"

    class Meta:
        ordering = ["stage", "id"]
        verbose_name_plural = "maturity criteria"
        # The table kept its name when the model moved here from governance.
        db_table = "governance_maturitycriterion"

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.title}"


class MaturityAssessment(models.Model):
    """A recorded assessment of a unit (or, without one, the organization): the
    answers given, every criterion's result and the stage, kept for history."""

    business_unit = models.ForeignKey(
        BusinessUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="maturity_assessments",
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="maturity_assessments"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    answers = models.JSONField(default=dict)
    results = models.JSONField(default=list)
    stage = models.PositiveSmallIntegerField(default=0)

    audit_label = "governance.maturityassessment"

    class Meta:
        ordering = ["-at", "-id"]
        db_table = "governance_maturityassessment"

    def __str__(self) -> str:
        scope = self.business_unit or "Organization"
        return f"{scope}: stage {self.stage} on {self.at:%Y-%m-%d}"
