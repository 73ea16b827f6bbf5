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
from governance.access import DECIDE, FINANCE_SIGNOFF, LEAD, OWN, PROPOSE, REVIEW, SPONSOR
from governance.models import BusinessUnit, StrategicGoal
from governance.transitions import AUTHORS, COE_APPROVER, Bar, Held, Rights, Source, UserLike
from governance.transitions import rule as _rule
from initiatives import routing

MAX_BUDGET = Decimal(10**12)


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    AWAITING_SPONSOR = "awaiting_sponsor", _("Awaiting sponsor")
    # A step of the approval chain after the CoE other than the sponsor's:
    # finance, or a committee (the chain's current step says which).
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


EDITABLE_STATES = frozenset({State.DRAFT, State.CHANGES_REQUESTED})
# Waiting for a decision: the CoE's review or a sponsor's sign-off.
PENDING_STATES = (State.SUBMITTED, State.IN_REVIEW, State.AWAITING_SPONSOR)
# Under way: launched and not yet completed.
RUNNING_STATES = (State.ACTIVE, State.PAUSED)


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


# The state an initiative waits in for each kind of step.
_STEP_STATES: dict[str | None, str] = {
    routing.SPONSOR: State.AWAITING_SPONSOR,
    routing.FINANCE: State.AWAITING_APPROVAL,
    routing.COMMITTEE: State.AWAITING_APPROVAL,
}


def _state_for(step: str | None) -> str:
    """Where an initiative waits for `step`; approved when no step is left."""
    return _STEP_STATES.get(routing.kind_of(step), State.APPROVED)


_AFTER_STEP = (State.APPROVED, State.AWAITING_SPONSOR, State.AWAITING_APPROVAL)


def _in_finance_step(initiative: Any) -> bool:
    return bool(initiative.in_step(routing.FINANCE))


def _in_committee_step(initiative: Any) -> bool:
    return bool(initiative.in_step(routing.COMMITTEE))


