"""The initiative and its state machine.

The transition table lives here: each transition says which states it leaves,
where it goes, which rights may take it (on the initiative's unit, or the
owner's on the initiative), whether a comment is required and whether the
owner is barred from it (separation of duties). governance.transitions decides.
Services in initiatives.services are the only callers of the transition methods.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition
from guardian.models import UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from governance import access, audit, audit_reader
from governance.access import DECIDE, LEAD, OWN, PROPOSE, REVIEW, SPONSOR
from governance.models import BusinessUnit, StrategicGoal
from governance.transitions import AUTHORS, COE_APPROVER, Bar, Held, Rights, Source, UserLike
from governance.transitions import rule as _rule

MAX_BUDGET = Decimal(10**12)


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    AWAITING_SPONSOR = "awaiting_sponsor", _("Awaiting sponsor")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


EDITABLE_STATES = frozenset({State.DRAFT, State.CHANGES_REQUESTED})
# Waiting for a decision: the CoE's review or a sponsor's sign-off.
PENDING_STATES = (State.SUBMITTED, State.IN_REVIEW, State.AWAITING_SPONSOR)


class Risk(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Audience(models.TextChoices):
    CUSTOMERS = "customers", _("Customers")
    EMPLOYEES = "employees", _("Employees")
    PARTNERS = "partners", _("Partners")
    SUPPLIERS = "suppliers", _("Suppliers")
    SHAREHOLDERS = "shareholders", _("Shareholders")
    COMMUNITY = "community", _("Community")


class Function(models.TextChoices):
    MARKETING = "marketing", _("Marketing")
    COMMUNICATIONS = "communications", _("Communications")
    CUSTOMER_CARE = "customer_care", _("Customer care")
    HR = "hr", _("HR / recruiting")
    SALES = "sales", _("Sales")
    PRODUCT = "product", _("Product development")


# The content of an initiative: what its proposer sets, and edits while it is
# editable. The page's form, the API's serializers and the services take their
# fields from here; the rules on the values are Initiative.clean's.
EDITABLE_FIELDS = (
    "title",
    "summary",
    "goals",
    "audiences",
    "functions",
    "channels",
    "budget",
    "risk",
    "kpis",
    "expected_impact",
    "effort",
    "start_date",
    "end_date",
)
MAX_CHANNELS = 30
MAX_CHANNEL_NAME = 60


def _choices_problem(values: list[str], allowed: type[models.TextChoices]) -> str | None:
    unknown = sorted(set(values) - set(allowed.values))
    if unknown:
        return gettext("Unknown value(s): %(values)s.") % {"values": ", ".join(unknown)}
    return None


def _channels_problem(names: list[str]) -> str | None:
    if not all(name.strip() for name in names):
        return gettext("A channel name cannot be empty.")
    if any(len(name) > MAX_CHANNEL_NAME for name in names):
        return gettext("Each channel name has at most 60 characters.")
    if len(names) > MAX_CHANNELS:
        return gettext("At most 30 channels.")
    return None


def _is_text_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


# Refusals, in the words every initiative and amendment refusal uses; each
# rule of separation of duties is named in its own.
REFUSED = _("You may not %(action)s this.")
AUTHORS_BARRED = _(
    "Separation of duties: whoever owns, submitted or edited what is under review "
    "may not review or decide on it."
)
COE_APPROVER_BARRED = _(
    "Separation of duties: whoever approved this for the CoE may not also give "
    "the sponsor's decision, in their own name or as a delegate."
)


def _decided_by(decisions: "models.QuerySet[Decision]", name: str) -> set[Any]:
    """Who took transition `name` in the current review cycle (since the
    latest submission) of what `decisions` records."""
    last_submit = (
        decisions.filter(transition="submit").order_by("-at", "-id").values_list("at", flat=True)
    )[:1]
    in_cycle = decisions.filter(transition=name)
    if submitted := list(last_submit):
        in_cycle = in_cycle.filter(at__gte=submitted[0])
    return set(in_cycle.values_list("actor_id", flat=True))


def _delegated_sign_off(user: UserLike, unit_id: int) -> Source:
    """A sponsor's sign-off on the unit, held by the user as their delegate today."""

    def read() -> Held:
        sponsor = access.delegating_sponsor(user, unit_id)
        return Held(frozenset({SPONSOR}) if sponsor else frozenset(), on_behalf_of=sponsor)

    return Source(read, gives={SPONSOR})


