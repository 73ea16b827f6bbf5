"""The registry's inbox rows name an account as people read it: the channel's
display label and the handle, in the reader's language."""

import pytest
from django.utils import translation

from inbox import selectors as inbox
from tests.conftest import Org, signed_in
from tests.social_accounts.conftest import request_account


def labels(user: object) -> list[str]:
    return [task.label for task in inbox.as_tasks(inbox.tasks(user=user))]  # type: ignore[arg-type]


@pytest.mark.parametrize("language", ["en", "de", "it"])
def test_a_request_to_decide_shows_the_channel_label(org: Org, language: str) -> None:
    request_account(org, channel="instagram", handle="@acme")
    with translation.override(language):
        assert "Instagram @acme" in labels(org.coe_lead)
        assert "instagram @acme" not in labels(org.coe_lead)


@pytest.mark.parametrize(
    ("language", "label"), [("en", "Other"), ("de", "Sonstiges"), ("it", "Altro")]
)
def test_the_other_channel_reads_in_the_readers_language(
    org: Org, language: str, label: str
) -> None:
    request_account(org, channel="other", handle="forum.acme.example")
    with translation.override(language):
        assert f"{label} forum.acme.example" in labels(org.coe_lead)


def test_the_inbox_page_shows_the_channel_label(org: Org) -> None:
    request_account(org, channel="linkedin", handle="acme-corp")
    page = signed_in(org.coe_lead).get("/inbox/").content.decode()
    assert "LinkedIn acme-corp" in page
    assert "linkedin acme-corp" not in page
