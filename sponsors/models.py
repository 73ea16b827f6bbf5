from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from governance.models import BusinessUnit


class ExecutiveSponsor(models.Model):
    """An executive who owns a portfolio of business units and signs off on their
    initiatives above the approval threshold."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sponsor_profile"
    )
    approval_threshold = models.DecimalField(
        max_digits=15, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    business_units = models.ManyToManyField(
        BusinessUnit, through="Sponsorship", related_name="sponsors", blank=True
    )

    class Meta:
        ordering = ["user__username"]

    def __str__(self) -> str:
        return str(self.user)


class Sponsorship(models.Model):
    sponsor = models.ForeignKey(
        ExecutiveSponsor, on_delete=models.CASCADE, related_name="sponsorships"
    )
    business_unit = models.ForeignKey(
        BusinessUnit, on_delete=models.CASCADE, related_name="sponsorships"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["sponsor", "business_unit"], name="one_sponsorship_per_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sponsor} sponsors {self.business_unit}"
