"""Policies, their published versions, acknowledgments, attestations and exceptions.

The policy's transition table lives here, as the initiative's does: each
transition says which states it leaves, where it goes, which organization-wide
right may take it and whether a comment is required. Services in
policies.services are the only callers of the transition methods.

A policy has a working copy (its own fields, edited in draft) and published
versions (PolicyVersion, frozen at each publish; `current_version` is the
newest). A version takes effect on its effective date: until then it is
scheduled and the one before stays in force (policies.selectors.version_in_force).
Revising a published policy reopens the working copy as a draft while the
published versions stay as they are until the next publish.
"""

import calendar
import datetime
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from guardian.models import UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from governance import access, audit, audit_reader
from governance.access import DECIDE_EXCEPTIONS, EDIT_POLICIES, PUBLISH_POLICIES
from governance.models import BusinessUnit
from governance.transitions import AUTHORS, REQUESTER, Bar, Rights, Source, UserLike
from governance.transitions import rule as _rule
from initiatives.models import Initiative

MAX_REVIEW_INTERVAL_MONTHS = 60
# How far ahead an exception may be requested to expire.
MAX_EXCEPTION_MONTHS = 12


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day if it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class Category(models.TextChoices):
    SOCIAL_MEDIA = "social_media", "Social media policy"
    BRAND_VOICE = "brand_voice", "Brand voice"
    COMMUNITY_RESPONSE = "community_response", "Community response and triage"
    CRISIS_ESCALATION = "crisis_escalation", "Crisis escalation"
    EMPLOYEE_ADVOCACY = "employee_advocacy", "Employee advocacy"
    PRIVACY = "privacy", "Privacy and data"
    DISCLOSURE = "disclosure", "Disclosure and compliance"
    ACCOUNT_SECURITY = "account_security", "Account security"


POLICY_REFUSED = _("You may not %(action)s this policy.")
POLICY_AUTHORS_BARRED = _(
    "Separation of duties: whoever wrote or edited this version may not publish it."
)
EXCEPTION_REFUSED = _("You may not %(action)s this exception.")
EXCEPTION_BARRED = _(
    "Separation of duties: nobody decides on an exception they requested or benefit from."
)


class TwoPersonRule(models.Model):
    """Whether whoever wrote or edited a policy's version is barred from
    publishing it: on unless the CoE lead turned it off (a small organization
    whose whole CoE is one person), with a reason. One row; every change is
    an audit event."""

    enabled = models.BooleanField(default=True)
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Two-person rule for policies: {'on' if self.enabled else 'off'}"

    @classmethod
    def current(cls) -> "TwoPersonRule":
        """The setting in force: the stored row, or the default (on)."""
        return cls.objects.filter(pk=1).select_related("changed_by").first() or cls(pk=1)


def _organization_rights(user: UserLike) -> Source:
    return Source(lambda: access.organization_rights(user))