# The right behind a committee's decision, which no role gives (see committee_approve).
COMMITTEE_VOTE = "committee_vote"


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
    # The approval chain that applies to the current review cycle, resolved
    # from the routing rules in force at submission and kept with it, so that
    # a later change of the rules changes no decision already under way:
    # [{"step": "coe" | "sponsor" | "finance" | "committee:<id>",
    #   "state": "pending" | "approved" | "rejected"}, ...], the CoE first.
    # Empty for what was submitted before the rules existed: resolved then
    # at the CoE's approval, as the sponsor threshold always was.
    approval_chain = models.JSONField(default=list, blank=True, editable=False)
    # Which version of the routing rules, and which rule of it, gave the chain.
    routing_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    routing_rule = models.CharField(max_length=200, blank=True, editable=False)
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
        excluded_fields=[
            "updated_at",
            "waiting_since",
            "approval_chain",
            "routing_version",
            "routing_rule",
            "score",
            "aligned",
            "has_goal",
        ],
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
            # Running initiatives by end date: those past it whose outcome
            # review is due (the portfolio's impact section) are a range of
            # this index, not a filter over every running initiative.
            models.Index(
                fields=["end_date", "id"],
                include=["business_unit"],
                name="initiative_running_end",
                condition=models.Q(state__in=RUNNING_STATES),
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

    def route(self) -> None:
        """Store the approval chain of the routing rules in force now (at
        submission), every step pending."""
        found = routing.resolve(
            budget=self.budget,
            risk=self.risk,
            channels=self.channels,
            audiences=self.audiences,
            unit_id=self.business_unit_id,
            sponsor_threshold=self.sponsor_threshold,
        )
        self.approval_chain = routing.chain_of(found.steps)
        self.routing_version = found.version
        self.routing_rule = found.rule

    def chain(self) -> list[dict[str, str]]:
        """The stored chain; one resolved now for what was submitted before
        chains were stored (not saved here), its CoE step approved if the
        initiative is past the CoE's review."""
        if not self.approval_chain:
            self.route()
            if self.state not in (*EDITABLE_STATES, State.SUBMITTED, State.IN_REVIEW):
                self.approval_chain[0]["state"] = routing.APPROVED
        return self.approval_chain

    def current_step(self) -> str | None:
        """The first pending step after the CoE's, where the initiative waits
        once the CoE has approved it; None when none is left."""
        return routing.next_step(self.chain())

    def needs_sponsor_signoff(self) -> bool:
        """Whether the chain holds the sponsor's sign-off (the migrated default
        rules: at high risk, or with a budget above the unit's threshold)."""
        return any(entry["step"] == routing.SPONSOR for entry in self.chain())

    def approval_target(self) -> str:
        """Where the initiative goes once the current step is approved: the
        state of the next pending step, or approved."""
        return _state_for(routing.next_step(self.chain(), after=1))

    def _settle(self, outcome: str) -> str:
        """Mark the current step (the CoE's while in review) with `outcome`;
        the state that follows."""
        chain = [dict(entry) for entry in self.chain()]
        for entry in chain:
            if entry["state"] == routing.PENDING:
                entry["state"] = outcome
                break
        self.approval_chain = chain
        if outcome == routing.REJECTED:
            return State.REJECTED
        return _state_for(routing.next_step(chain))

    def in_step(self, kind: str) -> bool:
        return routing.kind_of(self.current_step()) == kind

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
            Source(lambda: access.organization_rights(user), gives={FINANCE_SIGNOFF}),
            bars={
                AUTHORS: Bar(self.authors, AUTHORS_BARRED),
                COE_APPROVER: Bar(self.coe_approvers, COE_APPROVER_BARRED),
            },
            refused=REFUSED,
        )

    def computed_target(self, name: str) -> str:
        """Where an approval of a step leads: the next step's state, or approved."""
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
        target=RETURN_VALUE(*_AFTER_STEP),
        custom=_rule(DECIDE, barred=[AUTHORS]),
    )
    def approve(self) -> str:
        return self._settle(routing.APPROVED)

    @transition(
        field=state,
        source=State.IN_REVIEW,
        target=State.REJECTED,
        custom=_rule(DECIDE, comment_required=True, barred=[AUTHORS]),
    )
    def reject(self) -> None:
        self._settle(routing.REJECTED)

    @transition(
        field=state,
        source=State.AWAITING_SPONSOR,
        target=RETURN_VALUE(*_AFTER_STEP),
        custom=_rule(SPONSOR, barred=[AUTHORS, COE_APPROVER]),
    )
    def sponsor_approve(self) -> str:
        return self._settle(routing.APPROVED)

    @transition(
        field=state,
        source=State.AWAITING_SPONSOR,
        target=State.REJECTED,
        custom=_rule(SPONSOR, comment_required=True, barred=[AUTHORS, COE_APPROVER]),
    )
    def sponsor_reject(self) -> None:
        self._settle(routing.REJECTED)

    @transition(
        field=state,
        source=State.AWAITING_APPROVAL,
        target=RETURN_VALUE(*_AFTER_STEP),
        conditions=[_in_finance_step],
        custom=_rule(FINANCE_SIGNOFF, barred=[AUTHORS, COE_APPROVER]),
    )
    def finance_approve(self) -> str:
        return self._settle(routing.APPROVED)

    @transition(
        field=state,
        source=State.AWAITING_APPROVAL,
        target=State.REJECTED,
        conditions=[_in_finance_step],
        custom=_rule(FINANCE_SIGNOFF, comment_required=True, barred=[AUTHORS, COE_APPROVER]),
    )
    def finance_reject(self) -> None:
        self._settle(routing.REJECTED)

    # A committee's step is decided by its members' votes (the committees
    # app), never by one person's right: nobody holds COMMITTEE_VOTE, and the
    # committee's service gives the authorization its closed vote amounts to.
    @transition(
        field=state,
        source=State.AWAITING_APPROVAL,
        target=RETURN_VALUE(*_AFTER_STEP),
        conditions=[_in_committee_step],
        custom=_rule(COMMITTEE_VOTE),
    )
    def committee_approve(self) -> str:
        return self._settle(routing.APPROVED)

    @transition(
        field=state,
        source=State.AWAITING_APPROVAL,
        target=State.REJECTED,
        conditions=[_in_committee_step],
        custom=_rule(COMMITTEE_VOTE, comment_required=True),
    )
    def committee_reject(self) -> None:
        self._settle(routing.REJECTED)

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


class UnitTally(models.Model):
    """The initiatives of one unit in one state: how many, their budget, the
    budget of those that serve an active goal, and how many serve no goal.
    Kept by the database (triggers of `initiatives` 0010) in the statement
    that inserts, changes or deletes an initiative, whichever path wrote it
    (a service, a bulk create, a queryset update), so that the portfolio
    reads a row per unit and state instead of every initiative. Nothing in
    the application writes it; `initiatives.tallies` compares it with a
    count of the initiatives themselves."""

    business_unit = models.ForeignKey(BusinessUnit, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=50)
    initiatives = models.IntegerField(default=0)
    budget = models.DecimalField(max_digits=20, decimal_places=2, default=Decimal(0))
    aligned_budget = models.DecimalField(max_digits=20, decimal_places=2, default=Decimal(0))
    without_goal = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["business_unit", "state"], name="unit_tally_key")
        ]

    def __str__(self) -> str:
        return f"{self.business_unit_id}/{self.state}: {self.initiatives}"


