"""In the browser: the CoE member opens a draft course, edits it and sees the
change; the page fits 375 px and axe finds no serious or critical problem."""

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible, shoot
from tests.conftest import Org
from tests.training.conftest import QUESTIONS
from training import services

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_coe_edits_a_draft_course(org: Org, people: Any) -> None:
    course = services.course_create(
        actor=org.coe_member, title="Draft basics", body="Text", questions=QUESTIONS
    )
    member = people("coe_member")
    member.goto(f"/training/{course.pk}/")
    member.get_by_role("link", name="Edit", exact=True).click()
    expect(member.get_by_role("heading", name="Edit course")).to_be_visible()
    expect(member.get_by_label("Questions")).to_contain_text("* Trained, named spokespeople")
    assert_accessible(member)
    shoot(member, "course-edit")
    member.get_by_label("Title").fill("Speaking for the brand")
    member.get_by_role("button", name="Save changes").click()
    expect(member.get_by_text("The course was saved.")).to_be_visible()
    expect(member.get_by_role("heading", name="Speaking for the brand")).to_be_visible()
