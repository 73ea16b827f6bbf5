"""The organization: business units, strategic goals, who belongs where, and the
audit log. Object permissions on business units are stored in guardian's direct
foreign-key tables declared here."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase


class BusinessUnit(models.Model):
    class Kind(models.TextChoices):
        MARKETING = "marketing", _("Marketing")
        COMMUNICATIONS = "communications", _("Communications / PR")
        CUSTOMER_CARE = "customer_care", _("Customer care")
        HR = "hr", _("HR / recruiting")
        SALES = "sales", _("Sales")
        PRODUCT = "product", _("Product development")
        LEGAL = "legal", _("Legal")
        IT = "it", _("IT")
        OTHER = "other", _("Other")

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.OTHER)

    class Meta:
        ordering = ["name"]
        # Rights over a unit's initiatives are granted on the unit, so they scale
        # with the number of units, not the number of initiatives.
        permissions = [
            ("view_unit_initiatives", "See the unit's initiatives"),
            ("propose_initiatives", "Propose, edit and submit the unit's initiatives"),
            ("lead_initiatives", "Launch, pause, resume, complete and withdraw"),
            ("review_initiatives", "Start reviews and request changes (CoE)"),
            ("decide_initiatives", "Approve, reject, pause and resume (CoE lead)"),
            ("sponsor_initiatives", "Sign off on initiatives above the threshold"),
        ]

    def __str__(self) -> str:
        return self.name


class BusinessUnitUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(BusinessUnit, on_delete=models.CASCADE)


class StrategicGoal(models.Model):
    title = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Membership(models.Model):
    """A user's place in a business unit."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        LEAD = "lead", _("Lead")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    business_unit = models.ForeignKey(
        BusinessUnit, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "business_unit"], name="one_membership_per_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.business_unit})"


class OrganizationRole(models.Model):
    """Organization-wide roles: the Center of Excellence and the auditors."""

    class Role(models.TextChoices):
        COE_LEAD = "coe_lead", _("CoE lead")
        COE_MEMBER = "coe_member", _("CoE member")
        AUDITOR = "auditor", _("Auditor")
        FINANCE = "finance", _("Finance approver")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organization_roles"
    )
    role = models.CharField(max_length=16, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="one_row_per_organization_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class AuditEvent(models.Model):
    """One entry of the append-only audit log. Written only by governance.audit.

    The entries form a keyed chain: `seq` is the position in the chain, `hash`
    is the HMAC-SHA256 (under a key held outside the database) of the entry's
    own canonical content and `prev_hash`, the previous entry's hash. Entries
    written before the key existed carry a plain SHA-256 instead; the first
    signed checkpoint records up to where (AuditCheckpoint.legacy_until).
    Changing, deleting, reordering or adding entries breaks the chain or the
    signed checkpoints, which `manage.py verify_audit` reports."""

    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    # Set by the writer before hashing (not auto_now_add, which would overwrite
    # the hashed value on save).
    at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    event = models.CharField(max_length=64, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=255)
    old = models.JSONField(null=True, blank=True)
    new = models.JSONField(null=True, blank=True)
    comment = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.event} {self.object_repr}"


class AuditChainUpgrade(models.Model):
    """Where the unkeyed SHA-256 chain of an existing log ends: written once by
    the migration that introduced keyed links, and sealed by the first signed
    checkpoint, which copies it."""

    legacy_until = models.PositiveBigIntegerField()
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"events up to {self.legacy_until} are SHA-256 linked"


class AuditCheckpoint(models.Model):
    """A signed statement of the chain's head: "`count` events, the last at
    position `head_seq` with hash `head_hash`, at time `at`". Signed with the
    Ed25519 key `key_id` names over `AuditCheckpoint.message()`, and also
    appended to the checkpoint file outside the database, so that a shortened
    or rewritten log no longer matches it."""

    number = models.PositiveBigIntegerField(unique=True, editable=False)
    head_seq = models.PositiveBigIntegerField(editable=False)
    head_hash = models.CharField(max_length=64, blank=True, editable=False)
    count = models.PositiveBigIntegerField(editable=False)
    # Events up to this position are linked with the unkeyed SHA-256 of before.
    legacy_until = models.PositiveBigIntegerField(default=0, editable=False)
    at = models.DateTimeField(editable=False)
    key_id = models.CharField(max_length=16, editable=False)
    signature = models.CharField(max_length=128, editable=False)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"checkpoint {self.number}: {self.count} events at {self.at:%Y-%m-%d %H:%M}"


class AuditVerification(models.Model):
    """The outcome of one run of `manage.py verify_audit`, shown on the audit page."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    intact = models.BooleanField()
    events = models.PositiveBigIntegerField()
    checkpoint_number = models.PositiveBigIntegerField(null=True, blank=True)
    checkpoint_at = models.DateTimeField(null=True, blank=True)
    problem = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {'intact' if self.intact else 'broken'}"


class LoginFailureWindow(models.Model):
    """How many sign-ins failed for one account name from one address within one
    window. Counted here, outside the audit chain, so that a burst of wrong
    passwords costs one audit event per window instead of one each."""

    username = models.CharField(max_length=150)
    source = models.CharField(max_length=64, blank=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=1)
    last_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["username", "source", "window_start"], name="one_failure_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.username} from {self.source or '?'}: {self.count}"


class OutboundEmail(models.Model):
    """One email to one recipient about one event (the outbox). Written in the
    transaction of the act it reports, sent by a task after the commit. The
    unique key makes a repeated enqueue a no-op; the task locks the row and
    stamps `sent_at`, so a task run twice (a retry, a redelivery after a worker
    died) sends the email once."""

    key = models.CharField(max_length=200)
    to = models.EmailField()
    subject = models.CharField(max_length=998)
    body = models.TextField()
    html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "to"], name="one_email_per_event_recipient")
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="outbox_unsent",
                condition=models.Q(sent_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} to {self.to}: {'sent' if self.sent_at else 'pending'}"
