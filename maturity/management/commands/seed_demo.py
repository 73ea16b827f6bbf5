"""Create the demo organization. Safe to run again: what exists is kept.

The command lives in the top app, maturity, because the demo spans every app."""

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from committees.demo import seed_committees
from discussion.demo import seed_discussion
from governance import audit, registry
from governance import services as org
from governance.models import (
    BusinessUnit,
    Membership,
    OrganizationRole,
    OutboundEmail,
    StrategicGoal,
)
from impact import demo as impact_demo
from incidents.demo import seed_incidents
from initiatives import services as workflow
from initiatives.models import Amendment, Decision, Initiative
from knowledge.demo import seed_library
from maturity import services as maturity
from maturity.models import MaturityAssessment
from policies.demo import seed_policies
from policies.selectors import unacknowledged_in_force
from policies.services import policy_acknowledge
from social_accounts.demo import seed_accounts
from sponsors import services as sponsors
from sponsors.models import Delegation

DEMO_PASSWORD = "demo"  # Demo data only, with DEBUG on; printed by `make demo`.
# Every demo account reads its mail here (example.org is reserved: nothing leaves).
DEMO_EMAIL_DOMAIN = "example.org"

UNITS = [
    ("Marketing", BusinessUnit.Kind.MARKETING, "marketing_lead"),
    ("Communications", BusinessUnit.Kind.COMMUNICATIONS, "comms_lead"),
    ("Customer Care", BusinessUnit.Kind.CUSTOMER_CARE, "care_lead"),
    ("Human Resources", BusinessUnit.Kind.HR, "hr_lead"),
    ("Sales", BusinessUnit.Kind.SALES, "sales_lead"),
    ("Product Development", BusinessUnit.Kind.PRODUCT, "product_lead"),
]
SPONSORS = [
    ("cmo", Decimal(50000), ["Marketing", "Communications"]),
    ("coo", Decimal(25000), ["Customer Care", "Sales"]),
    ("chro", Decimal(20000), ["Human Resources", "Product Development"]),
]
GOALS = [
    ("Grow brand awareness", "Reach new audiences where they already talk about us."),
    ("Resolve customer issues faster", "Answer customers on the channels they use."),
    ("Attract talent", "Show what it is like to work here."),
    ("Increase social selling", "Help sales build relationships before the first call."),
    ("Learn from customers", "Feed what customers say into product decisions."),
]

