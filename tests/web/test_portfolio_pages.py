"""The portfolio page: the figures the API answers with, for the units each
role oversees; charts drawn on the server; the CSV export; numbers in the
reader's format; a constant number of queries however large the portfolio."""

import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from initiatives import services as initiatives_services
from initiatives.models import Decision, Initiative
from tests.conftest import Org, bring_to, signed_in
from tests.sponsors.test_portfolio import _bulk_portfolio, known_portfolio


@pytest.fixture
def known(org: Org) -> dict[str, Initiative]:
    return known_portfolio(org)


def figure(body: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">([^<]*)<', body)
    assert match, name
    return match.group(1)


def state_count(body: str, state: str) -> int:
    match = re.search(rf'data-state="{state}">.*?<strong>(\d+)</strong>', body)
    assert match, state
    return int(match.group(1))


def test_the_page_requires_sign_in(org: Org, client: Client) -> None:
    response = client.get("/portfolio/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize(
    ("persona", "units"),
    [
        ("coe_lead", ["Marketing", "Sales"]),
        ("auditor", ["Marketing", "Sales"]),
        ("sponsor", ["Marketing"]),
        ("sales_sponsor", ["Sales"]),
        ("marketing_member", ["Marketing"]),
        ("sales_lead", ["Sales"]),
    ],
)
def test_each_role_sees_the_units_of_its_portfolio(org: Org, persona: str, units: list) -> None:
    body = signed_in(org.people[persona]).get("/portfolio/").content.decode()
    chart = body.split('id="chart-units-desc">')[1].split("</desc>")[0]
    assert [part.split(":")[0] for part in chart.split("; ")] == units


def test_an_outsider_has_an_empty_portfolio_and_no_navigation_entry(org: Org) -> None:
    body = signed_in(org.outsider).get("/portfolio/").content.decode()
    assert "Your portfolio is empty" in body
    assert 'href="/portfolio/"' not in body
    assert 'href="/portfolio/"' in signed_in(org.sponsor).get("/").content.decode()


def test_a_unit_outside_the_portfolio_is_404(org: Org) -> None:
    client = signed_in(org.sponsor)
    assert client.get(f"/portfolio/?business_unit={org.sales.pk}").status_code == 404
    assert client.get("/portfolio/?business_unit=abc").status_code == 404
    assert client.get(f"/portfolio/?business_unit={org.marketing.pk}").status_code == 200
    coe = signed_in(org.coe_lead)
    assert coe.get(f"/portfolio/?business_unit={org.sales.pk}").status_code == 200


def test_the_page_shows_the_exact_totals_of_a_known_portfolio(org: Org, known: dict) -> None:
    body = signed_in(org.coe_lead).get("/portfolio/").content.decode()
    assert figure(body, "initiatives") == "7"
    assert figure(body, "committed") == "€10,000"
    assert figure(body, "aligned") == "€3,000"
    assert figure(body, "aligned-share") == "30.0%"
    counts = {"approved": 1, "active": 2, "paused": 1, "draft": 1, "rejected": 1}
    for state, count in (counts | {"awaiting_sponsor": 1, "submitted": 0}).items():
        assert state_count(body, state) == count
    without_goal = body.split('id="without-goal"')[1].split("</section>")[0]
    assert f'href="/initiatives/{known["paused"].pk}/"' in without_goal
    assert f'href="/initiatives/{known["active"].pk}/"' not in without_goal


def test_the_charts_are_inline_svg_with_the_figures(org: Org, known: dict) -> None:
    body = signed_in(org.coe_lead).get("/portfolio/").content.decode()
    assert "<script" not in body.split("<main")[1]
    units = re.search(r'<svg class="chart" role="img".*?</svg>', body, re.S).group(0)
    assert '<title id="chart-units-title">Committed budget by business unit</title>' in units
    assert '<desc id="chart-units-desc">Marketing: €6,000; Sales: €4,000</desc>' in units
    # The largest bar fills the chart; the others are in proportion.
    assert re.findall(r'class="chart-bar" x="0" y="\d+" width="([\d.]+)%"', units) == [
        "100.00",
        "66.67",
    ]
    goals = body.split('id="chart-goals-desc">')[1].split("</desc>")[0]
    assert goals == (
        "Retired goal (inactive): €4,000; Grow brand awareness: €3,000; Serve customers: €2,000"
    )


def test_the_sponsor_sees_what_awaits_their_decision_with_score_and_rank(
    org: Org, known: dict
) -> None:
    body = signed_in(org.sponsor).get("/portfolio/").content.decode()
    assert figure(body, "committed") == "€6,000"
    assert figure(body, "aligned-share") == "50.0%"
    awaiting = body.split('id="awaiting"')[1].split("</section>")[0]
    assert f'href="/initiatives/{known["awaiting"].pk}/"' in awaiting
    assert re.search(r'data-label="Priority rank">1</td>', awaiting)
    assert re.search(r'data-label="Score">\d+\.\d</td>', awaiting)


def test_narrowing_to_one_unit_shows_its_figures_only(org: Org, known: dict) -> None:
    body = signed_in(org.coe_lead).get(f"/portfolio/?business_unit={org.sales.pk}")
    text = body.content.decode()
    assert figure(text, "committed") == "€4,000"
    assert f'href="/api/portfolio/export.csv?business_unit={org.sales.pk}"' in text


def test_htmx_narrowing_returns_only_the_portfolio(org: Org, known: dict) -> None:
    response = signed_in(org.coe_lead).get(
        f"/portfolio/?business_unit={org.sales.pk}",
        headers={"HX-Request": "true", "HX-Target": "portfolio"},
    )
    body = response.content.decode()
    assert "<html" not in body
    assert figure(body, "committed") == "€4,000"


def test_overdue_items_show_their_waiting_days(org: Org) -> None:
    import datetime

    late = bring_to(org, "submitted", title="Long waiting")
    today = datetime.date.today()
    monday = today - datetime.timedelta(days=today.weekday() + 14)
    at = datetime.datetime.combine(monday, datetime.time(12), tzinfo=datetime.UTC)
    Decision.objects.filter(initiative=late, transition="submit").update(at=at)
    initiatives_services.initiative_waits_refresh()
    bring_to(org, "submitted", title="Fresh")
    body = signed_in(org.sponsor).get("/portfolio/").content.decode()
    overdue = body.split('id="overdue"')[1].split("</section>")[0]
    assert "Long waiting" in overdue
    assert "Fresh" not in overdue
    days = re.search(r'data-label="Business days waiting">(\d+)</td>', overdue).group(1)
    assert int(days) >= 10


def test_the_csv_link_works_with_the_session(org: Org, known: dict) -> None:
    client = signed_in(org.sponsor)
    body = client.get("/portfolio/").content.decode()
    link = re.search(r'href="(/api/portfolio/export\.csv[^"]*)"', body).group(1)
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode().strip().splitlines()
    marketing = [i for k, i in known.items() if not k.startswith("sales")]
    assert sorted(int(line.split(",")[0]) for line in lines[1:]) == sorted(i.pk for i in marketing)


def test_numbers_are_in_the_readers_format(org: Org, known: dict) -> None:
    client = signed_in(org.coe_lead)
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    body = client.get("/portfolio/").content.decode()
    assert figure(body, "committed") == "10.000\xa0€"
    assert figure(body, "aligned-share") == "30,0 %"
    assert "Marketing: 6.000\xa0€; Sales: 4.000\xa0€" in body
    # The drawing's geometry is never localized.
    assert 'width="66.67%"' in body
    client.post("/i18n/setlang/", {"language": "it", "next": "/"})
    body = client.get("/portfolio/").content.decode()
    assert figure(body, "committed") == "10.000\xa0€"
    assert figure(body, "aligned-share") == "30,0%"


def test_the_sponsor_home_panel_links_to_the_portfolio(org: Org) -> None:
    body = signed_in(org.sponsor).get("/").content.decode()
    panel = body.split('id="panel-awaiting_signoff"')[1]
    assert 'href="/portfolio/"' in panel


def test_the_portfolio_page_runs_a_constant_number_of_queries(org: Org) -> None:
    def measure(user: Any, count: int, path: str = "/portfolio/") -> int:
        Decision.objects.all().delete()
        Initiative.objects.all().delete()
        _bulk_portfolio(org, count)
        client = signed_in(user)
        client.get(path)  # warm the per-process caches (content types) once
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200
        return len(queries)

    counts = {}
    for persona in ("sponsor", "coe_lead"):
        user = org.people[persona]
        counts[persona] = (measure(user, 10), measure(user, 300))
    narrowed = f"/portfolio/?business_unit={org.marketing.pk}"
    counts["narrowed"] = (measure(org.sponsor, 10, narrowed), measure(org.sponsor, 300, narrowed))
    counts["list by score"] = (
        measure(org.coe_lead, 10, "/initiatives/?sort=score"),
        measure(org.coe_lead, 300, "/initiatives/?sort=score"),
    )
    print(f"queries at 10 and 300 initiatives: {counts}")
    for small, large in counts.values():
        assert small == large


def test_a_chart_shortens_long_labels_but_describes_them_whole() -> None:
    from sponsors.charts import bar_chart

    title = "Become the most recommended employer in the region"
    chart = bar_chart("c", "Budget", [(title, Decimal(0), False), ("Other", Decimal(0), True)])
    assert chart.bars[0].short_label.endswith("…")
    assert len(chart.bars[0].short_label) <= 26
    assert chart.description == f"{title}: €0; Other: €0"
    # Nothing committed: no bar has a length, and nothing divides by zero.
    assert [bar.width for bar in chart.bars] == ["0.00", "0.00"]
