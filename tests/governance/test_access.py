"""Roles become object permissions and go away with the role, and every grant
and revocation is audited."""

from decimal import Decimal

from governance import access
from governance import services as org_services
from governance.models import (
    AuditEvent,
    BusinessUnitUserObjectPermission,
    Membership,
    OrganizationRole,
)
from sponsors import services as sponsor_services
from tests.conftest import Org, bring_to, make_user


def rights(user: object, unit: object) -> set[str]:
    return set(access.unit_codenames(user, unit.pk))  # type: ignore[attr-defined]


def test_each_role_gets_the_rights_of_the_role_table(org: Org) -> None:
    assert rights(org.marketing_member, org.marketing) == {
        "view_unit_initiatives",
        "propose_initiatives",
    }
    assert rights(org.marketing_lead, org.marketing) == {
        "view_unit_initiatives",
        "propose_initiatives",
        "lead_initiatives",
    }
    assert rights(org.sponsor, org.marketing) == {"view_unit_initiatives", "sponsor_initiatives"}
    assert rights(org.coe_member, org.sales) == {"view_unit_initiatives", "review_initiatives"}
    assert rights(org.coe_lead, org.sales) == {
        "view_unit_initiatives",
        "review_initiatives",
        "decide_initiatives",
    }
    assert rights(org.auditor, org.marketing) == {"view_unit_initiatives"}
    assert rights(org.outsider, org.marketing) == set()
    assert rights(org.marketing_lead, org.sales) == set()


def test_no_right_is_ever_granted_globally(org: Org) -> None:
    for user in org.people.values():
        assert not user.user_permissions.exists()


def test_rights_are_stored_per_unit_not_per_initiative(org: Org) -> None:
    before = BusinessUnitUserObjectPermission.objects.count()
    for _ in range(5):
        bring_to(org, "submitted")
    assert BusinessUnitUserObjectPermission.objects.count() == before


def test_a_new_unit_gives_the_coe_and_auditors_their_rights(org: Org) -> None:
    unit = org_services.business_unit_create(actor=org.admin, name="Legal", kind="legal")
    assert "decide_initiatives" in rights(org.coe_lead, unit)
    assert "review_initiatives" in rights(org.coe_member, unit)
    assert rights(org.auditor, unit) == {"view_unit_initiatives"}
    assert rights(org.marketing_lead, unit) == set()


def test_the_coe_and_auditors_see_every_unit_and_staff_do_not(org: Org) -> None:
    seeing = {name for name, user in org.people.items() if access.sees_every_unit(user)}
    assert seeing == {"coe_lead", "coe_member", "auditor"}


def test_seeing_every_unit_ends_with_a_unit_one_does_not_see(org: Org) -> None:
    member = org.marketing_member
    org_services.membership_set(
        actor=org.admin, user=member, business_unit=org.sales, role=Membership.Role.MEMBER
    )
    assert access.sees_every_unit(member)
    # The same user object: what it kept does not outlive the write.
    org_services.business_unit_create(actor=org.admin, name="Legal", kind="legal")
    assert not access.sees_every_unit(member)
    assert access.sees_every_unit(org.coe_lead)


def test_demoting_a_lead_takes_the_lead_rights_away(org: Org) -> None:
    org_services.membership_set(
        actor=org.admin,
        user=org.marketing_lead,
        business_unit=org.marketing,
        role=Membership.Role.MEMBER,
    )
    assert "lead_initiatives" not in rights(org.marketing_lead, org.marketing)
    event = AuditEvent.objects.filter(event="permission.revoked").last()
    assert event.old == {"user": "marketing_lead", "permissions": ["lead_initiatives"]}
    assert event.actor == org.admin


def test_leaving_a_unit_takes_every_right_on_it_away(org: Org) -> None:
    initiative = bring_to(org, "draft")
    org_services.membership_remove(
        actor=org.admin, user=org.marketing_member, business_unit=org.marketing
    )
    assert rights(org.marketing_member, org.marketing) == set()
    from initiatives.selectors import visible_initiatives

    assert not visible_initiatives(user=org.marketing_member).filter(pk=initiative.pk).exists()


def test_losing_one_role_keeps_the_rights_another_role_gives(org: Org) -> None:
    org_services.membership_set(
        actor=org.admin,
        user=org.sponsor,
        business_unit=org.marketing,
        role=Membership.Role.MEMBER,
    )
    sponsor = org.sponsor.sponsor_profile
    sponsor_services.sponsorship_remove(
        actor=org.admin, sponsor=sponsor, business_unit=org.marketing
    )
    assert rights(org.sponsor, org.marketing) == {"view_unit_initiatives", "propose_initiatives"}


def test_revoking_a_coe_role_takes_the_rights_on_every_unit(org: Org) -> None:
    org_services.organization_role_revoke(
        actor=org.admin, user=org.coe_lead, role=OrganizationRole.Role.COE_LEAD
    )
    assert rights(org.coe_lead, org.marketing) == set()
    assert rights(org.coe_lead, org.sales) == set()


def test_grants_are_audit_events(org: Org) -> None:
    newcomer = make_user("newcomer")
    org_services.membership_set(
        actor=org.admin, user=newcomer, business_unit=org.sales, role=Membership.Role.LEAD
    )
    event = AuditEvent.objects.filter(event="permission.granted").last()
    assert event.actor == org.admin
    assert event.object_type == "governance.businessunit"
    assert event.object_id == str(org.sales.pk)
    assert event.new == {
        "user": "newcomer",
        "permissions": ["lead_initiatives", "propose_initiatives", "view_unit_initiatives"],
    }


