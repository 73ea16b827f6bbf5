"""The scoring weights page: everyone signed in reads the weights, as the API
answers them; the CoE lead changes them through the audited service, with a
message at each field that is wrong."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from governance.models import AuditEvent
from initiatives import scoring
from tests.conftest import Org, signed_in

SCORING = reverse("sponsors:scoring")
VALID = {"alignment": "3", "impact": "2", "cost": "1", "risk": "1", "effort": "0.5"}


def test_signing_in_is_required(org: Org, client: Client) -> None:
    response = client.get(SCORING)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("persona", ["marketing_member", "coe_member", "auditor", "outsider"])
def test_others_read_the_weights_without_a_form(org: Org, persona: str) -> None:
    page = signed_in(org.people[persona]).get(SCORING).content.decode()
    assert "Strategic alignment" in page
    assert "Only the CoE lead changes the weights." in page
    assert '<form class="card form"' not in page


@pytest.mark.parametrize("persona", ["marketing_lead", "coe_member", "sponsor"])
def test_only_the_coe_lead_may_change_them(org: Org, persona: str) -> None:
    before = scoring.weights()
    response = signed_in(org.people[persona]).post(SCORING, VALID)
    assert response.status_code == 403
    assert scoring.weights() == before
    assert not AuditEvent.objects.filter(event="scoring.weights_changed").exists()


def test_the_coe_lead_changes_the_weights_and_the_change_is_audited(org: Org) -> None:
    client = signed_in(org.coe_lead)
    page = client.get(SCORING).content.decode()
    assert 'name="alignment"' in page
    response = client.post(SCORING, VALID, follow=True)
    assert response.redirect_chain[-1][0] == SCORING
    assert "The scoring weights were saved." in response.content.decode()
    assert scoring.weights()["effort"] == Decimal("0.50")
    event = AuditEvent.objects.get(event="scoring.weights_changed")
    assert event.actor == org.coe_lead
    # Each criterion's share of the sum (3 + 2 + 1 + 1 + 0.5 = 7.5): 40 % for alignment.
    assert "40.0%" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("risk", "-1", "greater than or equal to 0"),
        ("impact", "abc", "Enter a number."),
        ("cost", "", "This field is required."),
        ("effort", "1000", "no more than 3 digits before the decimal point"),
    ],
)
def test_a_bad_weight_is_400_with_the_message_at_its_field(
    org: Org, field: str, value: str, message: str
) -> None:
    before = scoring.weights()
    response = signed_in(org.coe_lead).post(SCORING, VALID | {field: value})
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    assert message in page
    assert scoring.weights() == before