class Policy(ConcurrentTransitionMixin, models.Model):
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=32, choices=Category.choices)
    body = models.TextField("Body (Markdown)", blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_policies"
    )
    # None means the policy applies to every business unit.
    business_units = models.ManyToManyField(BusinessUnit, blank=True, related_name="policies")
    effective_date = models.DateField(null=True, blank=True)
    review_interval_months = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(MAX_REVIEW_INTERVAL_MONTHS)]
    )
    next_review_due = models.DateField(null=True, blank=True)
    # The number of the last published version; 0 until the first publish.
    version = models.PositiveIntegerField(default=0)
    current_version = models.ForeignKey(
        "PolicyVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = FSMField(default=State.DRAFT, choices=State.choices, protected=True, db_index=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[business_units], excluded_fields=["updated_at"])

    class Meta:
        ordering = ["title", "id"]
        verbose_name_plural = "policies"
        permissions = [(access.VIEW_POLICY, "Sees the policy (its working group owns it)")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.state == State.DRAFT

    @property
    def is_published(self) -> bool:
        """Published once and not retired. Its newest version may still be
        scheduled: which version is in force on a day is
        policies.selectors.version_in_force's answer."""
        return self.current_version_id is not None and self.state != State.RETIRED

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.is_published and self.next_review_due is not None and self.next_review_due < today
        )

    def authors(self) -> set[Any]:
        """Who wrote or edited the version under way (since the last publish),
        barred from publishing it while the two-person rule is on."""
        if not TwoPersonRule.current().enabled:
            return set()
        return audit_reader.actors_since(
            obj=self,
            events=(audit.Event.POLICY_CREATED, audit.Event.POLICY_UPDATED),
            since=audit.Event.POLICY_PUBLISHED,
        )

    def transition_rights(self, user: UserLike) -> Rights:
        """Organization-wide rights decide a policy's transitions; its authors
        do not publish it."""
        return Rights(
            user,
            self,
            _organization_rights(user),
            bars={AUTHORS: Bar(self.authors, POLICY_AUTHORS_BARRED)},
            refused=POLICY_REFUSED,
        )

    # The state machine. Each method only changes this object's fields.

    @transition(
        field=state, source=State.DRAFT, target=State.IN_REVIEW, custom=_rule(EDIT_POLICIES)
    )
    def submit(self) -> None:
        pass

    @transition(
        field=state,
        source=State.IN_REVIEW,
        target=State.DRAFT,
        custom=_rule(EDIT_POLICIES, comment_required=True),
    )
    def return_to_draft(self) -> None:
        pass

    @transition(
        field=state,
        source=State.IN_REVIEW,
        target=State.PUBLISHED,
        custom=_rule(PUBLISH_POLICIES, barred=[AUTHORS]),
    )
    def publish(self, effective_date: datetime.date | None = None) -> None:
        """A new version, in effect from `effective_date` (else the working
        copy's date, never before today): scheduled until then, with the
        version before it in force. Due for review one interval after it
        takes effect. The service refuses an effective date in the past."""
        today = timezone.localdate()
        if effective_date is not None:
            self.effective_date = effective_date
        elif self.effective_date is None or self.effective_date < today:
            self.effective_date = today
        self.version += 1
        self.next_review_due = add_months(self.effective_date, self.review_interval_months)

    @transition(
        field=state, source=State.PUBLISHED, target=State.DRAFT, custom=_rule(EDIT_POLICIES)
    )
    def revise(self) -> None:
        pass

    @transition(
        field=state, source=State.PUBLISHED, target=State.RETIRED, custom=_rule(PUBLISH_POLICIES)
    )
    def retire(self) -> None:
        self.retired_at = timezone.now()


class PolicyVersion(models.Model):
    """The text of one published version, frozen when it was published."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=32, choices=Category.choices)
    body = models.TextField()
    effective_date = models.DateField()
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The history row the publish wrote: the full state of the policy then.
    history_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["policy", "version"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "version"], name="one_row_per_policy_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class Acknowledgment(models.Model):
    """A unit staff member read and accepted one published version of a policy."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="acknowledgments")
    version = models.PositiveIntegerField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="policy_acknowledgments"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["policy", "user", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "user", "version"], name="one_acknowledgment_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} acknowledged {self.policy} v{self.version}"


class Attestation(models.Model):
    """On submitting an initiative, its submitter attests the versions in force
    of the policies that apply to its unit."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.PROTECT, related_name="policy_attestations"
    )
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="attestations")
    version = models.PositiveIntegerField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="policy_attestations"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["initiative", "policy", "-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} attested {self.policy} v{self.version} for {self.initiative}"


class ExceptionState(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class PolicyException(ConcurrentTransitionMixin, models.Model):
    """A waiver of one policy for one initiative, until its expiry date.

    An approved exception stops being active on `expires_on` by itself: every
    read compares the date, so no job has to run for the answer to be right."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.PROTECT, related_name="policy_exceptions"
    )
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="exceptions")
    reason = models.TextField()
    expires_on = models.DateField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="requested_exceptions"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    state = FSMField(
        default=ExceptionState.REQUESTED,
        choices=ExceptionState.choices,
        protected=True,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decided_exceptions",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Exception to {self.policy} for {self.initiative}"

    def is_active(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.state == ExceptionState.APPROVED and today < self.expires_on

    @property
    def status(self) -> str:
        """The state, with an approved exception past its date shown as expired."""
        if self.state == ExceptionState.APPROVED and not self.is_active():
            return "expired"
        return "active" if self.state == ExceptionState.APPROVED else self.state

    def transition_rights(self, user: UserLike) -> Rights:
        """Organization-wide rights decide; nobody decides on an exception they
        requested or that is for an initiative they own."""
        return Rights(
            user,
            self,
            _organization_rights(user),
            bars={
                REQUESTER: Bar(
                    lambda: {self.requested_by_id, self.initiative.owner_id}, EXCEPTION_BARRED
                )
            },
            refused=EXCEPTION_REFUSED,
        )

    @transition(
        field=state,
        source=ExceptionState.REQUESTED,
        target=ExceptionState.APPROVED,
        custom=_rule(DECIDE_EXCEPTIONS, comment_required=True, barred=[REQUESTER]),
    )
    def approve(self) -> None:
        pass

    @transition(
        field=state,
        source=ExceptionState.REQUESTED,
        target=ExceptionState.REJECTED,
        custom=_rule(DECIDE_EXCEPTIONS, comment_required=True, barred=[REQUESTER]),
    )
    def reject(self) -> None:
        pass


class PolicyUserObjectPermission(UserObjectPermissionBase):
    """Per-policy rights: seeing a policy that a working group one sits on
    owns. Organization-wide rights over policies are derived, not stored."""

    content_object = models.ForeignKey(Policy, on_delete=models.CASCADE)


class ReviewReminder(models.Model):
    """One reminder of overdue policy reviews per owner per day: in the app
    always, by email where the owner's choices allow."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    day = models.DateField()
    policies = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "day"], name="one_policy_review_reminder_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.day}: {self.policies} policy review(s)"
