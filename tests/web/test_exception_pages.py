"""The exception pages: asking for an exception, the list (by state, paged, as
the API shows it), and deciding with a comment, with separation of duties
shown as a message."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance import services as org_services
from governance.models import AuditEvent, Membership
from initiatives.models import Initiative
from policies import services
from policies.models import ExceptionState, Policy, PolicyException
from tests.conftest import Org, propose, signed_in
from tests.policies.conftest import policy_in


def later(days: int = 30) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def requested(
    org: Org, *, by: str = "marketing_member", initiative: Initiative | None = None
) -> PolicyException:
    policy = Policy.objects.filter(state="published").first() or policy_in(org, "published")
    return services.exception_request(
        actor=org.people[by],
        initiative=initiative or propose(org),
        policy=policy,
        reason="Pilot on a new channel",
        expires_on=later(),
    )


def detail(exception: PolicyException) -> str:
    return reverse("policies:exception-detail", args=[exception.pk])


def decide(exception: PolicyException, name: str) -> str:
    return reverse("policies:exception-transition", args=[exception.pk, name])


def page_of(response: Any) -> str:
    assert response.status_code == 200
    return str(response.content.decode())


# Asking


def test_the_owner_asks_for_an_exception_from_the_policy_page(org: Org) -> None:
    policy = policy_in(org, "published")
    initiative = propose(org)
    client = signed_in(org.marketing_member)
    policy_page = page_of(client.get(reverse("policies:detail", args=[policy.pk])))
    link = reverse("policies:exception-create") + f"?policy={policy.pk}"
    assert link in policy_page
    form = page_of(client.get(link))
    assert f'<option value="{policy.pk}" selected>' in form
    response = client.post(
        reverse("policies:exception-create"),
        {
            "initiative": initiative.pk,
            "policy": policy.pk,
            "reason": "Pilot on a new channel",
            "expires_on": later().isoformat(),
        },
    )
    exception = PolicyException.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(exception)
    assert (exception.requested_by, exception.state) == (org.marketing_member, "requested")
    assert AuditEvent.objects.filter(event="exception.requested").count() == 1


def test_a_past_expiry_and_an_empty_reason_name_their_fields(org: Org) -> None:
    policy = policy_in(org, "published")
    initiative = propose(org)
    body = page_of(
        signed_in(org.marketing_member).post(
            reverse("policies:exception-create"),
            {
                "initiative": initiative.pk,
                "policy": policy.pk,
                "reason": "   ",
                "expires_on": timezone.localdate().isoformat(),
            },
        )
    )
    assert 'id="id_reason_error">This field is required.' in body
    assert not PolicyException.objects.exists()
    body = page_of(
        signed_in(org.marketing_member).post(
            reverse("policies:exception-create"),
            {
                "initiative": initiative.pk,
                "policy": policy.pk,
                "reason": "why",
                "expires_on": timezone.localdate().isoformat(),
            },
        )
    )
    assert 'id="id_expires_on_error">The expiry date must be in the future.' in body


def test_a_policy_not_in_force_for_the_unit_is_refused_at_the_field(org: Org) -> None:
    sales_policy = policy_in(org, "published", units=[org.sales])
    bring = policy_in(org, "published", title="For everyone")
    initiative = propose(org)
    client = signed_in(org.marketing_lead)
    form = page_of(client.get(reverse("policies:exception-create")))
    # The lead sees only policies that apply to them.
    assert ">For everyone</option>" in form
    assert ">Brand voice</option>" not in form
    body = page_of(
        client.post(
            reverse("policies:exception-create"),
            {
                "initiative": initiative.pk,
                "policy": sales_policy.pk,
                "reason": "why",
                "expires_on": later().isoformat(),
            },
        )
    )
    assert 'id="id_policy_error">' in body
    assert bring.pk != sales_policy.pk
    assert not PolicyException.objects.exists()


def test_an_initiative_of_another_unit_cannot_be_chosen(org: Org) -> None:
    policy = policy_in(org, "published")
    propose(org)
    sales_initiative = propose(org, by="sales_member", unit=org.sales)
    body = page_of(
        signed_in(org.marketing_lead).post(
            reverse("policies:exception-create"),
            {
                "initiative": sales_initiative.pk,
                "policy": policy.pk,
                "reason": "why",
                "expires_on": later().isoformat(),
            },
        )
    )
    assert 'id="id_initiative_error">' in body
    assert not PolicyException.objects.exists()


@pytest.mark.parametrize("persona", ["coe_lead", "auditor", "sponsor", "outsider"])
def test_who_owns_no_initiative_and_leads_no_unit_may_not_ask(org: Org, persona: str) -> None:
    policy_in(org, "published")
    propose(org)
    assert (
        signed_in(org.people[persona]).get(reverse("policies:exception-create")).status_code == 403
    )


# The list


def test_the_list_shows_what_the_user_may_see_filtered_by_state(org: Org) -> None:
    first = requested(org)
    second = requested(org)
    services.exception_transition(
        actor=org.coe_lead, exception=second, name="approve", comment="Fine"
    )
    sales = requested(
        org, by="sales_member", initiative=propose(org, by="sales_member", unit=org.sales)
    )
    mine = page_of(signed_in(org.marketing_member).get(reverse("policies:exception-list")))
    assert detail(first) in mine
    assert detail(second) in mine
    assert detail(sales) not in mine
    assert "Approved, active" in mine
    coe = signed_in(org.coe_lead)
    awaiting = page_of(coe.get(reverse("policies:exception-list"), {"state": "requested"}))
    assert detail(first) in awaiting
    assert detail(sales) in awaiting
    assert detail(second) not in awaiting
    assert "Awaiting decision" in awaiting
    assert "No exception matches." in page_of(
        signed_in(org.outsider).get(reverse("policies:exception-list"))
    )


def test_the_list_is_paged(org: Org) -> None:
    initiative = propose(org)
    for _n in range(27):
        requested(org, initiative=initiative)
    client = signed_in(org.coe_lead)
    assert "Page 1 of 2" in page_of(client.get(reverse("policies:exception-list")))
    second = page_of(client.get(reverse("policies:exception-list"), {"page": "2"}))
    assert second.count('data-label="Policy"><a href=') == 2


def _grow(org: Org, count: int) -> None:
    policy = Policy.objects.get(state="published")
    initiative = Initiative.objects.first()
    PolicyException.objects.bulk_create(
        PolicyException(
            initiative=initiative,
            policy=policy,
            reason="r",
            expires_on=later(),
            requested_by=org.marketing_member,
            state=ExceptionState.APPROVED if n % 2 else ExceptionState.REQUESTED,
            decided_by=org.coe_lead if n % 2 else None,
        )
        for n in range(count)
    )


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return len(context.captured_queries)


def test_the_list_runs_the_same_queries_for_10_and_1000_exceptions(org: Org) -> None:
    policy_in(org, "published")
    propose(org)
    paths = [
        reverse("policies:exception-list"),
        reverse("policies:exception-list") + "?state=approved&page=2",
    ]
    clients = [signed_in(org.coe_lead), signed_in(org.marketing_member)]
    _grow(org, 10)
    for client in clients:
        client.get(paths[0])  # warm per-process caches
    at_10 = [_queries(c, p) for c in clients for p in paths]
    _grow(org, 990)
    at_1000 = [_queries(c, p) for c in clients for p in paths]
    assert at_10 == at_1000


# Deciding


def test_the_coe_lead_approves_with_a_comment(org: Org) -> None:
    exception = requested(org)
    client = signed_in(org.coe_lead)
    body = page_of(client.get(detail(exception)))
    assert ">Approve exception</button>" in body
    assert ">Reject exception</button>" in body
    body = page_of(client.post(decide(exception, "approve"), {"comment": ""}, follow=True))
    assert "Approve exception: A comment is required for this decision." in body
    exception.refresh_from_db()
    assert exception.state == "requested"
    body = page_of(client.post(decide(exception, "approve"), {"comment": "Fine"}, follow=True))
    assert "Exception approved" in body
    assert "Approved, active" in body
    assert ">Approve exception</button>" not in body
    exception.refresh_from_db()
    assert (exception.state, exception.decided_by, exception.decision_comment) == (
        "approved",
        org.coe_lead,
        "Fine",
    )


def test_deciding_twice_is_a_message(org: Org) -> None:
    exception = requested(org)
    services.exception_transition(
        actor=org.coe_lead, exception=exception, name="reject", comment="No"
    )
    body = page_of(
        signed_in(org.coe_lead).post(decide(exception, "approve"), {"comment": "Yes"}, follow=True)
    )
    assert "This exception was already decided: it is now rejected." in body
    exception.refresh_from_db()
    assert exception.state == "rejected"


def test_the_coe_lead_who_owns_the_initiative_is_told_and_refused(org: Org) -> None:
    org_services.membership_set(
        actor=org.admin, user=org.coe_lead, business_unit=org.marketing, role=Membership.Role.LEAD
    )
    exception = requested(org, by="coe_lead", initiative=propose(org, by="coe_lead"))
    client = signed_in(org.coe_lead)
    body = page_of(client.get(detail(exception)))
    assert ">Approve exception</button>" not in body
    barred = "Separation of duties: nobody decides on an exception they requested or benefit from."
    assert barred in body
    body = page_of(client.post(decide(exception, "approve"), {"comment": "ok"}, follow=True))
    assert barred in body
    exception.refresh_from_db()
    assert exception.state == "requested"


@pytest.mark.parametrize("persona", ["coe_member", "auditor", "marketing_lead", "sponsor"])
def test_deciding_without_the_right_is_403(org: Org, persona: str) -> None:
    exception = requested(org)
    client = signed_in(org.people[persona])
    assert ">Approve exception</button>" not in page_of(client.get(detail(exception)))
    assert client.post(decide(exception, "approve"), {"comment": "ok"}).status_code == 403


def test_outsiders_and_other_units_get_404(org: Org) -> None:
    exception = requested(org)
    for persona in ("outsider", "sales_lead"):
        client = signed_in(org.people[persona])
        assert client.get(detail(exception)).status_code == 404
        assert client.post(decide(exception, "approve"), {"comment": "x"}).status_code == 404
    assert signed_in(org.coe_lead).post(decide(exception, "explode")).status_code == 404


def test_the_exception_pages_speak_german_and_italian(org: Org) -> None:
    exception = requested(org)
    client = signed_in(org.coe_lead)
    de = page_of(client.get(detail(exception), headers={"Accept-Language": "de"}))
    assert "Ausnahme genehmigen" in de
    assert "Wartet auf Entscheidung" in de
    it = page_of(client.get(reverse("policies:exception-list"), headers={"Accept-Language": "it"}))
    assert "Eccezioni alle policy" in it
