from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from initiatives.models import Decision, Initiative


@admin.register(Initiative)
class InitiativeAdmin(SimpleHistoryAdmin):
    """Staff read initiatives here; every change goes through the workflow."""

    list_display = ["title", "business_unit", "state", "owner", "budget", "risk"]
    list_filter = ["state", "business_unit", "risk"]
    search_fields = ["title"]
    list_select_related = ["business_unit", "owner"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["at", "initiative", "transition", "source", "target", "actor"]
    list_filter = ["transition"]
    list_select_related = ["initiative", "actor"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
