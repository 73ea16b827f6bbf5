"""Accounts are read in the admin, never changed there: a change must go
through the services, which audit it."""

from django.contrib import admin

from governance.admin import ReadOnlyAdmin, ReadOnlyHistoryAdmin
from social_accounts.models import Reassignment, SocialAccount


@admin.register(SocialAccount)
class SocialAccountAdmin(ReadOnlyHistoryAdmin):
    list_display = ("handle", "channel", "business_unit", "owner", "state", "paused")
    list_filter = ("state", "channel", "paused")
    list_select_related = ("business_unit", "owner")
    search_fields = ("handle",)


@admin.register(Reassignment)
class ReassignmentAdmin(ReadOnlyAdmin):
    list_display = ("user", "created_at", "resolved_at", "resolved_by")
    list_select_related = ("user", "resolved_by")
