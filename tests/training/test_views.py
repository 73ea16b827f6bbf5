from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from inbox import selectors as inbox
from tests.conftest import Org, signed_in
from tests.training.conftest import published_course, take
from training import services


def _form_answers(course: Any, right: bool) -> dict[str, str]:
    return {
        f"q{q.pk}": str(next(c.pk for c in q.choices.all() if c.correct == right))
        for q in course.questions.prefetch_related("choices")
    }


def test_staff_take_a_course_and_see_it_completed(org: Org) -> None:
    course = published_course(org)
    client = signed_in(org.marketing_member)
    page = client.get("/training/").content.decode()
    assert "Speaking for the brand" in page
    response = client.post(f"/training/{course.pk}/attempt/", _form_answers(course, True))
    assert response.status_code == 302
    page = client.get(f"/training/{course.pk}/").content.decode()
    assert "You have completed this course." in page


def test_a_failed_attempt_says_so(org: Org) -> None:
    course = published_course(org, pass_mark=100)
    client = signed_in(org.marketing_member)
    response = client.post(
        f"/training/{course.pk}/attempt/", _form_answers(course, False), follow=True
    )
    assert "Not passed" in response.content.decode()


def test_an_unanswered_form_is_400(org: Org) -> None:
    course = published_course(org)
    response = signed_in(org.marketing_member).post(f"/training/{course.pk}/attempt/", {})
    assert response.status_code == 400


def test_a_draft_is_404_for_staff(org: Org) -> None:
    course = services.course_create(actor=org.coe_member, title="Draft", body="Text")
    assert signed_in(org.marketing_member).get(f"/training/{course.pk}/").status_code == 404


def test_the_coe_writes_a_course_on_the_page(org: Org) -> None:
    client = signed_in(org.coe_member)
    response = client.post(
        "/training/new/",
        {
            "title": "Crisis basics",
            "body": "Text",
            "audience": "staff",
            "pass_mark": "50",
            "questions": "? First step?\n* Escalate\n- Delete",
        },
    )
    assert response.status_code == 302
    assert signed_in(org.marketing_lead).get("/training/new/").status_code == 403


def test_malformed_questions_are_400_at_the_field(org: Org) -> None:
    response = signed_in(org.coe_member).post(
        "/training/new/",
        {"title": "X", "body": "Text", "audience": "staff", "pass_mark": "50", "questions": "Q?"},
    )
    assert response.status_code == 400
    assert "Line 1" in response.content.decode()


def test_the_coe_lead_publishes_on_the_page_and_others_may_not(org: Org) -> None:
    course = services.course_create(actor=org.coe_member, title="Draft", body="Text")
    signed_in(org.coe_member).post(f"/training/{course.pk}/transitions/publish/")
    course.refresh_from_db()
    assert course.state == "draft"
    signed_in(org.coe_lead).post(f"/training/{course.pk}/transitions/publish/")
    course.refresh_from_db()
    assert course.state == "published"


def test_coverage_shows_to_the_coe_only(org: Org) -> None:
    course = published_course(org)
    assert (
        "Coverage by unit" in signed_in(org.auditor).get(f"/training/{course.pk}/").content.decode()
    )
    page = signed_in(org.marketing_member).get(f"/training/{course.pk}/").content.decode()
    assert "Coverage by unit" not in page


def test_training_due_is_an_inbox_task_until_passed(org: Org) -> None:
    course = published_course(org)
    kinds = [t["kind"] for t in inbox.tasks(user=org.marketing_member)]
    assert "training.due" in kinds
    page = signed_in(org.marketing_member).get("/inbox/").content.decode()
    assert "Complete the training" in page
    take(org.marketing_member, course, right=2)
    assert "training.due" not in [t["kind"] for t in inbox.tasks(user=org.marketing_member)]


def test_the_list_page_costs_the_same_for_many_courses(org: Org) -> None:
    client = signed_in(org.marketing_member)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/training/").status_code == 200
        return len(queries)

    published_course(org, title="One")
    few = count()
    for number in range(30):
        published_course(org, title=f"Course {number}")
    assert count() == few
