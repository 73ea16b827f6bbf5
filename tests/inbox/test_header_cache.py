"""The header's task and unread notification counts are kept between pages
while nothing changes, and are right again on the first page after any change:
a transition, a bulk of audited rows, a change of someone's rights, a
notification written or read."""

import re
from decimal import Decimal

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from governance import audit
from governance import services as org_services
from governance.models import OrganizationRole
from inbox import services as inbox_services
from inbox.models import Notification
from initiatives.models import Initiative, State
from tests.conftest import Org, bring_to, signed_in

# The count of every task source's part, as inbox.selectors builds it.
TASK_UNION = 'AS "kind"'
BADGE = re.compile(r'href="/inbox/"[^>]*>[^<]*<span class="count-badge">(\d+)</span>')
UNREAD = re.compile(
    r'<span class="count-badge( count-badge-unread)?">(\d+)<span class="visually-hidden"> unread'
)


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


def shown_unread(client: Client) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as context:
        page = client.get("/initiatives/").content.decode()
    found = UNREAD.search(page)
    assert found, "the header shows no unread count"
    # The badge is marked unread exactly when there is something unread.
    assert bool(found.group(1)) == (int(found.group(2)) > 0)
    return int(found.group(2)), [q["sql"] for q in context.captured_queries]


def notify(org: Org, initiative: Initiative, *recipients: object, times: int = 1) -> None:
    """Notifications alone: nothing else is written that would forget the counts."""
    for _ in range(times):
        with transaction.atomic():
            inbox_services.notifications_create(
                recipients=recipients,
                actor=org.marketing_member,
                target=initiative,
                event="comment.mentioned",
                text="You were mentioned.",
                email=False,
            )


def test_a_second_page_reads_the_unread_count_without_counting_notifications(org: Org) -> None:
    notify(org, bring_to(org, "draft"), org.coe_lead)
    client = signed_in(org.coe_lead)
    first, first_sql = shown_unread(client)
    again, again_sql = shown_unread(client)

    assert first == again == 1
    assert any('"inbox_notification"' in sql for sql in first_sql)
    assert not any('"inbox_notification"' in sql for sql in again_sql)


def test_the_unread_count_follows_notifications_written_read_and_all_read(org: Org) -> None:
    initiative = bring_to(org, "draft")
    client = signed_in(org.coe_lead)
    assert shown_unread(client)[0] == 0

    # Written in bulk (no post_save).
    notify(org, initiative, org.coe_lead, times=3)
    assert shown_unread(client)[0] == 3

    # One read (saved).
    note = Notification.objects.filter(recipient=org.coe_lead).first()
    assert client.post(f"/inbox/notifications/{note.pk}/read/").status_code == 302
    assert shown_unread(client)[0] == 2

    # All read (updated in bulk, no post_save).
    assert client.post("/inbox/notifications/read/").status_code == 302
    assert shown_unread(client)[0] == 0
    assert not Notification.objects.filter(recipient=org.coe_lead, read_at__isnull=True).exists()


def test_someone_elses_notification_moves_only_their_count(org: Org) -> None:
    initiative = bring_to(org, "draft")
    lead, member = signed_in(org.coe_lead), signed_in(org.coe_member)
    assert shown_unread(lead)[0] == shown_unread(member)[0] == 0
    notify(org, initiative, org.coe_member)
    assert shown_unread(lead)[0] == 0
    assert shown_unread(member)[0] == 1
