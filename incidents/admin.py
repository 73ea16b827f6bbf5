"""Playbooks and incidents are read in the admin, never changed there."""

from django.contrib import admin

from governance.admin import ReadOnlyAdmin, ReadOnlyHistoryAdmin
from incidents.models import Incident, IncidentEntry, Playbook, PlaybookVersion


@admin.register(Playbook)
class PlaybookAdmin(ReadOnlyHistoryAdmin):
    list_display = ("title", "state", "version", "owner")
    list_select_related = ("owner",)


@admin.register(PlaybookVersion)
class PlaybookVersionAdmin(ReadOnlyAdmin):
    list_display = ("title", "version", "effective_date", "published_by")
    list_select_related = ("published_by",)


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ("title", "severity", "state", "business_unit", "declared_at")
    list_select_related = ("business_unit",)


@admin.register(IncidentEntry)
class IncidentEntryAdmin(ReadOnlyAdmin):
    list_display = ("incident", "kind", "author", "at")
    list_select_related = ("incident", "author")
