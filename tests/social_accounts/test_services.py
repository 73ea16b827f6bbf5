"""Requests, recertification (due, overdue, reminded), dormancy, and the
reassignment of a deactivated person's accounts and open items."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from governance import audit
from governance.errors import Conflict
from governance.models import AuditEvent
from inbox.models import Notification
from social_accounts import selectors, services, sources
from social_accounts.models import Reassignment, SocialAccount
from tests.conftest import bring_to

from .conftest import account_in, request_account


def _age(account: SocialAccount, days: int) -> None:
    """As if the account was last recertified `days` ago and due accordingly."""
    then = timezone.now() - datetime.timedelta(days=days)
    SocialAccount.objects.filter(pk=account.pk).update(
        last_recertified_at=then,
        recertification_due=selectors.recertification_due_from(then.date()),
    )


# Requests


def test_unit_member_requests_an_account(org) -> None:
    account = request_account(org)
    assert account.state == "requested"
    assert account.requested_by == org.marketing_lead
    assert AuditEvent.objects.filter(event=audit.Event.SOCIAL_ACCOUNT_REQUESTED).count() == 1


def test_outsider_may_not_request_for_a_unit(org) -> None:
    with pytest.raises(PermissionDenied):
        services.account_request(
            actor=org.outsider,
            business_unit=org.marketing,
            channel="x",
            handle="@acme",
            owner=org.outsider,
        )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"channel": "myspace"}, "channel"),
        ({"handle": "  "}, "handle"),
        ({"backup_owner": "owner"}, "backup_owner"),
    ],
)
def test_invalid_request_names_the_field(org, fields, field) -> None:
    if fields.get("backup_owner") == "owner":
        fields["backup_owner"] = org.marketing_member
    with pytest.raises(ValidationError) as error:
        request_account(org, **fields)
    assert field in error.value.message_dict


def test_the_same_handle_is_registered_once(org) -> None:
    request_account(org)
    with pytest.raises(ValidationError) as error:
        request_account(org)
    assert "handle" in error.value.message_dict


def test_a_retired_handle_may_be_requested_again(org) -> None:
    account_in(org, "retired")
    assert request_account(org).state == "requested"


def test_initiatives_of_another_unit_are_refused(org) -> None:
    sales_initiative = bring_to(org, "draft", unit="sales")
    with pytest.raises(ValidationError) as error:
        request_account(org, initiatives=[sales_initiative])
    assert "initiatives" in error.value.message_dict


def test_approval_notifies_requester_and_owner(org, django_capture_on_commit_callbacks) -> None:
    account = request_account(org)
    with django_capture_on_commit_callbacks(execute=True):
        services.account_transition(actor=org.coe_lead, account=account, name="approve")
    assert set(
        Notification.objects.filter(event=services.DECIDED).values_list(
            "recipient__username", flat=True
        )
    ) == {"marketing_lead", "marketing_member"}


# Recertification


def test_recertification_is_not_due_within_the_cycle(org) -> None:
    account_in(org, "active")
    assert not selectors.overdue_accounts().exists()


def test_recertification_falls_due_after_the_cycle(org, settings) -> None:
    settings.ACCOUNT_RECERTIFY_MONTHS = 6
    account = account_in(org, "active")
    _age(account, 200)
    account.refresh_from_db()
    assert account.is_recertification_overdue()
    assert list(selectors.overdue_accounts()) == [account]


def test_account_due_within_a_month_is_due_soon_not_overdue(org, settings) -> None:
    settings.ACCOUNT_RECERTIFY_MONTHS = 6
    account = account_in(org, "active")
    _age(account, 170)
    today = timezone.localdate()
    assert list(selectors.due_soon_accounts(today=today)) == [account]
    assert not selectors.overdue_accounts(today=today).exists()


def test_overdue_recertification_waits_in_the_owners_inbox(org) -> None:
    account = account_in(org, "active")
    _age(account, 400)
    assert [r["object_id"] for r in sources.accounts_to_recertify(user=org.marketing_member)] == [
        account.pk
    ]
    assert [r["object_id"] for r in sources.accounts_to_recertify(user=org.marketing_lead)] == [
        account.pk
    ]
    assert not sources.accounts_to_recertify(user=org.sales_lead).exists()


def test_overdue_owners_are_reminded_once_a_week(org, django_capture_on_commit_callbacks) -> None:
    account = account_in(org, "active")
    _age(account, 400)
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.accounts_remind_overdue(today=today) == 1
        assert services.accounts_remind_overdue(today=today) == 0
    reminded = Notification.objects.filter(event=services.RECERTIFICATION_OVERDUE)
    assert set(reminded.values_list("recipient__username", flat=True)) == {
        "marketing_member",
        "marketing_lead",
    }


def test_recertifying_sets_the_next_due_date(org) -> None:
    account = account_in(org, "active")
    _age(account, 400)
    account = services.account_recertify(actor=org.marketing_member, account=account)
    assert not account.is_recertification_overdue()
    assert account.recertification_due == selectors.recertification_due_from(timezone.localdate())
    assert AuditEvent.objects.filter(event=audit.Event.SOCIAL_ACCOUNT_RECERTIFIED).exists()


def test_recertifying_a_dormant_account_reactivates_it(org) -> None:
    account = account_in(org, "dormant")
    account = services.account_recertify(actor=org.marketing_member, account=account)
    assert account.state == "active"


@pytest.mark.parametrize("who", ["sales_lead", "coe_member", "auditor", "outsider"])
def test_others_may_not_recertify(org, who) -> None:
    account = account_in(org, "active")
    with pytest.raises(PermissionDenied):
        services.account_recertify(actor=org.people[who], account=account)


@pytest.mark.parametrize("state", ["requested", "approved", "rejected", "retired"])
def test_only_live_accounts_are_recertified(org, state) -> None:
    account = account_in(org, state)
    with pytest.raises(Conflict):
        services.account_recertify(actor=org.coe_lead, account=account)


# Dormancy


def test_unused_unrecertified_account_becomes_dormant(org, settings) -> None:
    settings.ACCOUNT_DORMANT_MONTHS = 9
    account = account_in(org, "active")
    _age(account, 300)
    assert services.accounts_mark_dormant(today=timezone.localdate()) == 1
    account.refresh_from_db()
    assert account.state == "dormant"
    assert account.dormant_since is not None


def test_recently_recertified_account_stays_active(org, settings) -> None:
    settings.ACCOUNT_DORMANT_MONTHS = 9
    account = account_in(org, "active")
    _age(account, 200)
    assert services.accounts_mark_dormant(today=timezone.localdate()) == 0


def test_account_an_active_initiative_uses_stays_active(org, settings) -> None:
    settings.ACCOUNT_DORMANT_MONTHS = 9
    running = bring_to(org, "active")
    account = account_in(org, "active", initiatives=[running])
    _age(account, 300)
    assert services.accounts_mark_dormant(today=timezone.localdate()) == 0
    account.refresh_from_db()
    assert account.state == "active"


def test_account_of_a_finished_initiative_becomes_dormant(org, settings) -> None:
    settings.ACCOUNT_DORMANT_MONTHS = 9
    done = bring_to(org, "completed")
    account = account_in(org, "active", initiatives=[done])
    _age(account, 300)
    assert services.accounts_mark_dormant(today=timezone.localdate()) == 1


def test_the_management_command_runs_the_job(org, settings) -> None:
    from django.core.management import call_command

    settings.ACCOUNT_DORMANT_MONTHS = 9
    account = account_in(org, "active")
    _age(account, 300)
    call_command("accounts_recertification")
    account.refresh_from_db()
    assert account.state == "dormant"


# Reassignment on deactivation


def _deactivate(user) -> None:
    user.is_active = False
    user.save()


def test_deactivating_an_owner_lists_their_accounts_for_the_coe(org) -> None:
    owned = account_in(org, "active")
    backed = account_in(
        org,
        "approved",
        handle="@acme_care",
        owner=org.marketing_lead,
        backup_owner=org.marketing_member,
    )
    account_in(org, "retired", handle="@old")
    _deactivate(org.marketing_member)
    reassignment = Reassignment.objects.get(user=org.marketing_member)
    assert set(selectors.accounts_held(user=org.marketing_member)) == {owned, backed}
    rows = list(sources.reassignments_to_do(user=org.coe_lead))
    assert [(r["kind"], r["object_id"]) for r in rows] == [(sources.REASSIGN, reassignment.pk)]
    assert not sources.reassignments_to_do(user=org.marketing_lead).exists()
    assert AuditEvent.objects.filter(event=audit.Event.REASSIGNMENT_OPENED).count() == 1


def test_deactivating_lists_open_initiatives_too(org) -> None:
    draft = bring_to(org, "draft")
    bring_to(org, "completed", title="Done")
    _deactivate(org.marketing_member)
    assert Reassignment.objects.filter(user=org.marketing_member).exists()
    assert list(selectors.initiatives_held(user=org.marketing_member)) == [draft]


def test_deactivating_someone_who_holds_nothing_adds_no_task(org) -> None:
    _deactivate(org.outsider)
    assert not Reassignment.objects.exists()


def test_saving_a_deactivated_user_again_opens_one_task(org) -> None:
    account_in(org, "active")
    _deactivate(org.marketing_member)
    org.marketing_member.first_name = "M"
    org.marketing_member.save()
    assert Reassignment.objects.count() == 1


def test_reassignment_completes_once_every_account_has_new_owners(org) -> None:
    account = account_in(org, "active")
    _deactivate(org.marketing_member)
    reassignment = Reassignment.objects.get()
    with pytest.raises(Conflict):
        services.reassignment_resolve(actor=org.coe_lead, reassignment=reassignment)
    services.account_reassign(
        actor=org.coe_lead, account=account, owner=org.marketing_lead, backup_owner=None
    )
    reassignment = services.reassignment_resolve(actor=org.coe_lead, reassignment=reassignment)
    assert reassignment.resolved_at is not None
    assert not sources.reassignments_to_do(user=org.coe_lead).exists()


def test_only_the_coe_lead_completes_a_reassignment(org) -> None:
    account_in(org, "active")
    _deactivate(org.marketing_member)
    with pytest.raises(PermissionDenied):
        services.reassignment_resolve(
            actor=org.marketing_lead, reassignment=Reassignment.objects.get()
        )


def test_an_inactive_user_cannot_be_made_owner(org) -> None:
    account = account_in(org, "active")
    _deactivate(org.sales_member)
    with pytest.raises(ValidationError) as error:
        services.account_reassign(
            actor=org.coe_lead, account=account, owner=org.sales_member, backup_owner=None
        )
    assert "owner" in error.value.message_dict


def test_unit_member_may_not_reassign(org) -> None:
    account = account_in(org, "active")
    with pytest.raises(PermissionDenied):
        services.account_reassign(
            actor=org.marketing_member, account=account, owner=org.marketing_lead, backup_owner=None
        )


# Initiatives name accounts


def test_coe_matches_an_initiatives_channel_text_to_an_account(org) -> None:
    initiative = bring_to(org, "draft", channels=["Instagram"])
    account = account_in(org, "active")
    assert selectors.matching_accounts(initiative=initiative) == [account]
    services.account_link_initiative(actor=org.coe_member, account=account, initiative=initiative)
    assert selectors.accounts_for_initiative(initiative=initiative) == [account]
    assert selectors.matching_accounts(initiative=initiative) == []
    initiative.refresh_from_db()
    assert initiative.channels == ["Instagram"]
