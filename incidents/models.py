"""Crisis playbooks and incidents.

A playbook is versioned like a policy: the CoE drafts and edits its working
copy (the first steps, the units and accounts it covers, who is called at
each severity), submits it for review, and the CoE lead publishes it with an
effective date; each publish freezes a PlaybookVersion. The version in force
on a day is the newest published one whose effective date has come.

Anyone in a unit declares an incident on one or more of the unit's accounts
with a severity. The playbook version in force that covers them decides who
is called at once; they become the incident's responders. The incident keeps
a timeline (updates, escalations, decisions) and closes with a review. While
it is open, its accounts are paused (SocialAccount.paused).
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from governance import access
from governance.access import DECIDE, EDIT_POLICIES, LEAD, PUBLISH_POLICIES, REVIEW
from governance.models import BusinessUnit
from governance.transitions import Rights, Source, UserLike
from governance.transitions import rule as _rule
from social_accounts.models import SocialAccount


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


SEVERITY_ORDER = [s.value for s in Severity]


class PlaybookState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class ContactRole(models.TextChoices):
    """Whom a playbook calls by role, resolved when the incident is declared."""

    COE_LEAD = "coe_lead", _("CoE lead")
    UNIT_LEAD = "unit_lead", _("Lead of the affected unit")
    SPONSOR = "sponsor", _("Sponsor of the affected unit")
    ACCOUNT_OWNERS = "account_owners", _("Owners of the affected accounts")


PLAYBOOK_REFUSED = _("You may not %(action)s this playbook.")
INCIDENT_REFUSED = _("You may not %(action)s this incident.")


def _organization(user: UserLike) -> Source:
    return Source(lambda: access.organization_rights(user))


class Playbook(ConcurrentTransitionMixin, models.Model):
    title = models.CharField(max_length=200)
    # The first steps, in Markdown (sanitized when shown, as policies are).
    body = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_playbooks"
    )
    # None: every unit.
    business_units = models.ManyToManyField(BusinessUnit, blank=True, related_name="playbooks")
    # None: every account of the units it covers.
    accounts = models.ManyToManyField(SocialAccount, blank=True, related_name="playbooks")
    effective_date = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    state = FSMField(
        default=PlaybookState.DRAFT, choices=PlaybookState.choices, protected=True, db_index=True
    )
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        m2m_fields=[business_units, accounts], excluded_fields=["updated_at"]
    )

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    def transition_rights(self, user: UserLike) -> Rights:
        return Rights(user, self, _organization(user), refused=PLAYBOOK_REFUSED)

    @transition(
        field=state,
        source=PlaybookState.DRAFT,
        target=PlaybookState.IN_REVIEW,
        custom=_rule(EDIT_POLICIES),
    )
    def submit(self) -> None:
        pass

    @transition(
        field=state,
        source=PlaybookState.IN_REVIEW,
        target=PlaybookState.DRAFT,
        custom=_rule(EDIT_POLICIES, comment_required=True),
    )
    def return_to_draft(self) -> None:
        pass

    @transition(
        field=state,
        source=PlaybookState.IN_REVIEW,
        target=PlaybookState.PUBLISHED,
        custom=_rule(PUBLISH_POLICIES),
    )
    def publish(self, effective_date: Any = None) -> None:
        today = timezone.localdate()
        if effective_date is not None:
            self.effective_date = effective_date
        elif self.effective_date is None or self.effective_date < today:
            self.effective_date = today
        self.version += 1

    @transition(
        field=state,
        source=PlaybookState.PUBLISHED,
        target=PlaybookState.DRAFT,
        custom=_rule(EDIT_POLICIES),
    )
    def revise(self) -> None:
        pass

    @transition(
        field=state,
        source=PlaybookState.PUBLISHED,
        target=PlaybookState.RETIRED,
        custom=_rule(PUBLISH_POLICIES, comment_required=True),
    )
    def retire(self) -> None:
        self.retired_at = timezone.now()


class PlaybookContact(models.Model):
    """Who the working copy calls at one severity: a role or a named person,
    with a backup person."""

    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="contacts")
    severity = models.CharField(max_length=10, choices=Severity.choices)
    role = models.CharField(max_length=20, choices=ContactRole.choices, blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="playbook_contacts",
    )
    backup = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="playbook_backups",
    )

    class Meta:
        ordering = ["playbook", "severity", "id"]

    def __str__(self) -> str:
        return f"{self.playbook} {self.severity}: {self.role or self.person}"

    def as_frozen(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "role": self.role,
            "person": self.person_id,
            "backup": self.backup_id,
        }


class PlaybookVersion(models.Model):
    """One published version, frozen: its text, scope and contacts."""

    playbook = models.ForeignKey(Playbook, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    # Ids, as they were at publishing ([] for "every").
    unit_ids = models.JSONField(default=list)
    account_ids = models.JSONField(default=list)
    # [{"severity", "role", "person", "backup"}], see PlaybookContact.as_frozen.
    contacts = models.JSONField(default=list)
    effective_date = models.DateField()
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["playbook", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["playbook", "version"], name="one_row_per_playbook_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    def covers(self, *, unit_id: int, account_ids: set[int]) -> bool:
        if self.unit_ids and unit_id not in self.unit_ids:
            return False
        return not self.account_ids or bool(account_ids & set(self.account_ids))


class IncidentState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Incident(ConcurrentTransitionMixin, models.Model):
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, db_index=True)
    business_unit = models.ForeignKey(
        BusinessUnit, on_delete=models.PROTECT, related_name="incidents"
    )
    accounts = models.ManyToManyField(SocialAccount, related_name="incidents")
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="declared_incidents"
    )
    declared_at = models.DateTimeField(default=timezone.now)
    # The playbook version in force that covered the incident when declared.
    playbook_version = models.ForeignKey(
        PlaybookVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    # Everyone the playbook called, at declaration and at each escalation.
    responders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="incidents_to_respond"
    )
    state = FSMField(
        default=IncidentState.OPEN, choices=IncidentState.choices, protected=True, db_index=True
    )
    review = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="closed_incidents",
    )

    class Meta:
        ordering = ["-declared_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def transition_rights(self, user: UserLike) -> Rights:
        """The unit's leads and the CoE lead close an incident."""
        unit_id = self.business_unit_id

        def unit() -> frozenset[str]:
            return frozenset(c for c, ids in access.unit_rights(user).items() if unit_id in ids)

        return Rights(user, self, Source(unit), refused=INCIDENT_REFUSED)

    @transition(
        field=state,
        source=IncidentState.OPEN,
        target=IncidentState.CLOSED,
        custom=_rule(LEAD, DECIDE, comment_required=True),
    )
    def close(self) -> None:
        self.closed_at = timezone.now()


# Who may write on an incident's timeline besides its responders and declarer.
TIMELINE_RIGHTS = frozenset({LEAD, REVIEW, DECIDE})


class IncidentEntry(models.Model):
    """One step of an incident's timeline."""

    class Kind(models.TextChoices):
        DECLARED = "declared", _("Declared")
        UPDATE = "update", _("Update")
        ESCALATION = "escalation", _("Escalation")
        DECISION = "decision", _("Decision")
        REVIEW = "review", _("Closing review")

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.TextField(blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="incident_entries"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["incident", "at", "id"]

    def __str__(self) -> str:
        return f"{self.incident}: {self.kind}"
