from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from inbox.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read only: notifications are written by the services, for their recipient."""

    list_display = ["recipient", "event", "text", "created_at", "read_at"]
    list_filter = ["event"]
    search_fields = ["recipient__username", "text"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
