"""Courses built through the services with the personas of tests/conftest.py:
the CoE member writes, the CoE lead publishes."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from tests.conftest import Org
from training import services
from training.models import Attempt, Course

QUESTIONS = [
    {
        "text": "Who may speak for the company?",
        "choices": [
            {"text": "Anyone with an account", "correct": False},
            {"text": "Trained, named spokespeople", "correct": True},
        ],
    },
    {
        "text": "A post goes wrong. First step?",
        "choices": [
            {"text": "Delete it quietly", "correct": False},
            {"text": "Follow the escalation policy", "correct": True},
        ],
    },
]


def published_course(o: Org, **fields: Any) -> Course:
    values: dict[str, Any] = {
        "title": "Speaking for the brand",
        "body": "# Speaking for the brand\n\nOnly trained spokespeople speak.",
        "pass_mark": 50,
        "questions": QUESTIONS,
    } | fields
    course = services.course_create(actor=o.coe_member, **values)
    return services.course_transition(actor=o.coe_lead, course=course, name="publish")


def take(user: AbstractBaseUser, course: Course, *, right: int) -> Attempt:
    """Answer the first `right` questions right and the others wrong."""
    answers = {}
    for number, question in enumerate(course.questions.prefetch_related("choices")):
        wanted = number < right
        answers[question.pk] = next(c.pk for c in question.choices.all() if c.correct == wanted)
    return services.attempt_submit(actor=user, course=course, answers=answers)  # type: ignore[arg-type]
