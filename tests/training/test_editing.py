"""The CoE edits a draft course, on its page and through the API: audited,
400 naming the field, 403 for others, 409 once published or retired."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from governance.errors import Conflict
from governance.models import AuditEvent
from tests.conftest import Org, signed_in
from tests.policies.conftest import policy_in
from tests.training.conftest import QUESTIONS, published_course
from training import selectors, services
from training.models import Course


def draft(o: Org, **fields: Any) -> Course:
    values: dict[str, Any] = {"title": "Draft", "body": "Text", "questions": QUESTIONS} | fields
    return services.course_create(actor=o.coe_member, **values)


def retired(o: Org) -> Course:
    course = published_course(o)
    return services.course_transition(actor=o.coe_lead, course=course, name="retire")


NEW_QUESTIONS = [
    {
        "text": "Who answers a journalist?",
        "choices": [
            {"text": "The press office", "correct": True},
            {"text": "Whoever reads it first", "correct": False},
            {"text": "Nobody", "correct": False},
        ],
    }
]


# The service


def test_the_coe_edits_a_draft_and_the_change_is_audited(org: Org) -> None:
    course = draft(org)
    policy = policy_in(org, "published")
    edited = services.course_update(
        actor=org.coe_member,
        course=course,
        changes={
            "title": "Speaking for the brand",
            "pass_mark": 100,
            "policy": policy,
            "business_units": [org.marketing],
            "questions": NEW_QUESTIONS,
        },
    )
    edited.refresh_from_db()
    assert (edited.title, edited.pass_mark, edited.policy_id) == (
        "Speaking for the brand",
        100,
        policy.pk,
    )
    assert list(edited.business_units.all()) == [org.marketing]
    assert selectors.questions_of(course=edited) == NEW_QUESTIONS
    event = AuditEvent.objects.get(event="course.updated")
    assert event.actor_id == org.coe_member.pk
    assert event.old == {
        "title": "Draft",
        "pass_mark": 80,
        "policy": None,
        "business_units": [],
        "questions": 2,
    }
    assert event.new == {
        "title": "Speaking for the brand",
        "pass_mark": 100,
        "policy": policy.pk,
        "business_units": [org.marketing.pk],
        "questions": 1,
    }
    assert edited.history.first().history_change_reason == "edited"  # type: ignore[attr-defined]


def test_an_edit_that_changes_nothing_writes_nothing(org: Org) -> None:
    course = draft(org)
    services.course_update(
        actor=org.coe_lead, course=course, changes={"title": "Draft", "questions": QUESTIONS}
    )
    assert not AuditEvent.objects.filter(event="course.updated").exists()


@pytest.mark.parametrize("persona", ["auditor", "marketing_lead", "sponsor"])
def test_only_the_coe_edits_courses(org: Org, persona: str) -> None:
    course = draft(org)
    with pytest.raises(PermissionDenied):
        services.course_update(actor=org.people[persona], course=course, changes={"title": "Mine"})
    course.refresh_from_db()
    assert course.title == "Draft"


@pytest.mark.parametrize("make", [published_course, retired])
def test_only_a_draft_is_edited(org: Org, make: Any) -> None:
    course = make(org)
    with pytest.raises(Conflict):
        services.course_update(actor=org.coe_lead, course=course, changes={"title": "Changed"})
    course.refresh_from_db()
    assert course.title != "Changed"
    assert not AuditEvent.objects.filter(event="course.updated").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"pass_mark": 150}, "pass_mark"),
        ({"title": ""}, "title"),
        ({"state": "published"}, "state"),
        (
            {"questions": [{"text": "Alone?", "choices": [{"text": "Yes", "correct": True}]}]},
            "questions",
        ),
        (
            {
                "questions": [
                    {"text": "Blank?", "choices": [{"text": "", "correct": True}, {"text": "No"}]}
                ]
            },
            "questions",
        ),
    ],
)
def test_invalid_edits_name_the_field(org: Org, changes: dict[str, Any], field: str) -> None:
    course = draft(org)
    with pytest.raises(ValidationError) as error:
        services.course_update(actor=org.coe_member, course=course, changes=changes)
    assert field in error.value.message_dict
    course.refresh_from_db()
    assert course.state == "draft"
    assert len(selectors.questions_of(course=course)) == 2


# The API


def test_the_coe_patches_a_draft(org: Org, api: Any) -> None:
    course = draft(org)
    response = api(org.coe_member).patch(
        f"/api/training/courses/{course.pk}/",
        {"title": "Crisis basics", "questions": NEW_QUESTIONS, "business_units": [org.sales.pk]},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["business_units"], body["state"]) == (
        "Crisis basics",
        [org.sales.pk],
        "draft",
    )
    assert [q["text"] for q in body["questions"]] == ["Who answers a journalist?"]
    assert "correct" not in body["questions"][0]["choices"][0]
    # Fields not sent stay as they were.
    course.refresh_from_db()
    assert (course.body, course.pass_mark) == ("Text", 80)
    assert AuditEvent.objects.filter(event="course.updated").count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"pass_mark": 150}, "pass_mark"),
        ({"audience": "everyone"}, "audience"),
        ({"policy": 999999}, "policy"),
        (
            {"questions": [{"text": "Alone?", "choices": [{"text": "Yes", "correct": True}]}]},
            "questions",
        ),
        (
            {"questions": [{"text": "No text?", "choices": [{"correct": True}, {"text": "B"}]}]},
            "questions",
        ),
    ],
)
def test_a_bad_patch_is_400_naming_the_field(
    org: Org, api: Any, body: dict[str, Any], field: str
) -> None:
    course = draft(org)
    response = api(org.coe_member).patch(f"/api/training/courses/{course.pk}/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(("persona", "expected"), [("auditor", 403), ("marketing_lead", 404)])
def test_others_may_not_patch_a_draft(org: Org, api: Any, persona: str, expected: int) -> None:
    course = draft(org)
    response = api(org.people[persona]).patch(
        f"/api/training/courses/{course.pk}/", {"title": "Mine"}, format="json"
    )
    assert response.status_code == expected
    course.refresh_from_db()
    assert course.title == "Draft"


def test_staff_who_see_a_published_course_get_403(org: Org, api: Any) -> None:
    course = published_course(org)
    response = api(org.marketing_lead).patch(
        f"/api/training/courses/{course.pk}/", {"title": "Mine"}, format="json"
    )
    assert response.status_code == 403


@pytest.mark.parametrize("make", [published_course, retired])
def test_patching_a_course_past_draft_is_409(org: Org, api: Any, make: Any) -> None:
    course = make(org)
    response = api(org.coe_lead).patch(
        f"/api/training/courses/{course.pk}/", {"title": "Changed"}, format="json"
    )
    assert response.status_code == 409
    course.refresh_from_db()
    assert course.title != "Changed"


def test_put_is_not_offered(org: Org, api: Any) -> None:
    course = draft(org)
    response = api(org.coe_member).put(
        f"/api/training/courses/{course.pk}/", {"title": "X", "body": "Y"}, format="json"
    )
    assert response.status_code == 405


# The page


def _form(**fields: str) -> dict[str, str]:
    return {
        "title": "Crisis basics",
        "body": "Text",
        "audience": "staff",
        "pass_mark": "50",
        "questions": "? First step?\n* Escalate\n- Delete",
    } | fields


def test_the_edit_page_shows_the_course_as_it_is(org: Org) -> None:
    course = draft(org)
    page = signed_in(org.coe_member).get(f"/training/{course.pk}/edit/").content.decode()
    assert "Edit course" in page
    assert "? Who may speak for the company?" in page
    assert "* Trained, named spokespeople" in page
    assert "- Anyone with an account" in page


def test_the_coe_edits_a_draft_on_the_page(org: Org) -> None:
    course = draft(org)
    client = signed_in(org.coe_member)
    assert (
        f'href="/training/{course.pk}/edit/"'
        in client.get(f"/training/{course.pk}/").content.decode()
    )
    response = client.post(f"/training/{course.pk}/edit/", _form())
    assert response.status_code == 302
    course.refresh_from_db()
    assert (course.title, course.pass_mark) == ("Crisis basics", 50)
    assert selectors.questions_of(course=course) == [
        {
            "text": "First step?",
            "choices": [
                {"text": "Escalate", "correct": True},
                {"text": "Delete", "correct": False},
            ],
        }
    ]
    assert AuditEvent.objects.filter(event="course.updated").count() == 1


def test_a_bad_edit_on_the_page_is_400_at_the_field(org: Org) -> None:
    course = draft(org)
    response = signed_in(org.coe_member).post(
        f"/training/{course.pk}/edit/", _form(pass_mark="150", questions="Q?")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Line 1" in page
    assert 'id="id_pass_mark"' in page
    course.refresh_from_db()
    assert course.title == "Draft"


def test_the_edit_page_is_403_for_others_and_404_for_outsiders(org: Org) -> None:
    course = draft(org)
    assert signed_in(org.auditor).get(f"/training/{course.pk}/edit/").status_code == 403
    assert signed_in(org.auditor).post(f"/training/{course.pk}/edit/", _form()).status_code == 403
    assert signed_in(org.marketing_lead).get(f"/training/{course.pk}/edit/").status_code == 404
    # Who may not edit is not offered the link.
    assert "/edit/" not in signed_in(org.auditor).get(f"/training/{course.pk}/").content.decode()


@pytest.mark.parametrize("make", [published_course, retired])
def test_the_edit_page_is_409_past_draft(org: Org, make: Any) -> None:
    course = make(org)
    client = signed_in(org.coe_lead)
    response = client.post(f"/training/{course.pk}/edit/", _form())
    assert response.status_code == 409
    assert "Only a draft course can be edited" in response.content.decode()
    assert client.get(f"/training/{course.pk}/edit/").status_code == 409
    assert "/edit/" not in client.get(f"/training/{course.pk}/").content.decode()
    course.refresh_from_db()
    assert course.title != "Crisis basics"


@pytest.mark.parametrize(
    ("language", "heading"), [("de", "Kurs bearbeiten"), ("it", "Modifica corso")]
)
def test_the_edit_page_reads_in_the_readers_language(org: Org, language: str, heading: str) -> None:
    course = draft(org)
    client = signed_in(org.coe_member)
    # The request activates the language in this thread: give it back afterwards.
    with translation.override("en"):
        client.post("/i18n/setlang/", {"language": language, "next": "/"})
        assert heading in client.get(f"/training/{course.pk}/edit/").content.decode()
