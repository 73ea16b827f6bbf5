from django.contrib import admin

from governance.admin import ReadOnlyAdmin, ReadOnlyHistoryAdmin
from initiatives.models import Amendment, Decision, Initiative


@admin.register(Initiative)
class InitiativeAdmin(ReadOnlyHistoryAdmin):
    """Staff read initiatives and their history here; every change goes through
    the workflow."""

    list_display = ["title", "business_unit", "state", "owner", "budget", "risk"]
    list_filter = ["state", "business_unit", "risk"]
    search_fields = ["title"]
    list_select_related = ["business_unit", "owner"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["at", "initiative", "transition", "source", "target", "actor", "on_behalf_of"]
    list_filter = ["transition"]
    list_select_related = ["initiative", "actor", "on_behalf_of"]


@admin.register(Amendment)
class AmendmentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "initiative", "state", "proposed_by"]
    list_filter = ["state"]
    list_select_related = ["initiative", "proposed_by"]
