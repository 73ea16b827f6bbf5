"""The committees' pages, the inbox task, and query counts
that do not grow with the agenda."""

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from committees.models import Case
from inbox import selectors as inbox_selectors
from tests.committees.conftest import Setup, amendment_to_committee, build, to_committee
from tests.conftest import Org, signed_in


def test_a_member_votes_on_the_page(setup: Setup) -> None:
    client = signed_in(setup.org.sales_lead)
    page = client.get(f"/committees/votes/{setup.case.pk}/")
    assert page.status_code == 200
    assert b"Cast my vote" in page.content
    response = client.post(
        f"/committees/votes/{setup.case.pk}/vote/", {"choice": "approve", "comment": "ok"}
    )
    assert response.status_code == 302
    assert setup.case.votes.get().voter == setup.org.sales_lead


def test_a_recused_member_is_told_and_refused(setup: Setup) -> None:
    client = signed_in(setup.org.marketing_lead)
    page = client.get(f"/committees/votes/{setup.case.pk}/")
    assert b"Cast my vote" not in page.content
    assert b"You are recused" in page.content
    response = client.post(f"/committees/votes/{setup.case.pk}/vote/", {"choice": "approve"})
    assert response.status_code == 403


def test_outsider_gets_404(setup: Setup) -> None:
    client = signed_in(setup.org.outsider)
    assert client.get(f"/committees/votes/{setup.case.pk}/").status_code == 404
    assert (
        client.post(f"/committees/votes/{setup.case.pk}/vote/", {"choice": "approve"}).status_code
        == 404
    )


def test_the_agenda_exports_csv(setup: Setup) -> None:
    response = signed_in(setup.org.sales_lead).get(f"/committees/{setup.committee.pk}/agenda.csv")
    body = b"".join(response.streaming_content).decode()
    assert "Spring campaign" in body
    assert body.splitlines()[0].startswith("Initiative,")


def test_the_chair_closes_on_the_page(setup: Setup) -> None:
    o = setup.org
    signed_in(o.sales_lead).post(f"/committees/votes/{setup.case.pk}/vote/", {"choice": "approve"})
    signed_in(o.sales_sponsor).post(
        f"/committees/votes/{setup.case.pk}/vote/", {"choice": "abstain"}
    )
    response = signed_in(o.sales_sponsor).post(f"/committees/votes/{setup.case.pk}/close/", {})
    assert response.status_code == 302
    assert Case.objects.get(pk=setup.case.pk).state == "approved"


def test_the_vote_is_a_task_of_members_who_may_vote(setup: Setup) -> None:
    def kinds(user: Any) -> list[str]:
        return [t["kind"] for t in inbox_selectors.tasks(user=user)]

    assert "committee.vote" in kinds(setup.org.sales_lead)
    assert "committee.vote" not in kinds(setup.org.marketing_lead)
    signed_in(setup.org.sales_lead).post(
        f"/committees/votes/{setup.case.pk}/vote/", {"choice": "abstain"}
    )
    assert "committee.vote" not in kinds(setup.org.sales_lead)


def test_the_initiative_page_shows_its_chain(setup: Setup) -> None:
    page = signed_in(setup.org.sales_lead).get(f"/initiatives/{setup.initiative.pk}/")
    assert page.status_code == 200
    assert b"approval-chain" in page.content
    assert b"Steering committee" in page.content


def _agenda_queries(user: Any, pk: int) -> int:
    client = signed_in(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/committees/{pk}/").status_code == 200
    return len(queries)


def test_agenda_queries_do_not_grow_with_its_rows(org: Org) -> None:
    setup = build(org)
    _agenda_queries(org.sales_lead, setup.committee.pk)  # warms the per-process content types
    one = _agenda_queries(org.sales_lead, setup.committee.pk)
    for _n in range(12):
        to_committee(org, setup.committee)
    assert Case.objects.filter(state="open").count() == 13
    assert _agenda_queries(org.sales_lead, setup.committee.pk) == one


def test_a_vote_on_an_amendment_shows_what_it_would_change(org: Org) -> None:
    """A member from another unit decides on the amendment from the case page:
    it says the vote is on an amendment, why, and each change against the
    approved version."""
    case = amendment_to_committee(org, {"risk": "high"}, "Influencers join the campaign.")

    page = signed_in(org.sales_lead).get(f"/committees/votes/{case.pk}/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="case-amendment"' in html
    assert "The vote decides an amendment" in html
    assert "Influencers join the campaign." in html
    row = html[html.index('<th scope="row">Risk</th>') :]
    assert row.index("<del>Low</del>") < row.index("<ins>High</ins>") < row.index("</tr>")
    assert "Cast my vote" in html


def test_a_vote_on_an_initiative_shows_no_amendment(setup: Setup) -> None:
    page = signed_in(setup.org.sales_lead).get(f"/committees/votes/{setup.case.pk}/")
    assert page.status_code == 200
    assert b'id="case-amendment"' not in page.content
