"""Committees: a steering committee (or a working group) whose members, from
several units, decide a step of an initiative's approval chain by vote.

A case is one initiative before one committee for one review cycle: opened
when the initiative reaches the committee's step, closed when the quorum and
a majority are reached, or when the chair closes it."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from governance.models import BusinessUnit


class Committee(models.Model):
    class Kind(models.TextChoices):
        STEERING = "steering", _("Steering committee")
        WORKING_GROUP = "working_group", _("Working group")

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.STEERING)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chaired_committees"
    )
    # How many members must have voted (abstentions count) before a vote can close.
    quorum = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CommitteeMember(models.Model):
    """A seat: who sits on the committee, and the unit they come from (a member
    whose unit owns an initiative is recused from its vote)."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="committee_seats"
    )
    business_unit = models.ForeignKey(
        BusinessUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["committee", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "user"], name="one_seat_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.committee})"


class CaseState(models.TextChoices):
    OPEN = "open", _("Vote open")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Case(ConcurrentTransitionMixin, models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="cases")
    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.PROTECT, related_name="committee_cases"
    )
    # Set when the vote decides a step of an amendment of the initiative.
    amendment = models.ForeignKey(
        "initiatives.Amendment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committee_cases",
    )
    state = FSMField(default=CaseState.OPEN, choices=CaseState.choices, protected=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The chair closed it before the votes decided it by themselves.
    closed_by_chair = models.BooleanField(default=False)
    # The initiative's decision that recorded the outcome.
    decision = models.ForeignKey(
        "initiatives.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["opened_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "initiative"],
                condition=models.Q(state="open"),
                name="one_open_case_per_initiative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.initiative} ({self.committee})"

    @transition(field=state, source=CaseState.OPEN, target=CaseState.APPROVED)
    def approve(self) -> None:
        pass

    @transition(field=state, source=CaseState.OPEN, target=CaseState.REJECTED)
    def reject(self) -> None:
        pass


class Vote(models.Model):
    class Choice(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REJECT = "reject", _("Reject")
        ABSTAIN = "abstain", _("Abstain")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=8, choices=Choice.choices)
    comment = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "voter"], name="one_vote_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.voter}: {self.choice}"


class OwnedInitiative(models.Model):
    """A working group owns an initiative across units: its members see it as
    the initiative's unit does, and decide nothing on it. At most one group."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="owned_initiatives"
    )
    initiative = models.OneToOneField(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="owning_group"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["committee", "-assigned_at", "-id"]

    def __str__(self) -> str:
        return f"{self.initiative} ({self.committee})"


class OwnedPolicy(models.Model):
    """A working group owns a policy across units: its members see it once it
    is published, as the staff of the units it applies to do. At most one group."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="owned_policies"
    )
    policy = models.OneToOneField(
        "policies.Policy", on_delete=models.CASCADE, related_name="owning_group"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["committee", "-assigned_at", "-id"]
        verbose_name_plural = "owned policies"

    def __str__(self) -> str:
        return f"{self.policy} ({self.committee})"
