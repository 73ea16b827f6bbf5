"""Admin for staff. Role changes go through the services, so that object
permissions and the audit log follow; the audit log itself is read-only."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from guardian.admin import GuardedModelAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from governance import services
from governance.models import (
    AuditEvent,
    BusinessUnit,
    Membership,
    OrganizationRole,
    OutboundEmail,
    StrategicGoal,
)
from governance.requests import signed_in_user


class ReadOnlyMixin:
    """Staff may look, never change: every change goes through the services."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


class ReadOnlyHistoryAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    """Read-only, with the history of every version and no way to revert one."""

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        # simple-history saves a POSTed history form (a revert) without asking
        # whether reverts are disabled; history is only ever shown here.
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ObjectPermissionsReadOnlyMixin(GuardedModelAdminMixin):
    """guardian's "Object permissions" page, to see who holds which right on an
    object. Rights follow roles (governance.access), so changing them here,
    past the role table and the audit log, is refused."""

    def obj_perms_manage_user_view(
        self, request: HttpRequest, object_pk: str, user_id: int
    ) -> HttpResponse:
        if request.method == "POST":
            raise PermissionDenied(
                gettext("Rights follow roles: change the membership or role instead.")
            )
        return super().obj_perms_manage_user_view(request, object_pk, user_id)

    def obj_perms_manage_group_view(
        self, request: HttpRequest, object_pk: str, group_id: int
    ) -> HttpResponse:
        if request.method == "POST":
            raise PermissionDenied(
                gettext("Rights follow roles: change the membership or role instead.")
            )
        return super().obj_perms_manage_group_view(request, object_pk, group_id)


@admin.register(BusinessUnit)
class BusinessUnitAdmin(ObjectPermissionsReadOnlyMixin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ["name", "slug", "kind"]
    prepopulated_fields = {"slug": ["name"]}

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: BusinessUnit, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
        else:
            created = services.business_unit_create(
                actor=signed_in_user(request), name=obj.name, slug=obj.slug, kind=obj.kind
            )
            obj.pk = created.pk


@admin.register(StrategicGoal)
class StrategicGoalAdmin(admin.ModelAdmin):
    list_display = ["title", "active"]
    list_filter = ["active"]

    def save_model(self, request: HttpRequest, obj: StrategicGoal, form: Any, change: bool) -> None:
        # Through the services, so that the change is audited and the apps
        # above follow it (the initiatives' priority score counts active goals).
        if change:
            services.goal_update(
                actor=signed_in_user(request),
                goal=obj,
                title=obj.title,
                description=obj.description,
                active=obj.active,
            )
        else:
            created = services.goal_create(
                actor=signed_in_user(request),
                title=obj.title,
                description=obj.description,
                active=obj.active,
            )
            obj.pk = created.pk


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "business_unit", "role"]
    list_filter = ["business_unit", "role"]
    list_select_related = ["user", "business_unit"]

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        saved = services.membership_set(
            actor=signed_in_user(request),
            user=obj.user,
            business_unit=obj.business_unit,
            role=Membership.Role(obj.role),
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        services.membership_remove(
            actor=signed_in_user(request), user=obj.user, business_unit=obj.business_unit
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Moving a membership to another user or unit is a removal and an addition.
        return obj is None and super().has_change_permission(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(OrganizationRole)
class OrganizationRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role"]
    list_filter = ["role"]

    def save_model(
        self, request: HttpRequest, obj: OrganizationRole, form: Any, change: bool
    ) -> None:
        saved = services.organization_role_grant(
            actor=signed_in_user(request), user=obj.user, role=OrganizationRole.Role(obj.role)
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: OrganizationRole) -> None:
        services.organization_role_revoke(
            actor=signed_in_user(request), user=obj.user, role=OrganizationRole.Role(obj.role)
        )

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["seq", "at", "event", "actor", "object_type", "object_repr"]
    list_filter = ["event", "object_type"]
    search_fields = ["object_repr", "comment"]
    list_select_related = ["actor"]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    """What was emailed, to whom, and what is still waiting (with the last error)."""

    list_display = ["created_at", "key", "to", "subject", "sent_at", "attempts"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["key", "to", "subject"]
    exclude = ["html"]
