"""Writes of training. Each service checks the actor's right, changes the
course or records the attempt, and writes the history row and the audit
event in one transaction."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext, gettext_lazy

from governance import audit, history, transitions
from governance.errors import Conflict, UnknownAction
from governance.models import BusinessUnit
from policies.models import Policy
from training import selectors
from training.models import Attempt, Audience, Choice, Course, CourseState, Question

TRANSITION_EVENTS = {
    "publish": audit.Event.COURSE_PUBLISHED,
    "retire": audit.Event.COURSE_RETIRED,
}


def _validate_questions(questions: list[dict[str, Any]]) -> None:
    """Each question has a text and at least two choices, one or more correct."""
    for number, question in enumerate(questions, start=1):
        choices = question.get("choices") or []
        if not str(question.get("text", "")).strip():
            raise ValidationError(
                {"questions": gettext("Question %(n)s has no text.") % {"n": number}}
            )
        if any(not str(c.get("text", "")).strip() for c in choices):
            raise ValidationError(
                {"questions": gettext("A choice of question %(n)s has no text.") % {"n": number}}
            )
        if len(choices) < 2 or not any(c.get("correct") for c in choices):
            raise ValidationError(
                {
                    "questions": gettext(
                        "Question %(n)s needs at least two choices, one of them correct."
                    )
                    % {"n": number}
                }
            )


def course_create(
    *,
    actor: User,
    title: str,
    body: str,
    policy: Policy | None = None,
    audience: str = Audience.STAFF,
    business_units: Iterable[BusinessUnit] = (),
    pass_mark: int = 80,
    retrain_on_policy_version: bool = False,
    questions: list[dict[str, Any]] | None = None,
) -> Course:
    """Draft a course with its questions (each a `text` and `choices`, each
    choice a `text` and whether it is `correct`).

    Raises PermissionDenied unless the actor is of the CoE, ValidationError
    naming the field for invalid content."""
    if not selectors.may_author(user=actor):
        raise PermissionDenied(gettext("Only the CoE writes courses."))
    questions = questions or []
    _validate_questions(questions)
    with transaction.atomic():
        course = Course(
            title=title,
            body=body,
            policy=policy,
            audience=audience,
            pass_mark=pass_mark,
            retrain_on_policy_version=retrain_on_policy_version,
            created_by=actor,
        )
        course.full_clean(exclude=["state", "created_by"])
        history.stamp(course, actor, "created")
        history.create(course, {"business_units": list(business_units)})
        _add_questions(course, questions)
        audit.record(
            audit.Event.COURSE_CREATED,
            actor=actor,
            obj=course,
            new={
                "title": course.title,
                "policy": policy.pk if policy else None,
                "audience": course.audience,
                "business_units": sorted(u.pk for u in course.business_units.all()),
                "pass_mark": course.pass_mark,
                "questions": len(questions),
            },
        )
    return course


# What an editor may change on a draft: the course's fields, its units and its questions.
EDITABLE_FIELDS = (
    "title",
    "body",
    "policy",
    "audience",
    "business_units",
    "pass_mark",
    "retrain_on_policy_version",
    "questions",
)


def _add_questions(course: Course, questions: list[dict[str, Any]]) -> None:
    for position, question in enumerate(questions):
        row = Question.objects.create(
            course=course, text=str(question["text"]).strip(), position=position
        )
        Choice.objects.bulk_create(
            Choice(question=row, text=str(c["text"]).strip(), correct=bool(c.get("correct")))
            for c in question["choices"]
        )


def course_update(*, actor: User, course: Course, changes: dict[str, Any]) -> Course:
    """Edit a draft course: any of EDITABLE_FIELDS; `questions`, when given,
    replace all of the course's questions (none has been answered: only a
    published course is taken). Nothing changed writes nothing.

    Raises PermissionDenied unless the actor is of the CoE, ValidationError
    naming the field for an unknown field or invalid content, Conflict (409)
    unless the course is a draft (a published version is what its completions
    were taken at)."""
    if not selectors.may_author(user=actor):
        raise PermissionDenied(gettext("Only the CoE edits courses."))
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: gettext("This field cannot be changed.") for name in unknown})
    changes = dict(changes)
    units = changes.pop("business_units", None)
    questions = changes.pop("questions", None)
    if questions is not None:
        _validate_questions(questions)
    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        if locked.state != CourseState.DRAFT:
            raise Conflict(
                gettext("Only a draft course can be edited; this one is %(state)s.")
                % {"state": locked.get_state_display().lower()}
            )
        old: dict[str, Any] = {}
        new: dict[str, Any] = {}
        for name, value in changes.items():
            if getattr(locked, name) != value:
                old[name], new[name] = getattr(locked, name), value
                setattr(locked, name, value)
        locked.full_clean(exclude=["state", "created_by"])
        if units is not None:
            before = sorted(locked.business_units.values_list("pk", flat=True))
            after = sorted(u.pk for u in units)
            if before != after:
                old["business_units"], new["business_units"] = before, after
                history.set_relation(locked, "business_units", units)
        if questions is not None:
            current = selectors.questions_of(course=locked)
            wanted = [
                {
                    "text": str(q["text"]).strip(),
                    "choices": [
                        {"text": str(c["text"]).strip(), "correct": bool(c.get("correct"))}
                        for c in q["choices"]
                    ],
                }
                for q in questions
            ]
            if current != wanted:
                old["questions"], new["questions"] = len(current), len(wanted)
                locked.questions.all().delete()
                _add_questions(locked, wanted)
        if not new:
            return locked
        history.stamp(locked, actor, "edited")
        locked.save()
        # Objects go into the audit row as their ids.
        if "policy" in new:
            old["policy"] = old["policy"].pk if old["policy"] else None
            new["policy"] = new["policy"].pk if new["policy"] else None
        audit.record(audit.Event.COURSE_UPDATED, actor=actor, obj=locked, old=old, new=new)
    return locked


def course_transition(*, actor: User, course: Course, name: str, comment: str = "") -> Course:
    """Publish (a first or a new version: earlier completions no longer
    count) or retire a course. The CoE lead only.

    Raises UnknownAction for another name, PermissionDenied for anyone else,
    TransitionNotAllowed (409) from a state that does not allow it."""
    if name not in TRANSITION_EVENTS:
        raise UnknownAction(f"No transition named {name!r}.")
    if not selectors.may_publish(user=actor):
        raise PermissionDenied(gettext("Only the CoE lead publishes and retires courses."))
    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        act = transitions.begin(
            actor,
            locked,
            name,
            authorized=True,  # may_publish, above
            refused=gettext_lazy("Cannot %(action)s a course that is %(state)s."),
        )
        version = locked.version
        act.take()
        history.stamp(locked, actor, f"{name}: {comment}" if comment else name)
        locked.save()
        act.record(
            TRANSITION_EVENTS[name],
            old={"version": version},
            new={"version": locked.version},
            comment=comment,
        )
    return locked


def attempt_submit(*, actor: User, course: Course, answers: dict[int, int]) -> Attempt:
    """Record the actor's attempt at the course's current version: one choice
    id per question id. It passes when the share answered right reaches the
    pass mark (a course without questions passes once read).

    Raises Conflict (409) unless the course is published, ValidationError
    (`answers`) when a question is unanswered or a choice is not one of its own."""
    with transaction.atomic():
        locked = Course.objects.select_related("policy").get(pk=course.pk)
        if locked.state != CourseState.PUBLISHED:
            raise Conflict(gettext("Only a published course can be taken."))
        questions = list(locked.questions.prefetch_related("choices"))
        correct = 0
        for question in questions:
            given = answers.get(question.pk)
            choices = {c.pk: c for c in question.choices.all()}
            if given not in choices:
                raise ValidationError(
                    {
                        "answers": gettext("Answer every question: %(question)s")
                        % {"question": question.text}
                    }
                )
            correct += choices[given].correct
        score = round(100 * correct / len(questions)) if questions else 100
        passed = score >= locked.pass_mark
        attempt = Attempt.objects.create(
            course=locked,
            course_version=locked.version,
            policy_version=locked.policy.version if locked.policy else None,
            user=actor,
            score=score,
            passed=passed,
            answers={str(q.pk): answers[q.pk] for q in questions},
        )
        audit.record(
            audit.Event.COURSE_PASSED if passed else audit.Event.COURSE_FAILED,
            actor=actor,
            obj=locked,
            new={
                "version": locked.version,
                "policy_version": attempt.policy_version,
                "score": score,
                "pass_mark": locked.pass_mark,
            },
        )
    return attempt
