"""Demo policies for `seed_demo`: one per category, several with two or three
published versions edited by different CoE members, one overdue for review,
acknowledgments with partial coverage, one active and one expired exception,
an exception awaiting the CoE lead's decision, and a draft not yet submitted.

Every change goes through the services. Only dates are set directly afterwards
(demo data only), so that the versions look published over the past year: the
versions' publication and effective dates, the policy history rows' dates, and
the expired exception's expiry. The audit log keeps its true times: its events
are hashed and cannot be rewritten.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.utils import timezone

from governance.models import BusinessUnit
from initiatives.models import Initiative
from policies import services
from policies.models import (
    Acknowledgment,
    Category,
    Policy,
    PolicyException,
    PolicyVersion,
    add_months,
)


@dataclass
class Revision:
    """One published version: edits of the working copy, then review and publish."""

    edits: list[tuple[str, dict[str, str], str]]  # editor, changes, change reason
    acknowledged_by: list[str] = field(default_factory=list)  # unit leads
    returned_once: bool = False  # sent back to draft in review before publishing


@dataclass
class DemoPolicy:
    title: str
    category: Category
    units: list[str]  # business unit names; empty: every unit
    body: str
    author: str
    revisions: list[Revision]
    days_ago: list[int]  # when each version was published
    interval: int = 12


def _body(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs) + "\n"


POLICIES = [
    DemoPolicy(
        "Social media policy",
        Category.SOCIAL_MEDIA,
        [],
        _body(
            "# Social media policy",
            "Who may speak for the company on social channels, and how.",
            "- Only approved accounts post on behalf of the company.\n"
            "- Every account has a named owner in a business unit.",
        ),
        "coe_analyst",
        [
            Revision([], acknowledged_by=["marketing_lead", "comms_lead", "care_lead", "hr_lead"]),
            Revision(
                [
                    (
                        "coe_analyst",
                        {"append": "- New accounts are registered with the CoE first."},
                        "Account registration",
                    )
                ],
                acknowledged_by=["marketing_lead", "sales_lead"],
            ),
            Revision(
                [
                    (
                        "coe_analyst",
                        {"append": "- Personal accounts never speak for the company."},
                        "Personal accounts",
                    ),
                    ("coe_analyst", {"append": "See also: Employee advocacy."}, "Cross-reference"),
                ],
                acknowledged_by=["marketing_lead", "comms_lead"],
                returned_once=True,
            ),
        ],
        days_ago=[400, 200, 20],
    ),
    DemoPolicy(
        "Brand voice guidelines",
        Category.BRAND_VOICE,
        ["Marketing", "Communications"],
        _body(
            "# Brand voice",
            "We are **clear**, **warm** and **brief**.",
            "Avoid jargon; write as you would speak to a customer.",
        ),
        "coe_analyst",
        [
            Revision([], acknowledged_by=["marketing_lead", "comms_lead"]),
            Revision(
                [("coe_analyst", {"append": "Emoji: at most one per post."}, "Emoji guidance")],
                acknowledged_by=["comms_lead"],
            ),
        ],
        days_ago=[300, 60],
    ),
    DemoPolicy(
        "Community response and triage",
        Category.COMMUNITY_RESPONSE,
        [],
        _body(
            "# Community response and triage",
            "| Message | Owner | Answer within |\n| --- | --- | --- |\n"
            "| Question | Customer Care | 4 hours |\n| Complaint | Customer Care | 1 hour |\n"
            "| Praise | Marketing | 1 day |",
        ),
        "coe_analyst",
        [Revision([], acknowledged_by=["care_lead"])],
        days_ago=[90],
    ),
    DemoPolicy(
        "Crisis escalation",
        Category.CRISIS_ESCALATION,
        [],
        _body(
            "# Crisis escalation",
            "When a post could harm people or the company, stop scheduled posts and "
            "call the communications duty phone.",
        ),
        "coe_analyst",
        [
            Revision([], acknowledged_by=["comms_lead", "care_lead"]),
            Revision(
                [
                    (
                        "coe_analyst",
                        {"append": "Legal is informed within one hour of an escalation."},
                        "Legal in the loop",
                    ),
                    ("coe_analyst", {"append": "Run a drill every quarter."}, "Quarterly drills"),
                ],
                acknowledged_by=["comms_lead"],
            ),
            Revision(
                [("coe_analyst", {"append": "The duty rota lives in the CoE wiki."}, "Rota")],
            ),
        ],
        days_ago=[380, 180, 10],
        interval=6,
    ),
    DemoPolicy(
        "Employee advocacy",
        Category.EMPLOYEE_ADVOCACY,
        ["Human Resources", "Sales", "Marketing"],
        _body(
            "# Employee advocacy",
            "Employees may share company content from their own accounts, and say so.",
        ),
        "coe_analyst",
        [Revision([], acknowledged_by=["hr_lead", "sales_lead"])],
        days_ago=[150],
    ),
    DemoPolicy(
        # Published once, more than a year ago, with a yearly review: overdue.
        "Privacy and customer data",
        Category.PRIVACY,
        [],
        _body(
            "# Privacy and customer data",
            "Never ask for order numbers, addresses or payment details in public replies; "
            "move the conversation to a private channel.",
        ),
        "coe_analyst",
        [Revision([], acknowledged_by=["care_lead", "sales_lead", "marketing_lead"])],
        days_ago=[420],
    ),
    DemoPolicy(
        "Disclosure of paid partnerships",
        Category.DISCLOSURE,
        ["Marketing", "Sales", "Product Development"],
        _body(
            "# Disclosure",
            "Paid, gifted or affiliate content carries a clear disclosure such as *#ad*.",
            "## Deutschland",
            "Für die Kennzeichnung von Werbung gelten die Regeln der Landesmedienanstalten: "
            "bezahlte oder geschenkte Beiträge tragen gut sichtbar „Werbung“ oder „Anzeige“.",
        ),
        "coe_analyst",
        [
            Revision([], acknowledged_by=["marketing_lead", "product_lead"]),
            Revision(
                [
                    (
                        "coe_analyst",
                        {"append": "Influencer contracts require the disclosure."},
                        "Contracts",
                    )
                ],
                acknowledged_by=["marketing_lead"],
            ),
        ],
        days_ago=[250, 40],
    ),
    DemoPolicy(
        "Account security",
        Category.ACCOUNT_SECURITY,
        [],
        _body(
            "# Account security",
            "Company accounts use a password manager and two-factor authentication; "
            "access is removed the day someone leaves.",
        ),
        "coe_analyst",
        [Revision([])],
        days_ago=[30],
    ),
]


def _at(days_ago: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days_ago)


def _seed_policy(
    spec: DemoPolicy,
    units: dict[str, BusinessUnit],
    user: Callable[[str], User],
) -> Policy:
    coe_lead = user("coe_lead")
    policy = services.policy_create(
        actor=user(spec.author),
        title=spec.title,
        category=spec.category,
        body=spec.body,
        business_units=[units[name] for name in spec.units],
        review_interval_months=spec.interval,
        change_reason="First draft",
    )
    for number, revision in enumerate(spec.revisions, start=1):
        if number > 1:
            policy = services.policy_transition(
                actor=user(revision.edits[0][0]), policy=policy, name="revise"
            )
        for editor, change, reason in revision.edits:
            policy = services.policy_update(
                actor=user(editor),
                policy=policy,
                changes={"body": policy.body.rstrip("\n") + "\n\n" + change["append"] + "\n"},
                change_reason=reason,
            )
        policy = services.policy_transition(actor=user(spec.author), policy=policy, name="submit")
        if revision.returned_once:
            policy = services.policy_transition(
                actor=coe_lead,
                policy=policy,
                name="return_to_draft",
                comment="Say which accounts this covers.",
            )
            policy = services.policy_update(
                actor=user(spec.author),
                policy=policy,
                changes={
                    "body": policy.body.replace("Personal accounts", "Employees' own accounts")
                },
                change_reason="Wording after review",
            )
            policy = services.policy_transition(
                actor=user(spec.author), policy=policy, name="submit"
            )
        policy = services.policy_transition(actor=coe_lead, policy=policy, name="publish")
        for lead in revision.acknowledged_by:
            services.policy_acknowledge(actor=user(lead), policy=policy)
    _backdate(policy, spec.days_ago)
    return Policy.objects.get(pk=policy.pk)


def _backdate(policy: Policy, days_ago: list[int]) -> None:
    """Spread the policy's story over the past: version k published `days_ago[k-1]`
    days ago, its drafting and acknowledgments around that day."""
    eras = {0: _at(days_ago[0] + 14)} | {n: _at(d) for n, d in enumerate(days_ago, start=1)}
    for offset, row in enumerate(policy.history.order_by("history_id")):
        row.history_date = eras[row.version] + datetime.timedelta(minutes=offset)
        if row.version:
            row.effective_date = timezone.localdate(eras[row.version])
            row.next_review_due = add_months(row.effective_date, row.review_interval_months)
        row.save(update_fields=["history_date", "effective_date", "next_review_due"])
    for version in PolicyVersion.objects.filter(policy=policy):
        published = eras[version.version] + datetime.timedelta(hours=1)
        PolicyVersion.objects.filter(pk=version.pk).update(
            published_at=published, effective_date=published.date()
        )
    for number, when in eras.items():
        Acknowledgment.objects.filter(policy=policy, version=number).update(
            at=when + datetime.timedelta(days=2)
        )
    last = timezone.localdate(eras[len(days_ago)])
    Policy.objects.filter(pk=policy.pk).update(
        effective_date=last, next_review_due=add_months(last, policy.review_interval_months)
    )


def _seed_exception(
    *,
    initiative_title: str,
    policy_title: str,
    requester: User,
    decider: User,
    months: int,
    expired_days_ago: int | None = None,
) -> None:
    initiative = Initiative.objects.get(title=initiative_title)
    policy = Policy.objects.get(title=policy_title)
    if PolicyException.objects.filter(initiative=initiative, policy=policy).exists():
        return
    exception = services.exception_request(
        actor=requester,
        initiative=initiative,
        policy=policy,
        reason="The channel needs a different response time during the pilot.",
        expires_on=add_months(timezone.localdate(), months),
    )
    exception = services.exception_transition(
        actor=decider, exception=exception, name="approve", comment="Agreed for the pilot only."
    )
    if expired_days_ago is not None:
        # Demo only: an approval granted months ago that has run out since.
        PolicyException.objects.filter(pk=exception.pk).update(
            requested_at=_at(expired_days_ago + 95),
            decided_at=_at(expired_days_ago + 94),
            expires_on=timezone.localdate() - datetime.timedelta(days=expired_days_ago),
        )


def _seed_scheduled_version(user: Callable[[str], User]) -> None:
    """A next version of the brand voice, published to take effect in two weeks:
    version 2 stays in force until then, and staff may acknowledge 3 in advance."""
    policy = Policy.objects.get(title="Brand voice guidelines")
    if policy.versions.filter(effective_date__gt=timezone.localdate()).exists():
        return
    analyst = user("coe_analyst")
    policy = services.policy_transition(actor=analyst, policy=policy, name="revise")
    policy = services.policy_update(
        actor=analyst,
        policy=policy,
        changes={"body": policy.body.rstrip("\n") + "\n\nHashtags: at most two per post.\n"},
        change_reason="Hashtag guidance",
    )
    policy = services.policy_transition(actor=analyst, policy=policy, name="submit")
    services.policy_transition(
        actor=user("coe_lead"),
        policy=policy,
        name="publish",
        effective_date=timezone.localdate() + datetime.timedelta(days=14),
    )


def _seed_draft(user: Callable[[str], User]) -> None:
    """A policy the CoE analyst is still drafting: the CoE sees it, edits it
    and submits it from its page; staff do not see it."""
    if Policy.objects.filter(title=DRAFT_TITLE).exists():
        return
    services.policy_create(
        actor=user("coe_analyst"),
        title=DRAFT_TITLE,
        category=Category.SOCIAL_MEDIA,
        body=_body(
            "# Live streaming",
            "Live video reaches people as it happens, and cannot be taken back.",
            "- Two people run every stream: one presents, one watches the comments.\n"
            "- Streams of product news wait for the announcement.",
        ),
        business_units=list(BusinessUnit.objects.filter(name__in=["Marketing", "Communications"])),
        change_reason="First draft",
    )


def _seed_pending_exception(user: Callable[[str], User]) -> None:
    """An exception awaiting the CoE lead's decision (its requester may not decide)."""
    initiative = Initiative.objects.get(title="Influencer pilot")
    policy = Policy.objects.get(title="Disclosure of paid partnerships")
    if PolicyException.objects.filter(initiative=initiative, policy=policy).exists():
        return
    services.exception_request(
        actor=user("marketing_lead"),
        initiative=initiative,
        policy=policy,
        reason=(
            "The creators' platform adds its own paid-partnership label to every post; "
            "during the pilot we ask to rely on it instead of adding #ad ourselves."
        ),
        expires_on=add_months(timezone.localdate(), 2),
    )


DRAFT_TITLE = "Live streaming"


def seed_policies(user: Callable[[str], User]) -> None:
    """Create what is missing of the demo policies; safe to run again."""
    units = {unit.name: unit for unit in BusinessUnit.objects.all()}
    for spec in POLICIES:
        if not Policy.objects.filter(title=spec.title).exists():
            _seed_policy(spec, units, user)
    _seed_scheduled_version(user)
    coe_lead = user("coe_lead")
    _seed_exception(
        initiative_title="Social customer care desk",
        policy_title="Community response and triage",
        requester=user("care_lead"),
        decider=coe_lead,
        months=6,
    )
    _seed_exception(
        initiative_title="Employer brand stories",
        policy_title="Employee advocacy",
        requester=user("hr_lead"),
        decider=coe_lead,
        months=3,
        expired_days_ago=12,
    )
    _seed_pending_exception(user)
    _seed_draft(user)
