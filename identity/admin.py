"""Admin: role mappings change through the services (audited); tokens can
only be looked at and revoked."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from governance.requests import signed_in_user
from identity import services
from identity.models import ApiToken, RoleMapping


@admin.register(RoleMapping)
class RoleMappingAdmin(admin.ModelAdmin):
    list_display = ["group", "role", "business_unit", "approval_threshold"]
    list_filter = ["role"]
    fields = ["group", "role", "business_unit", "approval_threshold"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A mapping is added or removed, never edited in place.
        return False

    def save_model(self, request: HttpRequest, obj: RoleMapping, form: Any, change: bool) -> None:
        created = services.role_mapping_create(
            actor=signed_in_user(request),
            group=obj.group,
            role=obj.role,
            business_unit=obj.business_unit,
            approval_threshold=obj.approval_threshold,
        )
        obj.pk = created.pk

    def delete_model(self, request: HttpRequest, obj: RoleMapping) -> None:
        services.role_mapping_delete(actor=signed_in_user(request), mapping=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RoleMapping]) -> None:
        for mapping in queryset:
            self.delete_model(request, mapping)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "token_key", "user", "created", "expiry"]
    fields = ["name", "token_key", "user", "created", "expiry"]
    readonly_fields = ["name", "token_key", "user", "created", "expiry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: ApiToken) -> None:
        services.api_token_revoke(actor=obj.user, token=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            self.delete_model(request, token)
