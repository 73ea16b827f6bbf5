"""The header's task count is kept between pages while nothing changes, and
is right again on the first page after any change: a transition, a bulk of
audited rows, or a change of someone's rights."""

import re
from decimal import Decimal

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from governance import audit
from governance import services as org_services
from governance.models import OrganizationRole
from initiatives.models import Initiative, State
from tests.conftest import Org, bring_to, signed_in

# The count of every task source's part, as inbox.selectors builds it.
TASK_UNION = 'AS "kind"'
BADGE = re.compile(r'href="/inbox/"[^>]*>[^<]*<span class="count-badge">(\d+)</span>')


def shown_count(client: Client) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as context:
        page = client.get("/initiatives/").content.decode()
    found = BADGE.search(page)
    assert found, "the header shows no task count"
    return int(found.group(1)), [q["sql"] for q in context.captured_queries]


def test_a_second_page_reads_the_count_without_the_union_of_task_sources(org: Org) -> None:
    bring_to(org, "submitted")
    client = signed_in(org.coe_lead)
    first, first_sql = shown_count(client)
    again, again_sql = shown_count(client)

    assert first == again == 1
    assert any(TASK_UNION in sql for sql in first_sql)
    assert not any(TASK_UNION in sql for sql in again_sql)


def test_the_count_follows_a_transition_on_the_next_page(org: Org) -> None:
    client = signed_in(org.coe_lead)
    before, _ = shown_count(client)
    bring_to(org, "submitted")

    after, _ = shown_count(client)
    assert after == before + 1


def test_the_count_follows_rows_written_in_bulk_with_their_audit_events(org: Org) -> None:
    client = signed_in(org.coe_lead)
    before, _ = shown_count(client)
    with transaction.atomic():
        made = Initiative.objects.bulk_create(
            Initiative(
                title=f"Imported {n}",
                summary="Bulk",
                business_unit=org.marketing,
                owner=org.marketing_member,
                audiences=["customers"],
                budget=Decimal(100),
                risk="low",
                state=State.SUBMITTED,
            )
            for n in range(3)
        )
        audit.record_many(
            [{"event": audit.Event.INITIATIVE_CREATED, "obj": i} for i in made], actor=org.admin
        )

    after, _ = shown_count(client)
    assert after == before + 3


def test_the_count_follows_a_change_of_rights(org: Org) -> None:
    bring_to(org, "submitted")
    client = signed_in(org.coe_lead)
    assert shown_count(client)[0] == 1

    org_services.organization_role_revoke(
        actor=org.admin, user=org.coe_lead, role=OrganizationRole.Role.COE_LEAD
    )
    assert shown_count(client)[0] == 0
