"""The demo shows a discussion: a question, an answer with a brief, a sponsor's note."""

from typing import Any

import pytest
from django.core.management import call_command

from discussion import selectors
from discussion.models import attachment_storage
from governance.models import AuditEvent
from initiatives.models import Initiative


@pytest.mark.django_db
def test_demo_has_a_thread_and_a_brief_on_an_initiative_sent_back(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    initiative = Initiative.objects.get(title="Executive voices on LinkedIn")
    assert initiative.state == "changes_requested"
    authors = [c.author.username for c in selectors.thread(target=initiative)]
    assert authors == ["coe_analyst", "comms_lead", "cmo"]
    [brief] = selectors.attachments_of(target=initiative)
    assert brief.name == "Executive voices brief.pdf"
    assert attachment_storage().open(brief.file.name).read().startswith(b"%PDF-")
    mentioned = AuditEvent.objects.filter(
        event="comment.posted", object_type="initiatives.initiative"
    ).values_list("new", flat=True)
    assert [m["mentioned"] for m in mentioned] == [["comms_lead"], [], ["coe_analyst"]]
    answer = selectors.thread(target=initiative)[1]
    assert answer.edited_at is not None
    assert "**twice a month**" in answer.body
    [edit] = AuditEvent.objects.filter(event="comment.edited")
    assert "**once a month**" in edit.old["body"]
    assert edit.new["body"] == answer.body
