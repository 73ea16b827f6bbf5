from django.contrib import admin

from knowledge.models import Entry


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    """Read-only: entries change through the library's pages and API, audited."""

    list_display = ["title", "kind", "language", "state", "owner", "published_at"]
    list_filter = ["kind", "language", "state"]
    search_fields = ["title", "tags"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