class Initiative(ConcurrentTransitionMixin, models.Model):
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    business_unit = models.ForeignKey(
        BusinessUnit, on_delete=models.PROTECT, related_name="initiatives"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_initiatives"
    )
    goals = models.ManyToManyField(StrategicGoal, blank=True, related_name="initiatives")
    audiences = models.JSONField(default=list, blank=True)
    functions = models.JSONField(default=list, blank=True)
    channels = models.JSONField(default=list, blank=True)
    budget = models.DecimalField(
        max_digits=15,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_BUDGET)],
    )
    risk = models.CharField(max_length=8, choices=Risk.choices, default=Risk.LOW)
    kpis = models.TextField("KPIs", blank=True)
    # Inputs of the priority score: 1 (least) to 5 (most).
    expected_impact = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    effort = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    state = FSMField(default=State.DRAFT, choices=State.choices, protected=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When the current wait for a decision began: the latest submission while
    # the CoE reviews, the CoE's approval while a sponsor's sign-off is awaited;
    # None otherwise. Kept by the transition service from the decision it
    # records (services.initiative_waits_refresh rebuilds it from the log), so
    # that waits are sorted, counted and found overdue with an index.
    waiting_since = models.DateTimeField(null=True, blank=True, editable=False)
    # The priority score (initiatives.scoring), stored so that lists sort on it
    # and the portfolio ranks by it with an index. Derived from the content, the
    # goals and the weights, and kept by scoring.scores_refresh in the
    # transaction of each change of them; so not part of the history either.
    score = models.FloatField(default=0.0, editable=False)
    # Whether it serves an active strategic goal (the score's alignment), and
    # any goal at all: stored with the score, by the same refresh, so that the
    # portfolio sums aligned budgets and counts initiatives without a goal in
    # one pass over the initiatives instead of reading every goal link.
    aligned = models.BooleanField(default=False, editable=False)
    has_goal = models.BooleanField(default=False, editable=False)

    history = HistoricalRecords(
        m2m_fields=[goals],
        excluded_fields=["updated_at", "waiting_since", "score", "aligned", "has_goal"],
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [(OWN, "Owns the initiative")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget__gte=0), name="initiative_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="initiative_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["business_unit", "state"], name="initiative_unit_state"),
            # The lists' default order, within the caller's units and across all of them.
            models.Index(
                fields=["business_unit", "-created_at", "-id"], name="initiative_unit_created"
            ),
            models.Index(fields=["-created_at", "-id"], name="initiative_created"),
            models.Index(
                fields=["waiting_since", "id"],
                name="initiative_waiting",
                condition=models.Q(waiting_since__isnull=False),
            ),
            # The lists sorted by priority score, within the caller's units and
            # across all of them, and the portfolio's rank.
            models.Index(fields=["business_unit", "-score", "-id"], name="initiative_unit_score"),
            models.Index(fields=["-score", "-id"], name="initiative_score"),
            # What awaits a decision (the portfolio, the home panels): oldest
            # wait first, and the rank by score over the columns the caller's
            # rights are decided on, read from the index alone.
            models.Index(
                Coalesce("waiting_since", "created_at"),
                models.F("id"),
                name="initiative_pending_wait",
                condition=models.Q(state__in=PENDING_STATES),
            ),
            models.Index(
                fields=["-score", "id"],
                include=["state", "business_unit", "owner"],
                name="initiative_pending_score",
                condition=models.Q(state__in=PENDING_STATES),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        """The rules on an initiative's content, wherever it is entered: the lists
        hold known values (repeats dropped), channels are named, and the end date
        is not before the start date. Errors name the field."""
        errors = {}
        for field, allowed in (("audiences", Audience), ("functions", Function)):
            values = getattr(self, field)
            if not _is_text_list(values):
                errors[field] = gettext("Expected a list.")
                continue
            setattr(self, field, list(dict.fromkeys(values)))
            if problem := _choices_problem(values, allowed):
                errors[field] = problem
        if not _is_text_list(self.channels):
            errors["channels"] = gettext("Expected a list of names.")
        else:
            self.channels = list(dict.fromkeys(self.channels))
            if problem := _channels_problem(self.channels):
                errors["channels"] = problem
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = gettext("The end date is before the start date.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    def submit_problems(self) -> dict[str, str]:
        """What is missing before the initiative can be submitted, by field."""
        problems = {}
        if not self.summary.strip():
            problems["summary"] = gettext("A summary is required to submit.")
        if not self.goals.exists():
            problems["goals"] = gettext("At least one strategic goal is required to submit.")
        if not self.audiences:
            problems["audiences"] = gettext("At least one audience is required to submit.")
        return problems

    def sponsor_threshold(self) -> Decimal | None:
        """The lowest approval threshold among the unit's sponsors; None without sponsors."""
        thresholds = [s.approval_threshold for s in self.business_unit.sponsors.all()]
        return min(thresholds) if thresholds else None

    def needs_sponsor_signoff(self) -> bool:
        """High risk always needs a sponsor; a budget needs one above the threshold.
        A unit without a sponsor has no threshold, so only the risk rule applies."""
        if self.risk == Risk.HIGH:
            return True
        threshold = self.sponsor_threshold()
        return threshold is not None and self.budget > threshold

    def approval_target(self) -> str:
        return State.AWAITING_SPONSOR if self.needs_sponsor_signoff() else State.APPROVED

    # What the shared transition machinery (governance.transitions) asks.

    def authors(self) -> set[Any]:
        """Who may not review or decide on this initiative: its owner, whoever
        submitted it for the current review cycle, and whoever wrote or edited
        its content (the submitted version is the sum of their edits)."""
        decisions = Decision.objects.filter(initiative=self, amendment=None)
        return (
            {self.owner_id}
            | _decided_by(decisions, "submit")
            | audit_reader.actors_since(
                obj=self, events=(audit.Event.INITIATIVE_CREATED, audit.Event.INITIATIVE_UPDATED)
            )
        )

    def coe_approvers(self) -> set[Any]:
        """Who approved it for the CoE in the current review cycle."""
        return _decided_by(Decision.objects.filter(initiative=self, amendment=None), "approve")

    def transition_rights(self, user: UserLike) -> Rights:
        """The user's rights on this initiative: those on its unit, its owner's,
        and a sponsor's sign-off held as a delegate; and who separation of
        duties bars, read when a transition asks."""
        return Rights(
            user,
            self,
            Source(lambda: access.unit_codenames(user, self.business_unit_id)),
            Source(lambda: access.object_codenames(user, self), gives={OWN}),
            _delegated_sign_off(user, self.business_unit_id),
            bars={
                AUTHORS: Bar(self.authors, AUTHORS_BARRED),
                COE_APPROVER: Bar(self.coe_approvers, COE_APPROVER_BARRED),
            },
            refused=REFUSED,
        )

    def computed_target(self, name: str) -> str:
        """Where `approve`, the one transition with a computed target, leads."""
        return self.approval_target()

    # The state machine. Each method only changes this object's fields.

    @transition(
        field=state,
        source=[State.DRAFT, State.CHANGES_REQUESTED],
        target=State.SUBMITTED,
        custom=_rule(PROPOSE),
    )
    def submit(self) -> None:
        pass

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.IN_REVIEW,
        custom=_rule(REVIEW, barred=[AUTHORS]),
    )
    def start_review(self) -> None:
        pass

    @transition(
        field=state,
        source=State.IN_REVIEW,
        target=State.CHANGES_REQUESTED,
        custom=_rule(REVIEW, comment_required=True, barred=[AUTHORS]),
    )
    def request_changes(self) -> None:
        pass

    @transition(
        field=state,
        source=State.IN_REVIEW,
        target=RETURN_VALUE(State.APPROVED, State.AWAITING_SPONSOR),
        custom=_rule(DECIDE, barred=[AUTHORS]),
    )
    def approve(self) -> str:
        return self.approval_target()

    @transition(
        field=state,
        source=State.IN_REVIEW,
        target=State.REJECTED,
        custom=_rule(DECIDE, comment_required=True, barred=[AUTHORS]),
    )
    def reject(self) -> None:
        pass

    @transition(
        field=state,
        source=State.AWAITING_SPONSOR,
        target=State.APPROVED,
        custom=_rule(SPONSOR, barred=[AUTHORS, COE_APPROVER]),
    )
    def sponsor_approve(self) -> None:
        pass

    @transition(
        field=state,
        source=State.AWAITING_SPONSOR,
        target=State.REJECTED,
        custom=_rule(SPONSOR, comment_required=True, barred=[AUTHORS, COE_APPROVER]),
    )
    def sponsor_reject(self) -> None:
        pass

    @transition(field=state, source=State.APPROVED, target=State.ACTIVE, custom=_rule(LEAD))
    def launch(self) -> None:
        pass

    @transition(field=state, source=State.ACTIVE, target=State.PAUSED, custom=_rule(LEAD, DECIDE))
    def pause(self) -> None:
        pass

    @transition(field=state, source=State.PAUSED, target=State.ACTIVE, custom=_rule(LEAD, DECIDE))
    def resume(self) -> None:
        pass

    @transition(
        field=state, source=[State.ACTIVE, State.PAUSED], target=State.COMPLETED, custom=_rule(LEAD)
    )
    def complete(self) -> None:
        pass

    @transition(
        field=state,
        source=[State.DRAFT, State.SUBMITTED, State.CHANGES_REQUESTED],
        target=State.WITHDRAWN,
        custom=_rule(LEAD, OWN),
    )
    def withdraw(self) -> None:
        pass


class InitiativeUserObjectPermission(UserObjectPermissionBase):
    """Per-initiative rights (its owner); unit-wide rights live on the unit."""

    content_object = models.ForeignKey(Initiative, on_delete=models.CASCADE)


class Decision(models.Model):
    """One transition taken on an initiative or on one of its amendments: the
    decision log."""

    initiative = models.ForeignKey(Initiative, on_delete=models.PROTECT, related_name="decisions")
    amendment = models.ForeignKey(
        "Amendment", null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    transition = models.CharField(max_length=32)
    source = models.CharField(max_length=32)
    target = models.CharField(max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decisions"
    )
    # Set when a delegate decided for a sponsor.
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions_by_delegates",
    )
    # For approvals: the exact historical record of the initiative that was approved.
    approved_version = models.ForeignKey(
        Initiative.history.model,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=True,
    )
    comment = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["initiative", "transition", "at"], name="decision_lookup"),
        ]

    def __str__(self) -> str:
        return f"{self.transition}: {self.source} → {self.target}"


