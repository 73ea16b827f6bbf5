"""Deciding several initiatives at once from the pages: select, choose one
decision and a comment, and see what became of each item, decided or
refused with its reason. Each item is decided on its own."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from initiatives.models import Decision, Initiative
from sponsors import services as sponsors
from tests.conftest import Org, bring_to, signed_in

BULK = reverse("initiatives:bulk")
OUTCOME = reverse("initiatives:bulk-outcome")


def state_of(initiative: Initiative) -> str:
    return Initiative.objects.get(pk=initiative.pk).state


def decide(
    client: Client, ids: list[int], transition: str, comment: str = "", confirm: bool = True
) -> Any:
    data = {"ids": ids, "transition": transition, "comment": comment}
    return client.post(BULK, data | ({"confirm": "on"} if confirm else {}))


def test_the_coe_decides_several_and_sees_each_outcome(org: Org) -> None:
    first = bring_to(org, "in_review", title="First")
    second = bring_to(org, "in_review", title="Second")
    waiting = bring_to(org, "submitted", title="Not yet in review")
    client = signed_in(org.coe_member)
    response = decide(client, [first.pk, second.pk, waiting.pk], "request_changes", "Add the KPIs.")
    assert response.status_code == 302
    assert response["Location"] == OUTCOME
    assert (state_of(first), state_of(second)) == ("changes_requested", "changes_requested")
    assert state_of(waiting) == "submitted"
    comments = set(
        Decision.objects.filter(transition="request_changes").values_list("comment", flat=True)
    )
    assert comments == {"Add the KPIs."}

    page = client.get(OUTCOME).content.decode()
    assert "Request changes: 2 of 3 initiatives decided, 1 refused." in page
    assert page.count("Decided") == 2
    assert "Refused: its state does not allow it" in page
    assert "Cannot request changes what is submitted." in page
    assert "Add the KPIs." in page


def test_items_the_user_may_not_decide_or_cannot_find_are_refused_each_with_its_reason(
    org: Org,
) -> None:
    own = bring_to(org, "in_review", title="Mine")
    other = bring_to(org, "in_review", title="Theirs")
    client = signed_in(org.coe_member)
    # A CoE member reviews but does not approve; an unknown id is not found.
    decide(client, [own.pk, other.pk, 999999], "approve", "")
    page = client.get(OUTCOME).content.decode()
    assert page.count("Refused: you may not decide it") == 2
    assert "Not found" in page
    assert "#999999" in page
    assert (state_of(own), state_of(other)) == ("in_review", "in_review")


def test_a_sponsor_signs_off_on_several_at_once(org: Org) -> None:
    first = bring_to(org, "awaiting_sponsor", title="High risk one")
    second = bring_to(org, "awaiting_sponsor", title="High risk two")
    client = signed_in(org.sponsor)
    page = client.get(BULK).content.decode()
    assert "Approve as sponsor" in page
    assert "High risk one" in page
    decide(client, [first.pk, second.pk], "sponsor_approve", "Signed off.")
    assert (state_of(first), state_of(second)) == ("approved", "approved")
    assert client.get(OUTCOME).content.decode().count("Decided") == 2


def test_separation_of_duties_refuses_the_item_with_its_reason(org: Org) -> None:
    # The CoE lead approved it for the CoE, and may not also sign off as the
    # sponsor's delegate.
    initiative = bring_to(org, "awaiting_sponsor")
    today = timezone.localdate()
    sponsors.delegation_create(
        actor=org.sponsor,
        delegate=org.coe_lead,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=3),
        reason="Travelling",
    )
    client = signed_in(org.coe_lead)
    decide(client, [initiative.pk], "sponsor_approve", "")
    page = client.get(OUTCOME).content.decode()
    assert "Refused: you may not decide it" in page
    assert "Separation of duties" in page
    assert state_of(initiative) == "awaiting_sponsor"


def test_a_required_comment_left_empty_is_400_naming_the_field_with_the_selection_kept(
    org: Org,
) -> None:
    first = bring_to(org, "in_review")
    response = decide(signed_in(org.coe_lead), [first.pk], "reject", "  ")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_comment_error"' in page
    assert "A comment is required for this decision." in page
    assert f'value="{first.pk}" id="pick-{first.pk}" checked' in page
    assert state_of(first) == "in_review"


def test_a_rejection_without_confirmation_is_400_naming_the_field(org: Org) -> None:
    first = bring_to(org, "in_review")
    response = decide(signed_in(org.coe_lead), [first.pk], "reject", "No.", confirm=False)
    assert response.status_code == 400
    assert 'id="id_confirm_error"' in response.content.decode()
    assert state_of(first) == "in_review"


def test_no_selection_or_no_decision_is_400_naming_the_field(org: Org) -> None:
    bring_to(org, "in_review")
    client = signed_in(org.coe_lead)
    response = client.post(BULK, {"transition": "approve"})
    assert response.status_code == 400
    assert "Select at least one initiative." in response.content.decode()
    response = client.post(BULK, {"ids": ["1"], "transition": "launch"})
    assert response.status_code == 400
    assert 'id="id_transition_error"' in response.content.decode()


def test_the_page_lists_the_queue_for_the_coe_and_offers_their_decisions(org: Org) -> None:
    bring_to(org, "submitted", title="In the queue")
    page = signed_in(org.coe_member).get(BULK).content.decode()
    assert "In the queue" in page
    assert '<option value="start_review">' in page
    assert "sponsor_approve" not in page


@pytest.mark.parametrize("persona", ["marketing_member", "outsider", "auditor"])
def test_who_decides_nothing_gets_403(org: Org, persona: str) -> None:
    assert signed_in(org.people[persona]).get(BULK).status_code == 403


def test_the_outcome_page_without_a_decision_leads_to_the_queue(org: Org) -> None:
    response = signed_in(org.coe_lead).get(OUTCOME)
    assert response.status_code == 302
    assert response["Location"] == BULK


def test_the_home_panels_lead_to_the_bulk_page(org: Org) -> None:
    bring_to(org, "submitted")
    assert BULK in signed_in(org.coe_member).get("/").content.decode()


def test_the_bulk_page_runs_as_many_queries_for_30_items_as_for_3(org: Org) -> None:
    def grow(count: int) -> None:
        for n in range(count):
            bring_to(org, "submitted", title=f"Waiting {n}")
            bring_to(org, "awaiting_sponsor", title=f"Signing {n}")

    def queries(client: Client) -> int:
        # Measured with the header's counts cached, as for every size: the
        # writes that grow the queue forget them.
        client.get(BULK)
        with CaptureQueriesContext(connection) as context:
            response = client.get(BULK)
        assert response.status_code == 200
        return len(context.captured_queries)

    # The CoE lead of these personas is also given a sponsor's units to sign off.
    sponsors.sponsorship_add(
        actor=org.admin,
        sponsor=sponsors.sponsor_set(
            actor=org.admin, user=org.coe_lead, approval_threshold=Decimal(10)
        ),
        business_unit=org.sales,
    )
    client = signed_in(org.coe_lead)
    grow(3)
    client.get(BULK)  # warm the per-process caches once
    at_3 = queries(client)
    grow(27)
    assert queries(client) == at_3


def test_the_pages_speak_german(org: Org) -> None:
    initiative = bring_to(org, "in_review", title="Frühjahrskampagne")
    client = signed_in(org.coe_lead)
    client.cookies["django_language"] = "de"
    page = client.get(BULK).content.decode()
    assert "Mehrere auf einmal entscheiden" in page
    assert "Ausgewählte entscheiden" in page
    decide(client, [initiative.pk], "reject", "Passt nicht.")
    outcome = client.get(OUTCOME).content.decode()
    assert "Ergebnis der Entscheidungen" in outcome
    assert "Entschieden" in outcome
