"""The CoE lead's choice of what approving an initiative requires, by the
organization's maturity stage: each kind of requirement (registered in
initiatives.preconditions) applies from a stage on, or not at all."""

from django.conf import settings
from django.db import models

from maturity.models import MaturityStage


class StageRequirement(models.Model):
    """A kind of approval requirement applies once the organization has reached
    `from_stage`. A kind without a row applies at no stage."""

    kind = models.SlugField(max_length=64, unique=True)
    from_stage = models.PositiveSmallIntegerField(choices=MaturityStage.choices)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["from_stage", "kind"]

    def __str__(self) -> str:
        return f"{self.kind} from stage {self.from_stage}"
