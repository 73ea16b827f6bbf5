from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from governance.requests import signed_in_user
from sponsors import services
from sponsors.models import ExecutiveSponsor, Sponsorship


@admin.register(ExecutiveSponsor)
class ExecutiveSponsorAdmin(admin.ModelAdmin):
    list_display = ["user", "approval_threshold"]
    exclude = ["business_units"]

    def save_model(
        self, request: HttpRequest, obj: ExecutiveSponsor, form: Any, change: bool
    ) -> None:
        saved = services.sponsor_set(
            actor=signed_in_user(request), user=obj.user, approval_threshold=obj.approval_threshold
        )
        obj.pk = saved.pk


@admin.register(Sponsorship)
class SponsorshipAdmin(admin.ModelAdmin):
    list_display = ["sponsor", "business_unit"]
    list_select_related = ["sponsor__user", "business_unit"]

    def save_model(self, request: HttpRequest, obj: Sponsorship, form: Any, change: bool) -> None:
        saved = services.sponsorship_add(
            actor=signed_in_user(request), sponsor=obj.sponsor, business_unit=obj.business_unit
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Sponsorship) -> None:
        services.sponsorship_remove(
            actor=signed_in_user(request), sponsor=obj.sponsor, business_unit=obj.business_unit
        )

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)