# title, unit, goals (indexes), audiences, functions, channels, budget, risk, path of transitions
INITIATIVES: list[tuple[Any, ...]] = [
    (
        "Spring brand campaign",
        "Marketing",
        [0],
        ["customers"],
        ["marketing"],
        ["Instagram", "TikTok"],
        30000,
        "medium",
        [],
    ),
    (
        "Influencer pilot",
        "Marketing",
        [0, 3],
        ["customers", "community"],
        ["marketing"],
        ["Instagram"],
        80000,
        "medium",
        ["submit"],
    ),
    (
        "Crisis response playbook",
        "Communications",
        [0],
        ["customers", "shareholders"],
        ["communications"],
        ["X", "LinkedIn"],
        15000,
        "high",
        ["submit", "start_review"],
    ),
    (
        "Executive voices on LinkedIn",
        "Communications",
        [0, 2],
        ["employees", "partners"],
        ["communications"],
        ["LinkedIn"],
        12000,
        "low",
        ["submit", "start_review", ("request_changes", "Name the executives and the cadence.")],
    ),
    (
        "Social customer care desk",
        "Customer Care",
        [1],
        ["customers"],
        ["customer_care"],
        ["X", "Facebook"],
        40000,
        "medium",
        ["submit", "start_review", "approve"],
    ),
    # Sales drafts what Customer Care already runs: the duplicate hint shows
    # the twin on the draft's form, and the CoE can link the two.
    (
        "Customer care desk on social media",
        "Sales",
        [1],
        ["customers"],
        ["customer_care", "sales"],
        ["X", "Facebook"],
        25000,
        "medium",
        [],
    ),
    (
        "Community forum moderation",
        "Customer Care",
        [1, 4],
        ["customers", "community"],
        ["customer_care", "product"],
        ["Forum"],
        18000,
        "low",
        ["submit", "start_review", "approve", "launch"],
    ),
    (
        "Creator partnerships",
        "Marketing",
        [0],
        ["customers", "community"],
        ["marketing"],
        ["YouTube", "Instagram"],
        20000,
        "low",
        ["submit", "start_review", "approve"],
    ),
    (
        "Employer brand stories",
        "Human Resources",
        [2],
        ["employees", "community"],
        ["hr"],
        ["Instagram", "LinkedIn"],
        15000,
        "low",
        ["submit", "start_review", "approve", "launch"],
    ),
    (
        "Graduate recruiting on TikTok",
        "Human Resources",
        [2],
        ["community"],
        ["hr"],
        ["TikTok"],
        35000,
        "medium",
        ["submit", "start_review", "approve", "sponsor_approve", "launch", "pause"],
    ),
    (
        "Social selling training",
        "Sales",
        [3],
        ["customers", "partners"],
        ["sales"],
        ["LinkedIn"],
        20000,
        "low",
        ["submit", "start_review", "approve", "launch", "complete"],
    ),
    # Closed with its KPIs met: Human Resources shows visible business impact.
    (
        "Employee advocacy pilot",
        "Human Resources",
        [2],
        ["employees"],
        ["hr"],
        ["LinkedIn"],
        8000,
        "low",
        ["submit", "start_review", "approve", "launch", "complete"],
    ),
    (
        "Partner co-marketing",
        "Sales",
        [3],
        ["partners"],
        ["sales", "marketing"],
        ["LinkedIn"],
        60000,
        "high",
        ["submit", "start_review", "approve", ("sponsor_reject", "Too risky this quarter.")],
    ),
    (
        "Beta testers community",
        "Product Development",
        [4],
        ["customers", "community"],
        ["product"],
        ["Discord"],
        8000,
        "low",
        ["submit", "start_review", ("reject", "Overlaps with the forum initiative.")],
    ),
    (
        "Social listening hub",
        "Marketing",
        [0, 4],
        ["customers"],
        ["marketing", "product"],
        ["X", "Instagram", "Reddit"],
        65000,
        "medium",
        [
            "submit",
            "start_review",
            ("approve", "Above the CMO's threshold: the sponsor signs off."),
        ],
    ),
    (
        "Product launch live stream",
        "Product Development",
        [0, 4],
        ["customers"],
        ["product", "marketing"],
        ["YouTube"],
        10000,
        "low",
        ["withdraw"],
    ),
]

# Initiatives whose wait began this many calendar days ago, so that the demo
# shows overdue reviews and sign-offs.
WAITING_SINCE_DAYS = {
    "Influencer pilot": 10,
    "Crisis response playbook": 12,
    "Social customer care desk": 8,
    "Social listening hub": 2,
}

# Who takes each transition in the demo.
ACTORS = {
    "start_review": "coe_analyst",
    "request_changes": "coe_analyst",
    "approve": "coe_lead",
    "reject": "coe_lead",
}
UNIT_LEADS = {name: lead for name, _, lead in UNITS}
UNIT_SPONSORS = {unit: user for user, _, units in SPONSORS for unit in units}


