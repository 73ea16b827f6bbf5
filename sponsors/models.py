from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

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
    business_units: "models.ManyToManyField[BusinessUnit, Sponsorship]" = models.ManyToManyField(
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


class Delegation(models.Model):
    """A sponsor hands their sign-off to another user for a date range. Rights
    from a delegation are derived when they are checked, so they start and end
    with the dates and need no job; they are never passed on (no chains)."""

    sponsor = models.ForeignKey(
        ExecutiveSponsor, on_delete=models.CASCADE, related_name="delegations"
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delegations_received"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="delegation_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.sponsor} → {self.delegate} ({self.starts_on} to {self.ends_on})"


class NotificationKind(models.TextChoices):
    """What an email is about; each can be switched off on its own."""

    DECISIONS = "decisions", _("Decisions and items awaiting my decision")
    REMINDERS = "reminders", _("Reminders of overdue items")
    MENTIONS = "mentions", _("Mentions of me")


class NotificationPreference(models.Model):
    """How a user is told of what concerns them: email at all, email per kind
    (`email_<kind>`), and the language emails and notifications are written in
    (blank: the site's language)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_enabled = models.BooleanField(default=True)
    email_decisions = models.BooleanField(default=True)
    email_reminders = models.BooleanField(default=True)
    email_mentions = models.BooleanField(default=True)
    language = models.CharField(max_length=8, blank=True, choices=settings.LANGUAGES)

    def __str__(self) -> str:
        return f"{self.user}: {'on' if self.email_enabled else 'off'}"

    def emails(self, kind: str) -> bool:
        """Whether the user wants email of this kind."""
        return self.email_enabled and bool(getattr(self, f"email_{NotificationKind(kind)}"))


class ReminderLog(models.Model):
    """One digest of overdue items per person per day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    items = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_reminder_per_user_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.day}: {self.items} item(s)"
