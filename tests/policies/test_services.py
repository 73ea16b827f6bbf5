"""Policy services: edits with reasons, acknowledgments, attestations,
exceptions and review cycles."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from governance import services as org_services
from governance.errors import Conflict
from governance.models import AuditEvent, Membership
from initiatives import services as workflow
from policies import selectors, services
from policies.models import Acknowledgment, Attestation, Policy, PolicyException, add_months
from policies.rendering import render_markdown
from tests.conftest import Org, bring_to, propose
from tests.policies.conftest import draft_policy, policy_in, republish


def test_add_months_keeps_the_day_or_takes_the_months_last() -> None:
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 11, 15), 14) == datetime.date(2028, 1, 15)


# Drafting and editing


def test_only_the_coe_drafts_policies(org: Org) -> None:
    for person in ("auditor", "marketing_lead", "sponsor", "outsider"):
        with pytest.raises(PermissionDenied):
            draft_policy(org, by=person)
    assert not Policy.objects.exists()


def test_an_edit_records_who_why_and_the_full_row(org: Org) -> None:
    policy = draft_policy(org)
    services.policy_update(
        actor=org.coe_lead,
        policy=policy,
        changes={"title": "Voice", "business_units": [org.sales]},
        change_reason="Narrow to sales",
    )
    row = policy.history.order_by("-history_id").first()
    assert (row.history_user, row.history_change_reason) == (org.coe_lead, "Narrow to sales")
    assert (row.title, row.body, row.state) == ("Voice", policy.body, "draft")
    assert [r.businessunit_id for r in row.historicalpolicy_business_units_set.all()] == [
        org.sales.pk
    ]
    event = AuditEvent.objects.filter(event="policy.updated").get()
    assert event.comment == "Narrow to sales"
    assert event.new == {"business_units": ["sales"], "title": "Voice"}


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_edit_without_a_reason_is_refused(org: Org, reason: str) -> None:
    policy = draft_policy(org)
    with pytest.raises(ValidationError) as failure:
        services.policy_update(
            actor=org.coe_member, policy=policy, changes={"title": "X"}, change_reason=reason
        )
    assert set(failure.value.message_dict) == {"change_reason"}
    assert policy.history.count() == 1


@pytest.mark.parametrize("state", ["in_review", "published", "retired"])
def test_only_drafts_are_edited(org: Org, state: str) -> None:
    policy = policy_in(org, state)
    with pytest.raises(Conflict):
        services.policy_update(
            actor=org.coe_member, policy=policy, changes={"title": "X"}, change_reason="why"
        )


def test_the_auditor_changes_nothing(org: Org) -> None:
    policy = draft_policy(org)
    with pytest.raises(PermissionDenied):
        services.policy_update(
            actor=org.auditor, policy=policy, changes={"title": "X"}, change_reason="why"
        )


def test_publishing_sets_the_next_review_from_the_interval(org: Org) -> None:
    policy = policy_in(org, "published", review_interval_months=6)
    today = timezone.localdate()
    assert policy.effective_date == today
    assert policy.next_review_due == add_months(today, 6)


def test_a_future_effective_date_is_kept_and_the_review_follows_it(org: Org) -> None:
    later = timezone.localdate() + datetime.timedelta(days=40)
    policy = policy_in(org, "published", effective_date=later, review_interval_months=12)
    assert policy.effective_date == later
    assert policy.next_review_due == add_months(later, 12)


def test_a_policy_past_its_review_date_is_overdue(org: Org) -> None:
    due = policy_in(org, "published", title="Due")
    policy_in(org, "published", title="Fresh")
    retired = policy_in(org, "retired", title="Retired")
    past = timezone.localdate() - datetime.timedelta(days=1)
    Policy.objects.filter(pk__in=[due.pk, retired.pk]).update(next_review_due=past)
    assert list(selectors.overdue_policies()) == [due]
    assert Policy.objects.get(pk=due.pk).is_overdue()


def test_rendered_markdown_is_sanitized() -> None:
    html = render_markdown(
        "**bold** <script>alert(1)</script> [x](javascript:alert(1)) "
        '<img src=x onerror="alert(1)"> <a href="https://example.com" onclick="x()">ok</a>'
    )
    assert "<strong>bold</strong>" in html
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
    assert "onclick" not in html
    assert 'href="https://example.com"' in html


# Acknowledgments


def test_staff_acknowledge_the_current_version(org: Org) -> None:
    policy = policy_in(org, "published")
    ack = services.policy_acknowledge(actor=org.marketing_member, policy=policy)
    assert (ack.version, ack.user) == (1, org.marketing_member)
    again = services.policy_acknowledge(actor=org.marketing_member, policy=policy)
    assert again.pk == ack.pk
    assert AuditEvent.objects.filter(event="policy.acknowledged").count() == 1


@pytest.mark.parametrize("person", ["sponsor", "coe_lead", "auditor", "outsider"])
def test_only_unit_staff_acknowledge(org: Org, person: str) -> None:
    policy = policy_in(org, "published")
    with pytest.raises(PermissionDenied):
        services.policy_acknowledge(actor=org.people[person], policy=policy)


def test_staff_of_another_unit_do_not_acknowledge(org: Org) -> None:
    policy = policy_in(org, "published", units=[org.marketing])
    with pytest.raises(PermissionDenied):
        services.policy_acknowledge(actor=org.sales_lead, policy=policy)


def test_a_draft_is_not_acknowledged(org: Org) -> None:
    policy = policy_in(org, "draft")
    with pytest.raises(Conflict):
        services.policy_acknowledge(actor=org.marketing_member, policy=policy)


def test_a_new_version_makes_earlier_acknowledgments_outdated(org: Org) -> None:
    policy = policy_in(org, "published", units=[org.marketing])
    services.policy_acknowledge(actor=org.marketing_member, policy=policy)
    services.policy_acknowledge(actor=org.marketing_lead, policy=policy)
    policy = republish(org, policy, "Version two\n")
    services.policy_acknowledge(actor=org.marketing_lead, policy=policy)

    [marketing] = selectors.coverage(policy=policy)
    assert marketing["business_unit"] == org.marketing.pk
    assert marketing["acknowledged"] == ["marketing_lead"]
    assert marketing["outdated"] == [{"user": "marketing_member", "version": 1}]
    assert marketing["missing"] == []
    assert list(
        Acknowledgment.objects.filter(user=org.marketing_lead).values_list("version", flat=True)
    ) == [2, 1]


def test_coverage_of_a_policy_for_all_units_lists_every_unit(org: Org) -> None:
    policy = policy_in(org, "published")
    services.policy_acknowledge(actor=org.sales_lead, policy=policy)
    by_unit = {row["business_unit_name"]: row for row in selectors.coverage(policy=policy)}
    assert set(by_unit) == {"Marketing", "Sales"}
    assert by_unit["Sales"]["acknowledged"] == ["sales_lead"]
    assert by_unit["Sales"]["missing"] == ["sales_member"]
    assert by_unit["Marketing"]["missing"] == ["marketing_lead", "marketing_member"]


# Attestation on submit


def test_submitting_attests_the_versions_in_force_for_the_unit(org: Org) -> None:
    everyone = policy_in(org, "published", title="For all")
    marketing = policy_in(org, "published", title="Marketing only", units=[org.marketing])
    policy_in(org, "published", title="Sales only", units=[org.sales])
    policy_in(org, "draft", title="Never published")
    policy_in(org, "retired", title="Retired")
    marketing = republish(org, marketing, "v2\n")

    initiative = bring_to(org, "submitted")

    attested = {
        (a.policy_id, a.version, a.user_id)
        for a in Attestation.objects.filter(initiative=initiative)
    }
    assert attested == {
        (everyone.pk, 1, org.marketing_member.pk),
        (marketing.pk, 2, org.marketing_member.pk),
    }
    event = AuditEvent.objects.filter(event="policy.attested").get()
    assert event.object_id == str(initiative.pk)


def test_the_detail_flags_a_policy_republished_since_the_attestation(org: Org) -> None:
    policy = policy_in(org, "published", title="For all")
    initiative = bring_to(org, "submitted")
    [before] = selectors.attested_versions(initiative=initiative)
    assert (before["version"], before["republished_since"]) == (1, False)
    republish(org, policy, "v2\n")
    [after] = selectors.attested_versions(initiative=initiative)
    assert (after["version"], after["current_version"], after["republished_since"]) == (1, 2, True)


def test_a_second_submission_attests_again(org: Org) -> None:
    policy = policy_in(org, "published")
    initiative = bring_to(org, "changes_requested")
    republish(org, policy, "v2\n")
    # Version 2 is in force now: the submitter acknowledges it first.
    with pytest.raises(Conflict) as refused:
        workflow.initiative_transition(
            actor=org.marketing_member, initiative=initiative, name="submit"
        )
    assert refused.value.data == {
        "policies_to_acknowledge": [{"policy": policy.pk, "title": "Brand voice", "version": 2}]
    }
    services.policy_acknowledge(actor=org.marketing_member, policy=policy)
    workflow.initiative_transition(actor=org.marketing_member, initiative=initiative, name="submit")
    [latest] = selectors.attested_versions(initiative=initiative)
    assert (latest["version"], latest["republished_since"]) == (2, False)
    assert Attestation.objects.filter(initiative=initiative).count() == 2


def test_a_submission_without_policies_attests_nothing(org: Org) -> None:
    initiative = bring_to(org, "submitted")
    assert not Attestation.objects.filter(initiative=initiative).exists()
    assert selectors.attested_versions(initiative=initiative) == []


# Exceptions


def _request(org: Org, *, by: str = "marketing_member", months: int = 3) -> PolicyException:
    policy = Policy.objects.filter(state="published").first() or policy_in(org, "published")
    initiative = propose(org)
    return services.exception_request(
        actor=org.people[by],
        initiative=initiative,
        policy=policy,
        reason="Pilot on a new channel",
        expires_on=add_months(timezone.localdate(), months),
    )


@pytest.mark.parametrize("by", ["marketing_member", "marketing_lead"])
def test_the_owner_or_the_unit_lead_requests_an_exception(org: Org, by: str) -> None:
    exception = _request(org, by=by)
    assert (exception.state, exception.status, exception.is_active()) == (
        "requested",
        "requested",
        False,
    )
    assert AuditEvent.objects.filter(event="exception.requested").count() == 1


@pytest.mark.parametrize("by", ["coe_lead", "sponsor", "sales_lead", "auditor"])
def test_nobody_else_requests_an_exception(org: Org, by: str) -> None:
    policy = policy_in(org, "published")
    initiative = propose(org)
    with pytest.raises(PermissionDenied):
        services.exception_request(
            actor=org.people[by],
            initiative=initiative,
            policy=policy,
            reason="why",
            expires_on=timezone.localdate() + datetime.timedelta(days=10),
        )


def test_an_exception_expires_at_most_twelve_months_ahead(org: Org) -> None:
    policy = policy_in(org, "published")
    initiative = propose(org)
    today = timezone.localdate()
    for expires_on in (today, add_months(today, 12) + datetime.timedelta(days=1)):
        with pytest.raises(ValidationError) as failure:
            services.exception_request(
                actor=org.marketing_member,
                initiative=initiative,
                policy=policy,
                reason="why",
                expires_on=expires_on,
            )
        assert set(failure.value.message_dict) == {"expires_on"}
    services.exception_request(
        actor=org.marketing_member,
        initiative=initiative,
        policy=policy,
        reason="why",
        expires_on=add_months(today, 12),
    )


def test_an_exception_needs_a_policy_in_force_for_the_unit(org: Org) -> None:
    initiative = propose(org)
    for policy in (
        policy_in(org, "draft", title="Draft"),
        policy_in(org, "published", title="Sales", units=[org.sales]),
    ):
        with pytest.raises(ValidationError) as failure:
            services.exception_request(
                actor=org.marketing_member,
                initiative=initiative,
                policy=policy,
                reason="why",
                expires_on=timezone.localdate() + datetime.timedelta(days=10),
            )
        assert set(failure.value.message_dict) == {"policy"}


EVENTS = {"approve": "exception.approved", "reject": "exception.rejected"}


@pytest.mark.parametrize("name", ["approve", "reject"])
def test_the_coe_lead_decides_with_a_comment(org: Org, name: str) -> None:
    exception = _request(org)
    with pytest.raises(ValidationError):
        services.exception_transition(actor=org.coe_lead, exception=exception, name=name)
    decided = services.exception_transition(
        actor=org.coe_lead, exception=exception, name=name, comment="Considered"
    )
    assert decided.state == {"approve": "approved", "reject": "rejected"}[name]
    assert (decided.decided_by, decided.decision_comment) == (org.coe_lead, "Considered")
    assert AuditEvent.objects.filter(event=EVENTS[name], comment="Considered").count() == 1
    with pytest.raises(TransitionNotAllowed):
        services.exception_transition(
            actor=org.coe_lead, exception=decided, name=name, comment="Again"
        )


@pytest.mark.parametrize("person", ["coe_member", "auditor", "marketing_lead", "sponsor"])
def test_nobody_but_the_coe_lead_decides(org: Org, person: str) -> None:
    exception = _request(org)
    with pytest.raises(PermissionDenied):
        services.exception_transition(
            actor=org.people[person], exception=exception, name="approve", comment="ok"
        )


def test_separation_of_duties_the_coe_lead_does_not_decide_for_their_own_initiative(
    org: Org,
) -> None:
    org_services.membership_set(
        actor=org.admin, user=org.coe_lead, business_unit=org.marketing, role=Membership.Role.LEAD
    )
    policy = policy_in(org, "published")
    initiative = propose(org, by="coe_lead")
    exception = services.exception_request(
        actor=org.coe_lead,
        initiative=initiative,
        policy=policy,
        reason="why",
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    with pytest.raises(PermissionDenied, match="Separation of duties"):
        services.exception_transition(
            actor=org.coe_lead, exception=exception, name="approve", comment="ok"
        )


def test_an_approved_exception_is_active_until_its_date_and_then_expired(org: Org) -> None:
    exception = _request(org)
    exception = services.exception_transition(
        actor=org.coe_lead, exception=exception, name="approve", comment="ok"
    )
    assert exception.is_active()
    assert exception.status == "active"
    assert list(selectors.active_exceptions()) == [exception]

    expiry = exception.expires_on
    assert exception.is_active(today=expiry - datetime.timedelta(days=1))
    assert not exception.is_active(today=expiry)
    assert list(selectors.active_exceptions(today=expiry)) == []

    # No job runs: once the date has passed, every read says expired.
    PolicyException.objects.filter(pk=exception.pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    expired = PolicyException.objects.get(pk=exception.pk)
    assert (expired.state, expired.status, expired.is_active()) == ("approved", "expired", False)
    assert not selectors.active_exceptions().exists()
