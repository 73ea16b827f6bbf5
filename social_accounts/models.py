"""The registry of social accounts: every account the organization runs on a
social channel, who owns it, what it is for, which initiatives use it and
which policies apply.

Opening an account is a request the CoE decides, like an initiative. Owners
recertify their accounts on a cycle (settings.ACCOUNT_RECERTIFY_MONTHS); an
active account that no active initiative uses and nobody recertified for a
while becomes dormant (social_accounts.services.accounts_mark_dormant). The
transition table lives here; social_accounts.services is the only caller of
the transition methods.

An account is "paused" while an incident is open on it: the incidents app,
higher up, keeps `paused` (a stored flag, so every list shows it without a
query more).
"""

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from governance import access
from governance.access import DECIDE, LEAD, PROPOSE
from governance.models import BusinessUnit
from governance.transitions import Rights, Source, UserLike
from governance.transitions import rule as _rule
from initiatives.models import Initiative
from policies.models import Policy

# The right an account's owner and backup owner hold on it (never stored:
# read from the account's two fields).
OWN_ACCOUNT = "own_social_account"


class State(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ACTIVE = "active", _("Active")
    DORMANT = "dormant", _("Dormant")
    RETIRED = "retired", _("Retired")


# States in which an account exists on its channel and is recertified.
LIVE_STATES = (State.ACTIVE, State.DORMANT)
# States in which nothing more happens to an account.
CLOSED_STATES = (State.REJECTED, State.RETIRED)


class Channel(models.TextChoices):
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    LINKEDIN = "linkedin", "LinkedIn"
    X = "x", "X"
    YOUTUBE = "youtube", "YouTube"
    TIKTOK = "tiktok", "TikTok"
    PINTEREST = "pinterest", "Pinterest"
    THREADS = "threads", "Threads"
    MASTODON = "mastodon", "Mastodon"
    OTHER = "other", _("Other")


ACCOUNT_REFUSED = _("You may not %(action)s this account.")


class SocialAccount(ConcurrentTransitionMixin, models.Model):
    channel = models.CharField(max_length=20, choices=Channel.choices)
    handle = models.CharField(max_length=200, help_text=_("The handle or the page's address."))
    url = models.URLField(blank=True)
    business_unit = models.ForeignKey(
        BusinessUnit, on_delete=models.PROTECT, related_name="social_accounts"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_social_accounts"
    )
    backup_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="backup_social_accounts",
    )
    purpose = models.TextField(blank=True)
    # Accounts name the initiatives that use them (initiatives knows nothing
    # of accounts: it sits lower in the layers).
    initiatives = models.ManyToManyField(Initiative, blank=True, related_name="social_accounts")
    policies = models.ManyToManyField(Policy, blank=True, related_name="social_accounts")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="requested_social_accounts",
    )
    state = FSMField(default=State.REQUESTED, choices=State.choices, protected=True, db_index=True)
    # While an incident is open on the account (kept by the incidents app).
    paused = models.BooleanField(default=False)
    last_recertified_at = models.DateTimeField(null=True, blank=True)
    # The day by which the owner recertifies next; set on activation and on
    # each recertification. Overdue after it.
    recertification_due = models.DateField(null=True, blank=True, db_index=True)
    # The last reminder of an overdue recertification, so that one goes out a cycle.
    reminded_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    dormant_since = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "reminded_at"])

    class Meta:
        ordering = ["channel", "handle", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "handle"],
                condition=~models.Q(state__in=["rejected", "retired"]),
                name="social_account_unique_live_handle",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.handle}"

    def is_recertification_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.state in LIVE_STATES
            and self.recertification_due is not None
            and self.recertification_due < today
        )

    def owners(self) -> set[Any]:
        return {pk for pk in (self.owner_id, self.backup_owner_id) if pk is not None}

    def transition_rights(self, user: UserLike) -> Rights:
        """Unit rights decide an account's transitions (the CoE lead decides
        requests; unit leads run their unit's accounts); the owner and backup
        owner run the accounts they own."""
        unit_id = self.business_unit_id

        def unit() -> frozenset[str]:
            return frozenset(
                codename for codename, ids in access.unit_rights(user).items() if unit_id in ids
            )

        def owner() -> frozenset[str]:
            return frozenset({OWN_ACCOUNT}) if user.pk in self.owners() else frozenset()

        return Rights(
            user,
            self,
            Source(unit, gives={DECIDE, LEAD, PROPOSE}),
            Source(owner, gives={OWN_ACCOUNT}),
            refused=ACCOUNT_REFUSED,
        )

    # The state machine. Each method only changes this object's fields.

    @transition(field=state, source=State.REQUESTED, target=State.APPROVED, custom=_rule(DECIDE))
    def approve(self) -> None:
        pass

    @transition(
        field=state,
        source=State.REQUESTED,
        target=State.REJECTED,
        custom=_rule(DECIDE, comment_required=True),
    )
    def reject(self) -> None:
        pass

    @transition(
        field=state,
        source=State.APPROVED,
        target=State.ACTIVE,
        custom=_rule(OWN_ACCOUNT, LEAD, DECIDE),
    )
    def activate(self, due: datetime.date) -> None:
        now = timezone.now()
        self.activated_at = now
        self.last_recertified_at = now
        self.recertification_due = due

    @transition(field=state, source=State.ACTIVE, target=State.DORMANT, custom=_rule(DECIDE))
    def mark_dormant(self) -> None:
        self.dormant_since = timezone.now()

    @transition(
        field=state,
        source=State.DORMANT,
        target=State.ACTIVE,
        custom=_rule(OWN_ACCOUNT, LEAD, DECIDE),
    )
    def reactivate(self) -> None:
        self.dormant_since = None

    @transition(
        field=state,
        source=[State.APPROVED, State.ACTIVE, State.DORMANT],
        target=State.RETIRED,
        custom=_rule(LEAD, DECIDE, comment_required=True),
    )
    def retire(self) -> None:
        self.retired_at = timezone.now()


class Reassignment(models.Model):
    """A deactivated user's accounts and open items, waiting on the CoE's
    inbox until someone reassigned them and marked it done."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reassignments"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resolved_reassignments",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(resolved_at__isnull=True),
                name="one_open_reassignment_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"Reassignment of {self.user}"