class GoalTally(models.Model):
    """The initiatives of one unit in one state that serve one goal: how many
    and their budget (an initiative that serves two goals counts toward each).
    Kept by the same triggers, also on the goal links."""

    goal = models.ForeignKey(StrategicGoal, on_delete=models.CASCADE, related_name="+")
    business_unit = models.ForeignKey(BusinessUnit, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=50)
    initiatives = models.IntegerField(default=0)
    budget = models.DecimalField(max_digits=20, decimal_places=2, default=Decimal(0))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "business_unit", "state"], name="goal_tally_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.goal_id}/{self.business_unit_id}/{self.state}: {self.initiatives}"


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
    # A finance or committee step of the amendment's chain (see Amendment.route).
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


PENDING_AMENDMENT_STATES = frozenset(
    {
        AmendmentState.SUBMITTED,
        AmendmentState.IN_REVIEW,
        AmendmentState.AWAITING_SPONSOR,
        AmendmentState.AWAITING_APPROVAL,
    }
)
_AMENDMENT_AFTER_STEP = (
    AmendmentState.APPROVED,
    AmendmentState.AWAITING_SPONSOR,
    AmendmentState.AWAITING_APPROVAL,
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


_AMENDMENT_STEP_STATES: dict[str | None, str] = {
    routing.SPONSOR: AmendmentState.AWAITING_SPONSOR,
    routing.FINANCE: AmendmentState.AWAITING_APPROVAL,
    routing.COMMITTEE: AmendmentState.AWAITING_APPROVAL,
}


def _amendment_state_for(step: str | None) -> str:
    """Where an amendment waits for `step`; approved when no step is left."""
    return _AMENDMENT_STEP_STATES.get(routing.kind_of(step), AmendmentState.APPROVED)


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
    # The chain this amendment passes, resolved from the routing rules in
    # force at its proposal and kept with it (the initiative's format): the
    # CoE's review; the sponsor's sign-off where the rules give the amended
    # initiative one; and the finance and committee steps the rules give the
    # amended initiative that the initiative's own chain did not have (a
    # budget raised into a higher tier). Empty for amendments proposed
    # before chains were stored: resolved when asked, as it always was.
    approval_chain = models.JSONField(default=list, blank=True, editable=False)
    routing_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    routing_rule = models.CharField(max_length=200, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative"],
                condition=models.Q(
                    state__in=["submitted", "in_review", "awaiting_sponsor", "awaiting_approval"]
                ),
                name="one_pending_amendment_per_initiative",
            )
        ]

    def __str__(self) -> str:
        return f"Amendment {self.pk} of {self.initiative}"

    def route(self) -> None:
        """Store the chain of the routing rules in force now, applied to the
        values the amendment would set, every step pending."""
        initiative = self.initiative
        found = routing.resolve(
            budget=Decimal(str(self.changes.get("budget", initiative.budget))),
            risk=self.changes.get("risk", initiative.risk),
            channels=self.changes.get("channels", initiative.channels),
            audiences=self.changes.get("audiences", initiative.audiences),
            unit_id=initiative.business_unit_id,
            sponsor_threshold=initiative.sponsor_threshold,
        )
        had = {entry["step"] for entry in initiative.chain()}
        steps = [s for s in found.steps if s == routing.SPONSOR or s not in had]
        self.approval_chain = routing.chain_of(steps)
        self.routing_version = found.version
        self.routing_rule = found.rule

    def chain(self) -> list[dict[str, str]]:
        """The stored chain; for an amendment proposed before chains were
        stored, one resolved now (not saved) with the CoE and the sponsor
        steps only, its CoE step approved once the CoE approved it."""
        if not self.approval_chain:
            self.route()
            self.approval_chain = [
                e for e in self.approval_chain if e["step"] in (routing.COE, routing.SPONSOR)
            ]
            if self.state == AmendmentState.AWAITING_SPONSOR:
                self.approval_chain[0]["state"] = routing.APPROVED
        return self.approval_chain

    def current_step(self) -> str | None:
        return routing.next_step(self.chain())

    def in_step(self, kind: str) -> bool:
        return routing.kind_of(self.current_step()) == kind

    def needs_sponsor_signoff(self) -> bool:
        """Whether the amendment's chain holds the sponsor's sign-off."""
        return any(entry["step"] == routing.SPONSOR for entry in self.chain())

    def approval_target(self) -> str:
        """Where the amendment goes once the current step is approved."""
        return _amendment_state_for(routing.next_step(self.chain(), after=1))

    def _settle(self, outcome: str) -> str:
        """Mark the current step with `outcome`; the state that follows."""
        chain = [dict(entry) for entry in self.chain()]
        for entry in chain:
            if entry["state"] == routing.PENDING:
                entry["state"] = outcome
                break
        self.approval_chain = chain
        if outcome == routing.REJECTED:
            return AmendmentState.REJECTED
        return _amendment_state_for(routing.next_step(chain))

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
            Source(lambda: access.organization_rights(user), gives={FINANCE_SIGNOFF}),
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
        target=RETURN_VALUE(*_AMENDMENT_AFTER_STEP),
        custom=_rule(DECIDE, barred=[AUTHORS]),
    )
    def approve(self) -> str:
        return self._settle(routing.APPROVED)

    @transition(
        field=state,
        source=AmendmentState.IN_REVIEW,
        target=AmendmentState.REJECTED,
        custom=_rule(DECIDE, comment_required=True, barred=[AUTHORS]),
    )
    def reject(self) -> None:
        self._settle(routing.REJECTED)

    @transition(
        field=state,
        source=AmendmentState.AWAITING_SPONSOR,
        target=RETURN_VALUE(*_AMENDMENT_AFTER_STEP),
        custom=_rule(SPONSOR, barred=[AUTHORS, COE_APPROVER]),
    )
    def sponsor_approve(self) -> str:
        return self._settle(routing.APPROVED)

    @transition(
        field=state,
        source=AmendmentState.AWAITING_SPONSOR,
        target=AmendmentState.REJECTED,
        custom=_rule(SPONSOR, comment_required=True, barred=[AUTHORS, COE_APPROVER]),
    )
    def sponsor_reject(self) -> None:
        self._settle(routing.REJECTED)

    @transition(
        field=state,
        source=AmendmentState.AWAITING_APPROVAL,
        target=RETURN_VALUE(*_AMENDMENT_AFTER_STEP),
        conditions=[_in_finance_step],
        custom=_rule(FINANCE_SIGNOFF, barred=[AUTHORS, COE_APPROVER]),
    )
    def finance_approve(self) -> str:
        return self._settle(routing.APPROVED)

    @transition(
        field=state,
        source=AmendmentState.AWAITING_APPROVAL,
        target=AmendmentState.REJECTED,
        conditions=[_in_finance_step],
        custom=_rule(FINANCE_SIGNOFF, comment_required=True, barred=[AUTHORS, COE_APPROVER]),
    )
    def finance_reject(self) -> None:
        self._settle(routing.REJECTED)

    # Decided by a committee's vote, as an initiative's committee step is.
    @transition(
        field=state,
        source=AmendmentState.AWAITING_APPROVAL,
        target=RETURN_VALUE(*_AMENDMENT_AFTER_STEP),
        conditions=[_in_committee_step],
        custom=_rule(COMMITTEE_VOTE),
    )
    def committee_approve(self) -> str:
        return self._settle(routing.APPROVED)

    @transition(
        field=state,
        source=AmendmentState.AWAITING_APPROVAL,
        target=AmendmentState.REJECTED,
        conditions=[_in_committee_step],
        custom=_rule(COMMITTEE_VOTE, comment_required=True),
    )
    def committee_reject(self) -> None:
        self._settle(routing.REJECTED)

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