def test_an_inactive_user_has_no_rights(org: Org) -> None:
    org.coe_lead.is_active = False
    org.coe_lead.save()
    assert rights(org.coe_lead, org.marketing) == set()
    assert not access.visible_units(org.coe_lead).exists()


def test_a_superuser_is_not_a_workflow_role(org: Org) -> None:
    assert not access.visible_units(org.admin).exists()


def test_the_owner_right_is_on_the_one_initiative(org: Org) -> None:
    initiative = bring_to(org, "draft")
    assert access.object_codenames(org.marketing_member, initiative) == {"own_initiative"}
    assert access.object_codenames(org.marketing_lead, initiative) == frozenset()


def test_changing_a_threshold_is_audited(org: Org) -> None:
    sponsor_services.sponsor_set(actor=org.admin, user=org.sponsor, approval_threshold=Decimal(10))
    event = AuditEvent.objects.filter(event="sponsor.set").last()
    assert event.old == {"approval_threshold": "50000.00"}
    assert event.new["approval_threshold"] == "10"


def _owner_events(initiative: object, event: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            event=event,
            object_type="initiatives.initiative",
            object_id=str(initiative.pk),  # type: ignore[attr-defined]
        ).order_by("seq")
    )


def test_leaving_a_unit_takes_the_owner_right_on_its_initiatives_away(org: Org) -> None:
    initiative = bring_to(org, "draft")
    org_services.membership_remove(
        actor=org.admin, user=org.marketing_member, business_unit=org.marketing
    )
    assert access.object_codenames(org.marketing_member, initiative) == frozenset()
    [event] = _owner_events(initiative, "permission.revoked")
    assert event.actor == org.admin
    assert event.old == {"user": "marketing_member", "permissions": ["own_initiative"]}


def test_an_owner_who_left_may_no_longer_withdraw(org: Org) -> None:
    from governance import transitions

    initiative = bring_to(org, "draft")
    assert transitions.authorize(org.marketing_member, initiative, "withdraw").allowed
    org_services.membership_remove(
        actor=org.admin, user=org.marketing_member, business_unit=org.marketing
    )
    assert not transitions.authorize(org.marketing_member, initiative, "withdraw").allowed


def test_coming_back_to_the_unit_gives_the_owner_right_again(org: Org) -> None:
    initiative = bring_to(org, "draft")
    org_services.membership_remove(
        actor=org.admin, user=org.marketing_member, business_unit=org.marketing
    )
    org_services.membership_set(
        actor=org.admin,
        user=org.marketing_member,
        business_unit=org.marketing,
        role=Membership.Role.MEMBER,
    )
    assert access.object_codenames(org.marketing_member, initiative) == {"own_initiative"}
    granted = _owner_events(initiative, "permission.granted")
    assert [e.new for e in granted] == [
        {"user": "marketing_member", "permissions": ["own_initiative"]}
    ] * 2  # at creation, and on coming back
    assert granted[-1].actor == org.admin


def test_changing_role_within_the_unit_keeps_the_owner_right(org: Org) -> None:
    initiative = bring_to(org, "draft")
    org_services.membership_set(
        actor=org.admin,
        user=org.marketing_member,
        business_unit=org.marketing,
        role=Membership.Role.LEAD,
    )
    assert access.object_codenames(org.marketing_member, initiative) == {"own_initiative"}
    assert _owner_events(initiative, "permission.revoked") == []
    assert len(_owner_events(initiative, "permission.granted")) == 1


def test_leaving_one_unit_keeps_the_owner_right_in_another(org: Org) -> None:
    from tests.conftest import propose

    org_services.membership_set(
        actor=org.admin,
        user=org.marketing_member,
        business_unit=org.sales,
        role=Membership.Role.MEMBER,
    )
    in_sales = propose(org, by="marketing_member", unit=org.sales)
    in_marketing = propose(org, by="marketing_member")
    org_services.membership_remove(
        actor=org.admin, user=org.marketing_member, business_unit=org.marketing
    )
    assert access.object_codenames(org.marketing_member, in_sales) == {"own_initiative"}
    assert access.object_codenames(org.marketing_member, in_marketing) == frozenset()


def test_an_organization_role_change_leaves_the_owner_right_alone(org: Org) -> None:
    initiative = bring_to(org, "draft")
    org_services.organization_role_grant(
        actor=org.admin, user=org.marketing_member, role=OrganizationRole.Role.COE_MEMBER
    )
    org_services.organization_role_revoke(
        actor=org.admin, user=org.marketing_member, role=OrganizationRole.Role.COE_MEMBER
    )
    assert access.object_codenames(org.marketing_member, initiative) == {"own_initiative"}
    assert _owner_events(initiative, "permission.revoked") == []


def test_a_sponsor_who_owned_as_a_member_loses_the_owner_right_on_leaving(org: Org) -> None:
    org_services.membership_set(
        actor=org.admin, user=org.sponsor, business_unit=org.marketing, role=Membership.Role.MEMBER
    )
    initiative = bring_to(org, "draft")
    from tests.conftest import propose

    owned = propose(org, by="sponsor")
    org_services.membership_remove(actor=org.admin, user=org.sponsor, business_unit=org.marketing)
    # Sponsoring the unit is not working in it.
    assert access.object_codenames(org.sponsor, owned) == frozenset()
    assert access.object_codenames(org.marketing_member, initiative) == {"own_initiative"}
