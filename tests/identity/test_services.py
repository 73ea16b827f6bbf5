"""The group-to-role mapping and what a sign-on does with it, through the
services; who may edit the mapping."""

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from governance import services as org_services
from governance.models import AuditEvent, Membership, OrganizationRole
from identity import services
from identity.models import MappedRole, RoleMapping
from sponsors.models import ExecutiveSponsor, Sponsorship
from tests.conftest import Org, signed_in


@pytest.fixture
def mapped(org: Org) -> Org:
    lead = org.coe_lead
    services.role_mapping_create(actor=lead, group="audit", role=MappedRole.AUDITOR)
    services.role_mapping_create(actor=lead, group="coe", role=MappedRole.COE_MEMBER)
    services.role_mapping_create(
        actor=lead, group="mkt", role=MappedRole.UNIT_MEMBER, business_unit=org.marketing
    )
    services.role_mapping_create(
        actor=lead, group="mkt-lead", role=MappedRole.UNIT_LEAD, business_unit=org.marketing
    )
    services.role_mapping_create(
        actor=lead,
        group="sales-exec",
        role=MappedRole.SPONSOR,
        business_unit=org.sales,
        approval_threshold=Decimal(40000),
    )
    return org


def _user(name: str = "sso_user") -> Any:
    return get_user_model().objects.create_user(username=name)


def test_the_groups_give_their_mapped_roles(mapped: Org) -> None:
    user = _user()
    result = services.sso_roles_sync(user=user, groups=["audit", "mkt", "mkt-lead", "sales-exec"])
    assert set(OrganizationRole.objects.filter(user=user).values_list("role", flat=True)) == {
        "auditor"
    }
    # Lead wins over member for the same unit.
    assert Membership.objects.get(user=user).role == Membership.Role.LEAD
    assert ExecutiveSponsor.objects.get(user=user).approval_threshold == Decimal(40000)
    assert Sponsorship.objects.get(sponsor__user=user).business_unit == mapped.sales
    assert "auditor" in result["granted"]


def test_roles_absent_from_the_claim_are_revoked_each_as_an_audit_event(mapped: Org) -> None:
    user = _user()
    services.sso_roles_sync(user=user, groups=["coe", "mkt", "sales-exec"])
    # Given by an administrator, not by the provider: the provider's word wins.
    org_services.organization_role_grant(
        actor=mapped.admin, user=user, role=OrganizationRole.Role.COE_LEAD
    )
    result = services.sso_roles_sync(user=user, groups=[])
    assert not OrganizationRole.objects.filter(user=user).exists()
    assert not Membership.objects.filter(user=user).exists()
    assert not Sponsorship.objects.filter(sponsor__user=user).exists()
    assert sorted(result["revoked"]) == sorted(
        ["coe_lead", "coe_member", "member:marketing", "sponsor:sales"]
    )
    names = set(
        AuditEvent.objects.filter(actor=None, event__endswith="removed").values_list(
            "event", flat=True
        )
    ) | set(
        AuditEvent.objects.filter(event="organization_role.revoked").values_list("event", flat=True)
    )
    assert names == {"membership.removed", "sponsorship.removed", "organization_role.revoked"}


def test_a_sign_on_with_unchanged_groups_changes_nothing(mapped: Org) -> None:
    user = _user()
    services.sso_roles_sync(user=user, groups=["coe", "mkt"])
    before = AuditEvent.objects.exclude(event="auth.sso_roles_synced").count()
    result = services.sso_roles_sync(user=user, groups=["coe", "mkt"])
    assert result == {"granted": [], "revoked": []}
    assert AuditEvent.objects.exclude(event="auth.sso_roles_synced").count() == before


def test_only_the_coe_lead_edits_the_mapping(org: Org) -> None:
    with pytest.raises(PermissionDenied):
        services.role_mapping_create(actor=org.auditor, group="x", role=MappedRole.AUDITOR)
    mapping = services.role_mapping_create(actor=org.coe_lead, group="x", role=MappedRole.AUDITOR)
    with pytest.raises(PermissionDenied):
        services.role_mapping_delete(actor=org.coe_member, mapping=mapping)
    services.role_mapping_delete(actor=org.coe_lead, mapping=mapping)
    assert [e.event for e in AuditEvent.objects.filter(event__startswith="role_mapping.")] == [
        "role_mapping.created",
        "role_mapping.deleted",
    ]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"role": MappedRole.UNIT_LEAD}, "business_unit"),
        ({"role": MappedRole.SPONSOR}, "business_unit"),
        ({"role": MappedRole.AUDITOR, "unit": True}, "business_unit"),
    ],
)
def test_an_incomplete_mapping_is_refused_naming_the_field(
    org: Org, fields: dict[str, Any], field: str
) -> None:
    unit = org.marketing if fields.pop("unit", False) else None
    with pytest.raises(ValidationError) as refused:
        services.role_mapping_create(actor=org.coe_lead, group="g", business_unit=unit, **fields)
    assert field in refused.value.message_dict
    assert not RoleMapping.objects.exists()


def test_the_mapping_page_is_the_coe_leads(org: Org) -> None:
    assert signed_in(org.auditor).get("/account/role-mappings/").status_code == 403
    client = signed_in(org.coe_lead)
    response = client.post(
        "/account/role-mappings/",
        {"group": "hr", "role": "unit_member", "business_unit": org.marketing.pk},
    )
    assert response.status_code == 302
    mapping = RoleMapping.objects.get(group="hr")
    response = client.post("/account/role-mappings/", {"group": "hr2", "role": "unit_lead"})
    assert response.status_code == 400
    assert client.post(f"/account/role-mappings/{mapping.pk}/delete/").status_code == 302
    assert client.post(f"/account/role-mappings/{mapping.pk}/delete/").status_code == 404
    assert not RoleMapping.objects.exists()
