"""The demo's training (`seed_demo`): a course on the social media policy for
all staff, retrained on each new version of the policy, and one on crisis
escalation for unit leads; most leads have passed both, the Communications
lead has not passed the crisis course yet, and the Marketing lead failed once."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User

from policies.models import Policy
from training import evidence, services
from training.models import Audience, Course

SOCIAL = "Speaking for the brand on social media"
CRISIS = "Crisis escalation for unit leads"
# A draft the CoE is still writing: edited once, open to edit again.
DRAFT = "Answering customers in public"

COURSES: list[dict[str, Any]] = [
    {
        "title": SOCIAL,
        "policy": "Social media policy",
        "audience": Audience.STAFF,
        "pass_mark": 67,
        "retrain_on_policy_version": True,
        "body": (
            "# Speaking for the brand\n\n"
            "Only named account owners post for the company. Say who you are, "
            "disclose partnerships, and never share customer data.\n\n"
            "When in doubt, ask the CoE before you post."
        ),
        "questions": [
            {
                "text": "Who posts on a company account?",
                "choices": [
                    {"text": "Its named owner or backup", "correct": True},
                    {"text": "Anyone in the unit", "correct": False},
                ],
            },
            {
                "text": "A creator is paid for a post. What must it say?",
                "choices": [
                    {"text": "Nothing, if the post is good", "correct": False},
                    {"text": "That it is a paid partnership", "correct": True},
                ],
            },
            {
                "text": "A customer shares an order number in a reply. What do you do?",
                "choices": [
                    {"text": "Move to a private channel and hide it", "correct": True},
                    {"text": "Answer publicly with the order details", "correct": False},
                ],
            },
        ],
    },
    {
        "title": CRISIS,
        "policy": "Crisis escalation",
        "audience": Audience.LEADS,
        "pass_mark": 100,
        "retrain_on_policy_version": True,
        "body": (
            "# Crisis escalation\n\n"
            "A post that could harm people or the company is escalated to the "
            "CoE lead at once; nothing is deleted before the CoE decides."
        ),
        "questions": [
            {
                "text": "A post goes wrong and spreads. First step?",
                "choices": [
                    {"text": "Escalate to the CoE lead", "correct": True},
                    {"text": "Delete it quietly", "correct": False},
                ],
            },
            {
                "text": "Who speaks for the company during a crisis?",
                "choices": [
                    {"text": "Whoever sees it first", "correct": False},
                    {"text": "The spokespeople the playbook names", "correct": True},
                ],
            },
        ],
    },
]

# (user, course title, answered right): in this order.
ATTEMPTS = [
    ("care_lead", SOCIAL, True),
    ("care_lead", CRISIS, True),
    ("hr_lead", SOCIAL, True),
    ("hr_lead", CRISIS, True),
    ("sales_lead", SOCIAL, True),
    ("sales_lead", CRISIS, True),
    ("product_lead", SOCIAL, True),
    ("product_lead", CRISIS, True),
    ("comms_lead", SOCIAL, True),
    ("comms_lead", CRISIS, False),
    ("marketing_lead", SOCIAL, False),
    ("marketing_lead", SOCIAL, True),
    ("marketing_lead", CRISIS, True),
]


def _answers(course: Course, right: bool) -> dict[int, int]:
    return {
        q.pk: next(c.pk for c in q.choices.all() if c.correct == right)
        for q in course.questions.prefetch_related("choices")
    }


def seed_training(user: Callable[[str], User]) -> None:
    """Create the demo courses and attempts once, and count trained staff as
    maturity evidence; safe to run again."""
    evidence.install_criterion()
    if Course.objects.filter(title__in=[SOCIAL, CRISIS]).exists():
        return
    courses = {}
    for spec in COURSES:
        values = dict(spec)
        values["policy"] = Policy.objects.filter(title=spec["policy"]).first()
        course = services.course_create(actor=user("coe_analyst"), **values)
        courses[spec["title"]] = services.course_transition(
            actor=user("coe_lead"), course=course, name="publish"
        )
    draft = services.course_create(
        actor=user("coe_analyst"),
        title="Answering customers",
        body="Answer within the hour, in public first, then move to a private channel.",
    )
    services.course_update(
        actor=user("coe_analyst"),
        course=draft,
        changes={
            "title": DRAFT,
            "questions": [
                {
                    "text": "A customer complains in a public comment. First step?",
                    "choices": [
                        {"text": "Answer publicly, then offer a private channel", "correct": True},
                        {"text": "Delete the comment", "correct": False},
                    ],
                }
            ],
        },
    )
    for username, title, right in ATTEMPTS:
        course = courses[title]
        services.attempt_submit(
            actor=user(username), course=course, answers=_answers(course, right)
        )
