import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import TransitionNotAllowed

from governance.errors import Conflict
from governance.models import AuditEvent
from tests.conftest import Org
from tests.policies.conftest import policy_in, republish
from tests.training.conftest import QUESTIONS, published_course, take
from training import selectors, services


def test_a_course_is_passed_at_the_pass_mark(org: Org) -> None:
    course = published_course(org, pass_mark=50)
    attempt = take(org.marketing_member, course, right=1)
    assert (attempt.score, attempt.passed) == (50, True)
    assert not selectors.courses_due(user=org.marketing_member).filter(pk=course.pk).exists()
    event = AuditEvent.objects.filter(event="course.passed").get()
    assert event.new["score"] == 50


def test_a_course_is_failed_below_the_pass_mark(org: Org) -> None:
    course = published_course(org, pass_mark=100)
    attempt = take(org.marketing_member, course, right=1)
    assert (attempt.score, attempt.passed) == (50, False)
    assert selectors.courses_due(user=org.marketing_member).filter(pk=course.pk).exists()
    assert AuditEvent.objects.filter(event="course.failed").count() == 1


def test_a_course_without_questions_is_passed_once_read(org: Org) -> None:
    course = published_course(org, questions=[])
    attempt = services.attempt_submit(actor=org.marketing_member, course=course, answers={})
    assert attempt.passed


def test_every_question_must_be_answered(org: Org) -> None:
    course = published_course(org)
    first = course.questions.first()
    assert first is not None
    with pytest.raises(ValidationError) as error:
        services.attempt_submit(
            actor=org.marketing_member,
            course=course,
            answers={first.pk: first.choices.first().pk},  # type: ignore[union-attr]
        )
    assert "answers" in error.value.message_dict


def test_a_choice_of_another_question_is_refused(org: Org) -> None:
    course = published_course(org)
    one, two = list(course.questions.all())
    with pytest.raises(ValidationError):
        services.attempt_submit(
            actor=org.marketing_member,
            course=course,
            answers={one.pk: two.choices.first().pk, two.pk: two.choices.first().pk},  # type: ignore[union-attr]
        )


def test_a_draft_course_cannot_be_taken(org: Org) -> None:
    course = services.course_create(
        actor=org.coe_member, title="Draft", body="Text", questions=QUESTIONS
    )
    with pytest.raises(Conflict):
        services.attempt_submit(actor=org.marketing_member, course=course, answers={})


def test_only_the_coe_writes_courses(org: Org) -> None:
    with pytest.raises(PermissionDenied):
        services.course_create(actor=org.marketing_lead, title="Mine", body="Text")


def test_only_the_coe_lead_publishes(org: Org) -> None:
    course = services.course_create(actor=org.coe_member, title="Draft", body="Text")
    with pytest.raises(PermissionDenied):
        services.course_transition(actor=org.coe_member, course=course, name="publish")


def test_a_question_needs_a_right_answer(org: Org) -> None:
    with pytest.raises(ValidationError) as error:
        services.course_create(
            actor=org.coe_member,
            title="Bad",
            body="Text",
            questions=[{"text": "Q?", "choices": [{"text": "a"}, {"text": "b"}]}],
        )
    assert "questions" in error.value.message_dict


def test_a_retired_course_cannot_be_retired_again(org: Org) -> None:
    course = published_course(org)
    services.course_transition(actor=org.coe_lead, course=course, name="retire")
    with pytest.raises(TransitionNotAllowed):
        services.course_transition(actor=org.coe_lead, course=course, name="retire")


def test_a_new_course_version_requires_retraining(org: Org) -> None:
    course = published_course(org)
    take(org.marketing_member, course, right=2)
    course = services.course_transition(actor=org.coe_lead, course=course, name="publish")
    assert course.version == 2
    assert selectors.courses_due(user=org.marketing_member).filter(pk=course.pk).exists()
    row = next(
        r for r in selectors.coverage(course=course) if r["business_unit"] == org.marketing.pk
    )
    assert row["outdated"] == ["marketing_member"]


def test_a_new_policy_version_requires_retraining_when_the_course_asks(org: Org) -> None:
    policy = policy_in(org, "published")
    retrains = published_course(
        org, title="Retrains", policy=policy, retrain_on_policy_version=True
    )
    keeps = published_course(org, title="Keeps", policy=policy)
    take(org.marketing_member, retrains, right=2)
    take(org.marketing_member, keeps, right=2)
    republish(org, policy, "# Brand voice\n\nNew rules.")
    due = set(selectors.courses_due(user=org.marketing_member).values_list("title", flat=True))
    assert due == {"Retrains"}


def test_leads_courses_are_not_required_of_members(org: Org) -> None:
    course = published_course(org, audience="leads")
    assert selectors.courses_due(user=org.marketing_lead).filter(pk=course.pk).exists()
    assert not selectors.courses_due(user=org.marketing_member).filter(pk=course.pk).exists()


def test_a_course_for_one_unit_is_not_required_elsewhere(org: Org) -> None:
    course = published_course(org, business_units=[org.sales])
    assert selectors.courses_due(user=org.sales_member).filter(pk=course.pk).exists()
    assert not selectors.courses_due(user=org.marketing_member).filter(pk=course.pk).exists()
    assert [r["business_unit_name"] for r in selectors.coverage(course=course)] == ["Sales"]


def test_coverage_per_unit(org: Org) -> None:
    course = published_course(org)
    take(org.marketing_member, course, right=2)
    rows = {r["business_unit_name"]: r for r in selectors.coverage(course=course)}
    assert rows["Marketing"]["completed"] == ["marketing_member"]
    assert rows["Marketing"]["missing"] == ["marketing_lead"]
    assert rows["Sales"]["missing"] == ["sales_lead", "sales_member"]
