"""Comments and attachments are read in the admin, never changed there: a
change must go through the services, which audit it."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from discussion.models import Attachment, Comment


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Comment)
class CommentAdmin(ReadOnly):
    list_display = ("id", "content_type", "object_id", "author", "created_at", "removed_at")
    list_select_related = ("content_type", "author")


@admin.register(Attachment)
class AttachmentAdmin(ReadOnly):
    list_display = ("id", "name", "media_type", "size", "content_type", "object_id", "created_at")
    list_select_related = ("content_type",)
    exclude = ("file",)