class RoutingRuleSet(models.Model):
    """One published version of the routing rules: append-only, the newest in
    force. Each initiative keeps the chain its version gave it."""

    version = models.PositiveIntegerField(unique=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Routing rules v{self.version}"


class RoutingRule(models.Model):
    """A rule of one version: its conditions (each empty one holds always; all
    must hold) and the chain of steps after the CoE's it gives. The first rule
    that matches, by position, wins."""

    rule_set = models.ForeignKey(RoutingRuleSet, on_delete=models.PROTECT, related_name="rules")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    # Budget range: from min_budget (included) up to max_budget (excluded).
    min_budget = models.DecimalField(max_digits=15, decimal_places=2, null=True, blank=True)
    max_budget = models.DecimalField(max_digits=15, decimal_places=2, null=True, blank=True)
    # The budget is above the lowest approval threshold of the unit's sponsors.
    above_sponsor_threshold = models.BooleanField(default=False)
    risks = models.JSONField(default=list, blank=True)
    channels = models.JSONField(default=list, blank=True)
    audiences = models.JSONField(default=list, blank=True)
    units = models.JSONField(default=list, blank=True)  # business unit ids
    steps = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["rule_set", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "position"], name="routing_rule_position")
        ]

    def __str__(self) -> str:
        return self.name
