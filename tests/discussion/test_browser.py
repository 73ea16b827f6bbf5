"""In the browser: a unit lead whose initiative came back with changes
requested finds the CoE's question, attaches the brief (after a refused file),
and answers, at desktop and phone width, in English and German; axe finds no
serious or critical problem."""

from typing import Any

import pytest
from playwright.sync_api import expect

from discussion import services
from discussion.models import Attachment, Comment
from tests.browser import assert_accessible, shoot
from tests.conftest import Org, bring_to
from tests.discussion.conftest import EXE, PDF

pytestmark = pytest.mark.django_db(transaction=True)


def test_unit_lead_attaches_a_brief_and_answers_a_comment(org: Org, people: Any) -> None:
    initiative = bring_to(org, "changes_requested", title="Creator series")
    services.comment_post(
        actor=org.people["coe_member"],
        target=initiative,
        body="@marketing_lead Which creators, and how often? Please attach the brief.",
    )
    lead = people("marketing_lead")
    lead.goto(f"/initiatives/{initiative.pk}/")
    thread = lead.locator("#discussion")
    expect(thread.get_by_role("heading", name="Discussion")).to_be_visible()
    expect(thread).to_contain_text("Which creators, and how often?")

    files = lead.locator("#attachments")
    files.locator("input[type=file]").set_input_files(
        {"name": "setup.exe", "mimeType": "application/pdf", "buffer": EXE}
    )
    files.get_by_role("button", name="Attach file").click()
    expect(lead.get_by_role("alert")).to_contain_text("The file was not attached.")
    expect(lead.locator("#id_file_error")).to_contain_text("Files of this type cannot be attached.")
    assert_accessible(lead)
    shoot(lead, "attachment-refused")

    lead.locator("#attachments input[type=file]").set_input_files(
        {"name": "Creator brief.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    lead.get_by_role("button", name="Attach file").click()
    expect(lead.get_by_text("“Creator brief.pdf” is attached.")).to_be_visible()
    expect(
        lead.locator("#attachments").get_by_role("link", name="Creator brief.pdf")
    ).to_be_visible()

    thread = lead.locator("#discussion")
    thread.get_by_label("Comment").fill("Three creators, **two videos a month** each.")
    thread.get_by_role("button", name="Post comment").click()
    expect(lead.get_by_text("Your comment is posted.")).to_be_visible()
    expect(lead.locator("#discussion strong", has_text="two videos a month")).to_be_visible()
    assert_accessible(lead)
    shoot(lead, "initiative-discussion")

    with lead.expect_download() as download:
        lead.locator("#attachments").get_by_role("link", name="Creator brief.pdf").click()
    assert download.value.suggested_filename == "Creator brief.pdf"

    assert Attachment.objects.get().name == "Creator brief.pdf"
    assert [c.author.username for c in Comment.objects.order_by("pk")] == [
        "coe_member",
        "marketing_lead",
    ]

    reviewer = people("coe_member")
    reviewer.get_by_label("Language").select_option("de")
    reviewer.get_by_role("button", name="Change language").click()
    expect(reviewer.locator("html")).to_have_attribute("lang", "de")
    reviewer.goto(f"/initiatives/{initiative.pk}/")
    expect(reviewer.get_by_role("heading", name="Diskussion")).to_be_visible()
    expect(reviewer.get_by_role("heading", name="Anhänge")).to_be_visible()
    expect(reviewer.locator("#discussion")).to_contain_text("two videos a month")
    assert_accessible(reviewer)
    shoot(reviewer, "initiative-discussion-de")


def test_author_edits_a_comment_and_the_thread_says_it_was_edited(org: Org, people: Any) -> None:
    initiative = bring_to(org, "changes_requested", title="Creator series")
    comment = services.comment_post(
        actor=org.people["marketing_lead"],
        target=initiative,
        body="Three creators, one video a month each.",
    )
    lead = people("marketing_lead")
    lead.goto(f"/initiatives/{initiative.pk}/")
    lead.locator(f"#comment-{comment.pk}").get_by_role("link", name="Edit comment").click()
    expect(lead.get_by_role("heading", name="Edit your comment")).to_be_visible()
    field = lead.get_by_label("Your comment")
    expect(field).to_have_value("Three creators, one video a month each.")

    field.fill("   ")
    lead.get_by_role("button", name="Save changes").click()
    expect(lead.locator("#id_body_error")).to_contain_text("Write a comment.")
    assert_accessible(lead)
    shoot(lead, "comment-edit-refused")

    lead.get_by_label("Your comment").fill("Three creators, **two videos a month** each.")
    lead.get_by_role("button", name="Save changes").click()
    expect(lead.get_by_text("Your comment is changed.")).to_be_visible()
    shown = lead.locator(f"#comment-{comment.pk}")
    expect(shown.locator("strong", has_text="two videos a month")).to_be_visible()
    expect(shown).to_contain_text("(edited")
    assert_accessible(lead)
    shoot(lead, "comment-edited")

    lead.get_by_label("Language").select_option("it")
    lead.get_by_role("button", name="Change language").click()
    lead.goto(f"/discussion/comments/{comment.pk}/edit/")
    expect(lead.get_by_role("heading", name="Modifica il tuo commento")).to_be_visible()
    assert_accessible(lead)
    shoot(lead, "comment-edit-it")
