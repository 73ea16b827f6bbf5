from django.contrib import admin

from search.models import DuplicateLink


@admin.register(DuplicateLink)
class DuplicateLinkAdmin(admin.ModelAdmin):
    """Read-only: links are made and removed through the CoE's pages and API,
    which audit them."""

    list_display = ("duplicate", "original", "linked_by", "linked_at")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