class AmendmentState(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in_review", "In review"
    AWAITING_SPONSOR = "awaiting_sponsor", "Awaiting sponsor"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


PENDING_AMENDMENT_STATES = frozenset(
    {AmendmentState.SUBMITTED, AmendmentState.IN_REVIEW, AmendmentState.AWAITING_SPONSOR}
)
AMENDABLE_STATES = frozenset({State.APPROVED, State.ACTIVE, State.PAUSED})
# What an amendment may change (a part of EDITABLE_FIELDS), and nothing else.
# KPIs are among them: a running initiative is asked to record them (the
# maturity assessment's evidence), and can only do so through a review.
AMENDABLE_FIELDS = (
    "budget",
    "risk",
    "goals",
    "audiences",
    "channels",
    "start_date",
    "end_date",
    "summary",
    "kpis",
)
assert set(AMENDABLE_FIELDS) <= set(EDITABLE_FIELDS)


class Amendment(ConcurrentTransitionMixin, models.Model):
    """A proposed change to an approved, active or paused initiative. Until it is
    approved the initiative keeps what was approved; on approval the changes
    apply at once. Its review follows the initiative's own rules."""

    initiative = models.ForeignKey(Initiative, on_delete=models.PROTECT, related_name="amendments")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="amendments_proposed"
    )
    changes = models.JSONField()
    reason = models.TextField()
    state = FSMField(
        default=AmendmentState.SUBMITTED, choices=AmendmentState.choices, protected=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative"],
                condition=models.Q(state__in=["submitted", "in_review", "awaiting_sponsor"]),
                name="one_pending_amendment_per_initiative",
            )
        ]

    def __str__(self) -> str:
        return f"Amendment {self.pk} of {self.initiative}"

    def needs_sponsor_signoff(self) -> bool:
        """The initiative's rule, applied to the values the amendment would set."""
        risk = self.changes.get("risk", self.initiative.risk)
        if risk == Risk.HIGH:
            return True
        budget = Decimal(str(self.changes.get("budget", self.initiative.budget)))
        threshold = self.initiative.sponsor_threshold()
        return threshold is not None and budget > threshold

    def approval_target(self) -> str:
        if self.needs_sponsor_signoff():
            return AmendmentState.AWAITING_SPONSOR
        return AmendmentState.APPROVED

    def coe_approvers(self) -> set[Any]:
        """Who approved this amendment for the CoE."""
        return set(
            Decision.objects.filter(amendment=self, transition="approve").values_list(
                "actor_id", flat=True
            )
        )

    def transition_rights(self, user: UserLike) -> Rights:
        """The initiative's rules: rights on its unit, or a sponsor's sign-off as
        a delegate. Nobody reviews or decides on what they proposed or own, and
        whoever approved it for the CoE does not also give the sponsor's decision."""
        unit_id = self.initiative.business_unit_id
        return Rights(
            user,
            self,
            Source(lambda: access.unit_codenames(user, unit_id)),
            _delegated_sign_off(user, unit_id),
            bars={
                AUTHORS: Bar(
                    lambda: {self.proposed_by_id, self.initiative.owner_id}, AUTHORS_BARRED
                ),
                COE_APPROVER: Bar(self.coe_approvers, COE_APPROVER_BARRED),
            },
            refused=REFUSED,
        )

    def computed_target(self, name: str) -> str:
        """Where `approve`, the one transition with a computed target, leads."""
        return self.approval_target()

    @transition(
        field=state,
        source=AmendmentState.SUBMITTED,
        target=AmendmentState.IN_REVIEW,
        custom=_rule(REVIEW, barred=[AUTHORS]),
    )
    def start_review(self) -> None:
        pass

    @transition(
        field=state,
        source=AmendmentState.IN_REVIEW,
        target=RETURN_VALUE(AmendmentState.APPROVED, AmendmentState.AWAITING_SPONSOR),
        custom=_rule(DECIDE, barred=[AUTHORS]),
    )
    def approve(self) -> str:
        return self.approval_target()

    @transition(
        field=state,
        source=AmendmentState.IN_REVIEW,
        target=AmendmentState.REJECTED,
        custom=_rule(DECIDE, comment_required=True, barred=[AUTHORS]),
    )
    def reject(self) -> None:
        pass

    @transition(
        field=state,
        source=AmendmentState.AWAITING_SPONSOR,
        target=AmendmentState.APPROVED,
        custom=_rule(SPONSOR, barred=[AUTHORS, COE_APPROVER]),
    )
    def sponsor_approve(self) -> None:
        pass

    @transition(
        field=state,
        source=AmendmentState.AWAITING_SPONSOR,
        target=AmendmentState.REJECTED,
        custom=_rule(SPONSOR, comment_required=True, barred=[AUTHORS, COE_APPROVER]),
    )
    def sponsor_reject(self) -> None:
        pass

    @transition(
        field=state,
        source=[AmendmentState.SUBMITTED, AmendmentState.IN_REVIEW],
        target=AmendmentState.WITHDRAWN,
        custom=_rule(LEAD),
    )
    def withdraw(self) -> None:
        pass


class ScoringCriterion(models.Model):
    """A weighted criterion of the initiatives' priority score, set by the CoE lead."""

    class Key(models.TextChoices):
        ALIGNMENT = "alignment", "Strategic alignment"
        IMPACT = "impact", "Expected impact"
        COST = "cost", "Cost"
        RISK = "risk", "Risk"
        EFFORT = "effort", "Effort"

    key = models.CharField(max_length=16, choices=Key.choices, unique=True)
    weight = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )

    # Its audit events were recorded under this label before the model moved
    # here from sponsors; one object keeps one name in the audit log.
    audit_label = "sponsors.scoringcriterion"

    class Meta:
        ordering = ["key"]
        # The table kept its name when the model moved here from sponsors.
        db_table = "sponsors_scoringcriterion"

    def __str__(self) -> str:
        return f"{self.get_key_display()}: {self.weight}"
