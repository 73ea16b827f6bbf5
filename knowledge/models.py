"""The knowledge library: articles, regulations, market data, case studies and
how-tos that anyone signed in may propose and the CoE publishes.

An entry's title, summary, body (Markdown) and tags are plain text columns, so
that a search index can read them as they are. Who may read an entry is
decided in one place, knowledge.selectors.visible_entries."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from governance.models import BusinessUnit, StrategicGoal
from initiatives.models import Initiative
from policies.models import Policy


class Kind(models.TextChoices):
    ARTICLE = "article", _("Article")
    REGULATION = "regulation", _("Regulation or guideline")
    MARKET_DATA = "market_data", _("Market data")
    CASE_STUDY = "case_study", _("Case study")
    HOW_TO = "how_to", _("How-to")


class State(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Audience(models.TextChoices):
    ORGANIZATION = "organization", _("The whole organization")
    UNITS = "units", _("Chosen business units")


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    GERMAN = "de", "Deutsch"
    ITALIAN = "it", "Italiano"


class Entry(models.Model):
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.ARTICLE)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    body = models.TextField(_("body"), blank=True, help_text=_("Markdown."))
    source_url = models.URLField(_("source link"), max_length=500, blank=True)
    # Comma-separated, lower case, as the service cleans them: plain text to index.
    tags = models.CharField(_("tags"), max_length=300, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="library_entries"
    )
    # What the entry concerns (for the digest and for readers).
    units = models.ManyToManyField(
        BusinessUnit, blank=True, related_name="library_entries", verbose_name=_("units")
    )
    goals = models.ManyToManyField(
        StrategicGoal, blank=True, related_name="library_entries", verbose_name=_("goals")
    )
    # Who may read it once published.
    audience = models.CharField(
        _("audience"), max_length=16, choices=Audience.choices, default=Audience.ORGANIZATION
    )
    audience_units = models.ManyToManyField(
        BusinessUnit,
        blank=True,
        related_name="library_entries_shown",
        verbose_name=_("visible to units"),
    )
    review_on = models.DateField(_("review date"), null=True, blank=True)
    # Related reading.
    policies = models.ManyToManyField(
        Policy, blank=True, related_name="library_entries", verbose_name=_("policies")
    )
    initiatives = models.ManyToManyField(
        Initiative, blank=True, related_name="library_entries", verbose_name=_("initiatives")
    )
    related = models.ManyToManyField(
        "self", blank=True, symmetrical=True, verbose_name=_("related entries")
    )
    state = FSMField(default=State.PROPOSED, choices=State.choices, protected=True)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        m2m_fields=[units, goals, audience_units, policies, initiatives],
        excluded_fields=["updated_at"],
    )

    class Meta:
        ordering = ["-published_at", "-created_at", "-id"]
        verbose_name_plural = "entries"
        indexes = [
            models.Index(fields=["state", "-published_at", "-id"], name="entry_newest"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_out_of_date(self, today: datetime.date | None = None) -> bool:
        """Past its review date: possibly out of date."""
        return self.review_on is not None and self.review_on < (today or timezone.localdate())

    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(",") if tag]

    @transition(field=state, source=State.PROPOSED, target=State.PUBLISHED)
    def publish(self) -> None:
        self.published_at = timezone.now()

    @transition(field=state, source=State.PUBLISHED, target=State.ARCHIVED)
    def archive(self) -> None:
        pass


class UsefulMark(models.Model):
    """A reader found the entry useful: one per reader and entry."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="useful_marks")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="useful_marks"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "user"], name="useful_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.entry_id}"


class DigestSent(models.Model):
    """The weekly digest sent to a user for a week (its Monday): sent once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="library_digests"
    )
    week = models.DateField()
    entries = models.PositiveIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="digest_once_per_week")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.week}"