class Command(BaseCommand):
    help = "Create the demo organization, its people and a dozen initiatives (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even with DEBUG off (a staging copy). The accounts then get no "
            "password: set one with `manage.py changepassword`.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off: this looks like production, where demo data does not belong. "
                "Use --force to seed anyway (the accounts get no usable password)."
            )
        # Outside development no account gets the well-known demo password,
        # least of all the superuser.
        self.known_password = settings.DEBUG
        with transaction.atomic():
            outbox_before = OutboundEmail.objects.aggregate(last=Max("pk"))["last"] or 0
            self.seed()
            # The demo's history is made up: nobody is emailed about it. The
            # emails it wrote go before they are sent (their tasks find nothing).
            OutboundEmail.objects.filter(pk__gt=outbox_before).delete()
            # Seal the demo's log, so that verify_audit has a checkpoint to check against.
            audit.checkpoint_create()
        self.stdout.write(self.style.SUCCESS("Demo organization ready."))
        accounts = (
            "coe_lead, coe_analyst, cmo, coo, chro, finance, "
            + ", ".join(lead for _, _, lead in UNITS)
            + ", auditor, admin (staff)"
        )
        if self.known_password:
            self.stdout.write(f"Demo accounts (password '{DEMO_PASSWORD}'): {accounts}")
        else:
            self.stdout.write(
                f"Demo accounts (no usable password; set one with changepassword): {accounts}"
            )

    def user(self, username: str, **extra: Any) -> User:
        email = f"{username}@{DEMO_EMAIL_DOMAIN}"
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults=extra | {"email": email}
        )
        if created:
            if self.known_password:
                user.set_password(DEMO_PASSWORD)
            else:
                user.set_unusable_password()
            user.save()
        elif not user.email:
            # A demo seeded before the accounts had addresses.
            user.email = email
            user.save(update_fields=["email"])
        return user

    def seed(self) -> None:
        admin = self.user("admin", is_staff=True, is_superuser=True)
        units = {}
        for name, kind, _lead in UNITS:
            unit = BusinessUnit.objects.filter(name=name).first()
            units[name] = unit or org.business_unit_create(actor=admin, name=name, kind=kind)
        goals = []
        for title, description in GOALS:
            goal = StrategicGoal.objects.filter(title=title).first()
            goals.append(goal or org.goal_create(actor=admin, title=title, description=description))

        org.organization_role_grant(
            actor=admin, user=self.user("coe_lead"), role=OrganizationRole.Role.COE_LEAD
        )
        org.organization_role_grant(
            actor=admin, user=self.user("coe_analyst"), role=OrganizationRole.Role.COE_MEMBER
        )
        org.organization_role_grant(
            actor=admin, user=self.user("auditor"), role=OrganizationRole.Role.AUDITOR
        )
        for name, _kind, lead_name in UNITS:
            org.membership_set(
                actor=admin,
                user=self.user(lead_name),
                business_unit=units[name],
                role=Membership.Role.LEAD,
            )
        for username, threshold, unit_names in SPONSORS:
            sponsor = sponsors.sponsor_set(
                actor=admin, user=self.user(username), approval_threshold=threshold
            )
            for unit_name in unit_names:
                sponsors.sponsorship_add(
                    actor=admin, sponsor=sponsor, business_unit=units[unit_name]
                )

        for (
            title,
            unit_name,
            goal_ix,
            audiences,
            functions,
            channels,
            budget,
            risk,
            path,
        ) in INITIATIVES:
            if Initiative.objects.filter(title=title).exists():
                continue
            lead = self.user(UNIT_LEADS[unit_name])
            initiative = workflow.initiative_create(
                actor=lead,
                business_unit=units[unit_name],
                title=title,
                summary=f"{title}: a demo initiative of {unit_name}.",
                goals=[goals[i] for i in goal_ix],
                audiences=audiences,
                functions=functions,
                channels=channels,
                budget=Decimal(budget),
                risk=risk,
                kpis="Reach, engagement rate, cost per result",
            )
            for step in path:
                name, comment = step if isinstance(step, tuple) else (step, "")
                if name == "submit":
                    impact_demo.kpis_before_submit(initiative, lead)
                if name == "complete":
                    impact_demo.outcome_review_before_complete(
                        initiative, lead, self.user("coe_lead")
                    )
                if name.startswith("sponsor_"):
                    actor = self.user(UNIT_SPONSORS[unit_name])
                else:
                    actor = self.user(ACTORS.get(name, UNIT_LEADS[unit_name]))
                initiative = workflow.initiative_transition(
                    actor=actor, initiative=initiative, name=name, comment=comment
                )
            if title in WAITING_SINCE_DAYS:
                Decision.objects.filter(initiative=initiative).update(
                    at=timezone.now() - datetime.timedelta(days=WAITING_SINCE_DAYS[title])
                )
                workflow.initiative_waits_refresh(
                    initiatives=Initiative.objects.filter(pk=initiative.pk)
                )

        seed_policies(self.user)
        self.acknowledge_policies()
        self.seed_sponsor_features()
        self.seed_maturity()
        seed_discussion(self.user)
        seed_library(self.user)
        impact_demo.seed_impact(self.user, UNIT_LEADS)
        impact_demo.seed_kpi_amendment(self.user, UNIT_LEADS)
        seed_accounts(self.user)
        seed_incidents(self.user)
        seed_committees(self.user)
        # The apps above this one add their part (training, requirements).
        for seed_app in registry.demo_seeders:
            seed_app(self.user)

    def acknowledge_policies(self) -> None:
        """The Customer Care and Human Resources leads keep up with every policy
        in force for their unit (and so may submit); the others have some to
        acknowledge before their next submission."""
        for name, _kind, lead_name in UNITS:
            if name not in ("Customer Care", "Human Resources"):
                continue
            unit = BusinessUnit.objects.get(name=name)
            lead = self.user(lead_name)
            for policy in unacknowledged_in_force(
                user=lead, units=BusinessUnit.objects.filter(pk=unit.pk)
            ):
                policy_acknowledge(actor=lead, policy=policy)

    def seed_sponsor_features(self) -> None:
        """The CMO's delegation to the communications lead for this week, and a
        pending amendment that needs the CHRO's sign-off."""
        today = timezone.localdate()
        monday = today - datetime.timedelta(days=today.weekday())
        cmo, comms_lead = self.user("cmo"), self.user("comms_lead")
        if not Delegation.objects.filter(
            sponsor__user=cmo, delegate=comms_lead, ends_on__gte=today
        ).exists():
            sponsors.delegation_create(
                actor=cmo,
                delegate=comms_lead,
                starts_on=monday,
                ends_on=monday + datetime.timedelta(days=6),
                reason="Travelling to the board meeting",
            )
        employer_brand = Initiative.objects.get(title="Employer brand stories")
        if not Amendment.objects.filter(initiative=employer_brand).exists():
            workflow.amendment_propose(
                actor=self.user("hr_lead"),
                initiative=employer_brand,
                changes={"budget": Decimal(26000), "channels": ["Instagram", "LinkedIn", "TikTok"]},
                reason="The first month doubled applications; extend to TikTok.",
            )

    def seed_maturity(self) -> None:
        """Self-assessments that, with the evidence above, put the units at
        different stages: Product Development at Planning, Marketing and
        Communications at Presence, Sales at Engagement, Customer Care at
        Formalized and Human Resources at Strategic."""
        yes = {"listening_program": True, "formal_presence": True, "engagement_practices": True}
        answers = {
            "Product Development": {"listening_program": True},
            "Marketing": {"listening_program": True, "formal_presence": True},
            "Communications": {"listening_program": True, "formal_presence": True},
            "Sales": yes,
            "Customer Care": yes,
            "Human Resources": yes,
        }
        leads = {name: lead for name, _, lead in UNITS}
        for name, given in answers.items():
            unit = BusinessUnit.objects.get(name=name)
            lead = self.user(leads[name])
            if not MaturityAssessment.objects.filter(business_unit=unit).exists():
                maturity.maturity_assessment_record(actor=lead, business_unit=unit, answers=given)
        if not MaturityAssessment.objects.filter(business_unit=None).exists():
            maturity.maturity_assessment_record(
                actor=self.user("coe_lead"), business_unit=None, answers=yes
            )
