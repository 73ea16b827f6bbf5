"""Who the organization lets in and how: the mapping from the identity
provider's groups to the product's roles, and the API tokens users hold."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken

from governance.models import BusinessUnit


class MappedRole(models.TextChoices):
    """The roles a provider's group can give."""

    COE_LEAD = "coe_lead", _("CoE lead")
    COE_MEMBER = "coe_member", _("CoE member")
    AUDITOR = "auditor", _("Auditor")
    SPONSOR = "sponsor", _("Executive sponsor of a unit")
    UNIT_LEAD = "unit_lead", _("Lead of a unit")
    UNIT_MEMBER = "unit_member", _("Member of a unit")


ORGANIZATION_ROLES = frozenset({MappedRole.COE_LEAD, MappedRole.COE_MEMBER, MappedRole.AUDITOR})
UNIT_ROLES = frozenset({MappedRole.SPONSOR, MappedRole.UNIT_LEAD, MappedRole.UNIT_MEMBER})


class RoleMapping(models.Model):
    """Members of `group` at the identity provider hold `role` (on
    `business_unit`, for the unit roles). Applied at every single sign-on."""

    group = models.CharField(_("provider group"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=MappedRole.choices)
    business_unit = models.ForeignKey(
        BusinessUnit,
        verbose_name=_("business unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approval_threshold = models.DecimalField(
        _("approval threshold"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("For sponsors: initiatives at or above this budget need their sign-off."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["group", "role", "business_unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "role"],
                condition=Q(business_unit__isnull=True),
                name="role_mapping_unique_organization_role",
            ),
            models.UniqueConstraint(
                fields=["group", "role", "business_unit"],
                condition=Q(business_unit__isnull=False),
                name="role_mapping_unique_unit_role",
            ),
        ]

    def __str__(self) -> str:
        unit = f" ({self.business_unit})" if self.business_unit_id else ""
        return f"{self.group} → {self.get_role_display()}{unit}"

    def clean(self) -> None:
        if self.role in UNIT_ROLES and self.business_unit_id is None:
            raise ValidationError({"business_unit": _("This role needs a business unit.")})
        if self.role in ORGANIZATION_ROLES and self.business_unit_id is not None:
            raise ValidationError(
                {"business_unit": _("This role is organization-wide: leave the unit empty.")}
            )
        if self.role == MappedRole.SPONSOR and self.approval_threshold is None:
            raise ValidationError({"approval_threshold": _("A sponsor needs a threshold.")})


class ApiToken(AbstractAuthToken):
    """An API token: only a digest and a short prefix (`token_key`) are kept,
    the token itself is shown once. Every token has an expiry."""

    name: "models.CharField[str, str]" = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.token_key}…)"
