"""Fit and finish: the favicon, amounts with their currency, and a form over
the size limit."""

import csv
import os
import subprocess
import sys
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import translation

from governance import money
from initiatives.models import Initiative
from tests.conftest import Org, api_client, bring_to, signed_in


def test_favicon_ico_is_served_instead_of_a_404(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.ico"
    assert finders.find("favicon.ico")
    with open(finders.find("favicon.ico"), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"


def test_every_page_links_the_favicon(org: Org) -> None:
    body = signed_in(org.coe_lead).get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in body


@pytest.mark.parametrize(
    ("language", "shown"), [("en", "€60,000"), ("de", "60.000\xa0€"), ("it", "60.000\xa0€")]
)
def test_amounts_carry_the_currency_in_the_readers_format(language: str, shown: str) -> None:
    with translation.override(language):
        assert money.amount(Decimal("60000")) == shown


def test_the_currency_comes_from_the_setting(settings: Any) -> None:
    settings.CURRENCY = "CHF"
    with translation.override("de"):
        assert money.amount(Decimal("1234.5"), decimals=2) == "1.234,50\xa0CHF"


def test_a_currency_that_is_not_an_iso_code_is_refused() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import governance.settings"],
        env=os.environ | {"DJANGO_CURRENCY": "euro"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "DJANGO_CURRENCY must be a three-letter ISO 4217 code" in result.stderr


def test_initiative_pages_and_home_panels_show_budgets_with_the_currency(org: Org) -> None:
    initiative = bring_to(org, "awaiting_sponsor", budget=Decimal("60000"), risk="high")
    detail = signed_in(org.sponsor).get(f"/initiatives/{initiative.pk}/").content.decode()
    assert "€60,000.00" in detail
    assert "€60,000" in signed_in(org.sponsor).get("/initiatives/").content.decode()
    assert "€60,000" in signed_in(org.sponsor).get("/").content.decode()
    portfolio = signed_in(org.sponsor).get("/portfolio/").content.decode()
    assert '<dd data-figure="committed">€0</dd>' in portfolio
    assert "€60,000" in portfolio
    german = signed_in(org.sponsor).get(
        f"/initiatives/{initiative.pk}/", headers={"accept-language": "de"}
    )
    assert "60.000,00\xa0€" in german.content.decode()


def test_the_budget_field_names_the_currency(org: Org) -> None:
    body = signed_in(org.marketing_member).get("/initiatives/new/").content.decode()
    assert "Budget (EUR)" in body


def test_the_api_and_the_export_give_the_currency(org: Org) -> None:
    initiative = bring_to(org, "approved", budget=Decimal("1500"))
    client = api_client(org.sponsor)
    assert client.get(f"/api/initiatives/{initiative.pk}/").json()["currency"] == "EUR"
    assert client.get("/api/portfolio/").json()["currency"] == "EUR"
    response = client.get("/api/portfolio/export.csv")
    rows = list(csv.reader(b"".join(response.streaming_content).decode().splitlines()))
    header, row = rows[0], rows[1]
    assert header[5:7] == ["budget", "currency"]
    assert row[5:7] == ["1500.00", "EUR"]


def test_the_api_refuses_a_currency_in_the_input(org: Org) -> None:
    response = api_client(org.marketing_member).post(
        "/api/initiatives/",
        {"title": "X", "business_unit": org.marketing.pk, "currency": "USD"},
        format="json",
    )
    assert response.status_code == 400
    assert "currency" in response.json()


def oversized_post(client: Client, path: str, text: str, **extra: Any) -> Any:
    # Sent as a browser sends a form without files.
    body = urlencode({"title": "Kept", "summary": text})
    return client.post(path, body, content_type="application/x-www-form-urlencoded", **extra)


def test_a_page_form_over_the_limit_gets_a_page_with_the_typed_text(
    org: Org, settings: Any
) -> None:
    settings.MAX_REQUEST_BYTES = 2000
    text = "Our plan <b>in detail</b>. " * 100
    response = oversized_post(
        signed_in(org.marketing_member),
        "/initiatives/new/",
        text,
        headers={"referer": "http://testserver/initiatives/new/"},
    )
    body = response.content.decode()
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert "Nothing was saved: the form was larger than the limit of 2.0\xa0KB." in body
    assert ">Kept</textarea>" in body
    assert "Our plan &lt;b&gt;in detail&lt;/b&gt;." in body
    assert 'href="http://testserver/initiatives/new/"' in body
    assert not Initiative.objects.filter(title="Kept").exists()


def test_the_too_large_page_reads_in_the_readers_language(org: Org, settings: Any) -> None:
    settings.MAX_REQUEST_BYTES = 2000
    response = oversized_post(
        Client(), "/initiatives/new/", "x" * 3000, headers={"accept-language": "it"}
    )
    assert "Troppo grande per essere salvato" in response.content.decode()


def test_a_back_link_to_another_site_is_not_offered(org: Org, settings: Any) -> None:
    settings.MAX_REQUEST_BYTES = 2000
    response = oversized_post(
        Client(), "/initiatives/new/", "x" * 3000, headers={"referer": "https://evil.example/"}
    )
    assert 'href="https://evil.example/"' not in response.content.decode()


def test_an_api_request_over_the_limit_stays_json(org: Org, settings: Any) -> None:
    settings.MAX_REQUEST_BYTES = 2000
    response = api_client(org.marketing_member).post(
        "/api/initiatives/", {"title": "x" * 3000}, format="json"
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body exceeds 2000 bytes."}


def test_every_page_tells_its_forms_the_limit(org: Org, settings: Any) -> None:
    settings.MAX_REQUEST_BYTES = 2000
    body = signed_in(org.marketing_member).get("/initiatives/new/").content.decode()
    assert '<meta name="max-request-bytes" content="2000">' in body
    assert '<script src="/static/js/form-limit.js" defer></script>' in body
