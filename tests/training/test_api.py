from typing import Any

import pytest

from tests.conftest import Org
from tests.training.conftest import QUESTIONS, published_course
from training import services


def _answers(course: Any, right: bool) -> dict[str, int]:
    return {
        str(q.pk): next(c.pk for c in q.choices.all() if c.correct == right)
        for q in course.questions.prefetch_related("choices")
    }


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("coe_member", 201), ("coe_lead", 201), ("auditor", 403), ("marketing_lead", 403)],
)
def test_who_may_write_a_course(org: Org, api: Any, persona: str, expected: int) -> None:
    response = api(org.people[persona]).post(
        "/api/training/courses/",
        {"title": "Crisis basics", "body": "Text", "pass_mark": 50, "questions": QUESTIONS},
        format="json",
    )
    assert response.status_code == expected
    if expected == 201:
        body = response.json()
        assert body["state"] == "draft"
        assert len(body["questions"]) == 2
        # The right answers are never shown.
        assert "correct" not in body["questions"][0]["choices"][0]


def test_a_bad_pass_mark_is_400_naming_the_field(org: Org, api: Any) -> None:
    response = api(org.coe_member).post(
        "/api/training/courses/", {"title": "X", "body": "Text", "pass_mark": 150}, format="json"
    )
    assert response.status_code == 400
    assert "pass_mark" in response.json()


def test_a_draft_is_404_for_staff(org: Org, api: Any) -> None:
    course = services.course_create(actor=org.coe_member, title="Draft", body="Text")
    assert api(org.marketing_member).get(f"/api/training/courses/{course.pk}/").status_code == 404
    assert api(org.auditor).get(f"/api/training/courses/{course.pk}/").status_code == 200


def test_taking_a_course_through_the_api(org: Org, api: Any) -> None:
    course = published_course(org, pass_mark=100)
    client = api(org.marketing_member)
    url = f"/api/training/courses/{course.pk}/attempts/"
    failed = client.post(url, {"answers": _answers(course, right=False)}, format="json")
    assert (failed.status_code, failed.json()["passed"], failed.json()["score"]) == (201, False, 0)
    passed = client.post(url, {"answers": _answers(course, right=True)}, format="json")
    assert (passed.status_code, passed.json()["passed"]) == (201, True)
    listed = client.get("/api/training/courses/").json()["results"]
    assert [c["completed"] for c in listed] == [True]


def test_an_unanswered_question_is_400(org: Org, api: Any) -> None:
    course = published_course(org)
    response = api(org.marketing_member).post(
        f"/api/training/courses/{course.pk}/attempts/", {"answers": {}}, format="json"
    )
    assert response.status_code == 400
    assert "answers" in response.json()


def test_transitions_by_role_and_state(org: Org, api: Any) -> None:
    course = services.course_create(actor=org.coe_member, title="Draft", body="Text")
    url = f"/api/training/courses/{course.pk}/transitions/"
    assert api(org.coe_member).post(url + "publish/").status_code == 403
    assert api(org.coe_lead).post(url + "retire/").status_code == 409
    assert api(org.coe_lead).post(url + "fly/").status_code == 404
    published = api(org.coe_lead).post(url + "publish/")
    assert (published.status_code, published.json()["version"]) == (200, 1)


def test_coverage_is_for_the_coe_and_auditors(org: Org, api: Any) -> None:
    course = published_course(org)
    url = f"/api/training/courses/{course.pk}/coverage/"
    assert api(org.auditor).get(url).status_code == 200
    assert api(org.marketing_lead).get(url).status_code == 403
    rows = api(org.coe_lead).get(url).json()
    assert {r["business_unit_name"] for r in rows} == {"Marketing", "Sales"}


def test_the_list_costs_the_same_for_many_courses(
    org: Org, api: Any, django_assert_max_num_queries: Any
) -> None:
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client = api(org.marketing_member)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/training/courses/").status_code == 200
        return len(queries)

    published_course(org, title="One")
    few = count()
    for number in range(30):
        published_course(org, title=f"Course {number}")
    assert count() == few
