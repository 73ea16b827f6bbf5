"""Fit and finish: the favicon, amounts with their currency, and a form over
the size limit."""

from django.contrib.staticfiles import finders
from django.test import Client

from tests.conftest import Org, signed_in


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
