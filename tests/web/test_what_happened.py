"""Pages that say what happened: the decisions timeline names the states an
initiative left and reached and for whom a delegate decided; the message after
a decision says where the initiative went, in the reader's language."""

import datetime

from django.urls import reverse
from django.utils import timezone

from initiatives.models import State
from initiatives.outcomes import INITIATIVE_OUTCOMES
from sponsors import services as sponsor_services
from tests.conftest import Org, bring_to, signed_in


def detail_url(pk: int) -> str:
    return reverse("initiatives:detail", args=[pk])


def transition_url(pk: int, name: str) -> str:
    return reverse("initiatives:transition", args=[pk, name])


def test_timeline_shows_the_states_each_decision_left_and_reached(org: Org) -> None:
    initiative = bring_to(org, "changes_requested")
    body = signed_in(org.auditor).get(detail_url(initiative.pk)).content.decode()
    timeline = body[body.index('<ol class="timeline">') :]
    assert 'Draft <span aria-hidden="true">→</span>' in timeline
    assert "</span> Submitted</div>" in timeline
    assert "</span> In review</div>" in timeline
    assert "</span> Changes requested</div>" in timeline


def test_timeline_shows_the_states_in_the_readers_language(org: Org) -> None:
    initiative = bring_to(org, "in_review")
    client = signed_in(org.auditor)
    body = client.get(detail_url(initiative.pk), headers={"accept-language": "de"}).content
    timeline = body.decode()[body.decode().index('<ol class="timeline">') :]
    assert "Entwurf" in timeline
    assert "In Prüfung" in timeline


def test_timeline_shows_a_delegated_decision_on_behalf_of_the_sponsor(org: Org) -> None:
    today = timezone.localdate()
    sponsor_services.delegation_create(
        actor=org.sponsor,
        delegate=org.outsider,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=3),
        reason="Travelling",
    )
    initiative = bring_to(org, "awaiting_sponsor", risk="high")
    delegate = signed_in(org.outsider)

    response = delegate.post(transition_url(initiative.pk, "sponsor_approve"), follow=True)

    body = response.content.decode()
    assert "Approved; now ready to launch." in body
    assert "outsider on behalf of sponsor" in body


def test_message_after_coe_approval_says_it_now_awaits_the_sponsor(org: Org) -> None:
    initiative = bring_to(org, "in_review", risk="high")
    response = signed_in(org.coe_lead).post(transition_url(initiative.pk, "approve"), follow=True)
    body = response.content.decode()
    assert "Approved by the CoE; now awaits the sponsor." in body
    assert "Approved; now ready to launch." not in body


def test_message_after_a_decision_reads_in_the_readers_language(org: Org) -> None:
    initiative = bring_to(org, "in_review", risk="high")
    response = signed_in(org.coe_lead).post(
        transition_url(initiative.pk, "approve"), follow=True, headers={"accept-language": "it"}
    )
    assert "Approvata dal CoE; ora attende lo sponsor." in response.content.decode()


def test_every_state_a_transition_reaches_has_a_message() -> None:
    assert set(INITIATIVE_OUTCOMES) == set(State.values) - {State.DRAFT}
