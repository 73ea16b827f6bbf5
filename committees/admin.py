"""Committees and their votes are read in the admin, never changed there: a
change must go through the services, which audit it."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from committees.models import Case, Committee


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Committee)
class CommitteeAdmin(ReadOnly):
    list_display = ("name", "kind", "chair", "quorum")


@admin.register(Case)
class CaseAdmin(ReadOnly):
    list_display = ("initiative", "committee", "state", "opened_at", "closed_at")
