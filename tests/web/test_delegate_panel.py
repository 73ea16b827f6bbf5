"""The home page's sign-off panel for a delegate: the items they sign off on
behalf of a sponsor, each naming that sponsor, a page at most with "see all",
in the same number of queries for 10 initiatives as for 1,000."""

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from sponsors import services as sponsor_services
from tests.conftest import Org, bring_to, signed_in
from tests.web.test_query_budgets import grow, queries_for

SEE_ALL = "/initiatives/?attention=awaiting&amp;state=awaiting_sponsor&amp;sort=waiting"


def delegate_to(org: Org, start: int = 0, end: int = 5) -> None:
    today = timezone.localdate()
    sponsor_services.delegation_create(
        actor=org.sponsor,
        delegate=org.outsider,
        starts_on=today + datetime.timedelta(days=start),
        ends_on=today + datetime.timedelta(days=end),
        reason="Travelling",
    )


def panel(body: str) -> str:
    assert 'id="panel-awaiting_signoff"' in body
    return body.split('id="panel-awaiting_signoff"')[1].split("</section>")[0]


def test_delegate_sees_the_items_they_sign_off_on_behalf_of_the_sponsor(org: Org) -> None:
    initiative = bring_to(org, "awaiting_sponsor", title="Spring campaign")
    delegate_to(org)
    shown = panel(signed_in(org.outsider).get("/").content.decode())
    assert f'href="/initiatives/{initiative.pk}/"' in shown
    assert f"on behalf of {org.sponsor.username}" in shown
    # The portfolio is the sponsor's; the delegate only signs off.
    assert 'href="/portfolio/"' not in shown


def test_sponsor_signs_off_in_their_own_right(org: Org) -> None:
    bring_to(org, "awaiting_sponsor", title="Spring campaign")
    delegate_to(org)
    shown = panel(signed_in(org.sponsor).get("/").content.decode())
    assert "Spring campaign" in shown
    assert "on behalf of" not in shown
    assert 'href="/portfolio/"' in shown


def test_delegate_sees_no_panel_before_the_delegation_starts(org: Org) -> None:
    bring_to(org, "awaiting_sponsor", title="Spring campaign")
    delegate_to(org, start=2, end=5)
    body = signed_in(org.outsider).get("/").content.decode()
    assert 'id="panel-awaiting_signoff"' not in body


def test_delegate_sees_a_page_and_a_link_to_the_rest(org: Org) -> None:
    delegate_to(org)
    grow(org, 200)
    client = signed_in(org.outsider)
    shown = panel(client.get("/").content.decode())
    assert shown.count("on behalf of") == 10
    assert SEE_ALL in shown
    listed = client.get(SEE_ALL.replace("&amp;", "&")).content.decode()
    assert "Initiative 0003" in listed


def test_delegate_panel_reads_as_many_queries_for_1000_initiatives_as_for_10(org: Org) -> None:
    delegate_to(org)
    client = signed_in(org.outsider)
    grow(org, 10)
    client.get("/")  # warm the per-process caches (content types) once
    at_10 = queries_for(client, "/")
    grow(org, 990)
    assert queries_for(client, "/") == at_10


def test_the_demo_delegate_finds_the_cmos_sign_offs_on_the_home_page(
    db: None, settings: Any
) -> None:
    settings.DEBUG = True  # the demo is seeded in development
    call_command("seed_demo", verbosity=0)
    comms_lead = get_user_model().objects.get(username="comms_lead")
    shown = panel(signed_in(comms_lead).get("/").content.decode())
    assert "on behalf of cmo" in shown
