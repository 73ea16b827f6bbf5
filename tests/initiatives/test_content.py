"""An initiative's editable content is defined once: the model lists the fields
and holds the rules; the page's form, the API and amendments apply them."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from initiatives.api import AmendmentChangesSerializer, InitiativeSerializer
from initiatives.forms import InitiativeForm
from initiatives.models import AMENDABLE_FIELDS, EDITABLE_FIELDS, Initiative
from initiatives.services import CONTENT_FIELDS
from tests.conftest import Org, api_client, bring_to


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_api_and_the_services_take_every_editable_field() -> None:
    writable = {
        name for name, field in InitiativeSerializer().fields.items() if not field.read_only
    }
    assert writable == set(EDITABLE_FIELDS) | {"business_unit"}
    assert set(CONTENT_FIELDS) | {"goals"} == set(EDITABLE_FIELDS)


def test_the_form_takes_the_editable_fields_but_the_score_inputs() -> None:
    assert set(InitiativeForm().fields) == set(EDITABLE_FIELDS) - {"expected_impact", "effort"}


def test_amendments_change_only_amendable_fields() -> None:
    assert set(AmendmentChangesSerializer().fields) == set(AMENDABLE_FIELDS)


@pytest.mark.parametrize(
    ("field", "values", "message"),
    [
        ("end_date", {"start_date": "2027-02-01", "end_date": "2027-01-31"}, "Enddatum"),
        ("audiences", {"audiences": ["aliens"]}, "Unbekannte(r) Wert(e): aliens."),
        ("functions", {"functions": "marketing"}, "Erwartet wird eine Liste."),
        ("channels", {"channels": [""]}, "Ein Kanalname darf nicht leer sein."),
        ("channels", {"channels": ["x" * 61]}, "Jeder Kanalname hat höchstens 60 Zeichen."),
        ("channels", {"channels": [str(n) for n in range(31)]}, "Höchstens 30 Kanäle."),
    ],
)
def test_the_model_names_the_field_in_the_users_language(
    field: str, values: dict[str, Any], message: str
) -> None:
    initiative = Initiative(title="Webinars", **values)
    with translation.override("de"), pytest.raises(ValidationError) as caught:
        initiative.clean()
    assert message in " ".join(caught.value.message_dict[field])


def test_the_model_drops_repeated_values() -> None:
    initiative = Initiative(
        audiences=["customers", "customers"], functions=["hr", "hr"], channels=["X", "X", "Y"]
    )
    initiative.clean()
    assert (initiative.audiences, initiative.functions, initiative.channels) == (
        ["customers"],
        ["hr"],
        ["X", "Y"],
    )


def test_the_api_answers_in_the_callers_language_naming_the_field(org: Org) -> None:
    initiative = bring_to(org, "draft", start_date="2027-03-01")
    response = api_client(org.marketing_member).patch(
        f"/api/initiatives/{initiative.pk}/",
        {"end_date": "2027-02-01"},
        format="json",
        headers={"Accept-Language": "it"},
    )
    assert response.status_code == 400
    assert response.json()["end_date"] == ["La data di fine precede la data di inizio."]


def test_the_form_shows_a_channel_error_at_the_field(org: Org) -> None:
    initiative = bring_to(org, "draft")
    response = signed_in(org.marketing_member).post(
        f"/initiatives/{initiative.pk}/edit/",
        {"title": "Webinars", "budget": "1", "risk": "low", "channels": "x" * 61},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert (
        '<p class="field-error" id="id_channels_error">'
        "Each channel name has at most 60 characters.</p>" in body
    )
    initiative.refresh_from_db()
    assert initiative.title != "Webinars"


def test_a_failed_edit_leaves_the_page_showing_the_stored_title(org: Org) -> None:
    initiative = bring_to(org, "draft", title="Stored title")
    response = signed_in(org.marketing_member).post(
        f"/initiatives/{initiative.pk}/edit/",
        {"title": "Typed title", "budget": "-1", "risk": "low"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'href="/initiatives/{initiative.pk}/">Stored title</a>' in body


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("audiences", {"audiences": ["aliens"]}),
        ("channels", {"channels": ["x" * 61]}),
        ("end_date", {"start_date": "2027-02-01", "end_date": "2027-01-31"}),
        ("budget", {"budget": "-1"}),
        ("summary", {"summary": ""}),
        ("functions", {"functions": ["hr"]}),
    ],
)
def test_an_amendment_is_held_to_the_same_rules(
    org: Org, field: str, changes: dict[str, Any]
) -> None:
    initiative = bring_to(org, "active")
    response = api_client(org.marketing_lead).post(
        f"/api/initiatives/{initiative.pk}/amendments/",
        {"changes": changes, "reason": "The campaign grew."},
        format="json",
    )
    assert response.status_code == 400
    assert field in response.json()["changes"]
    assert not initiative.amendments.exists()
