from django.contrib import admin

from readiness.models import StageRequirement


@admin.register(StageRequirement)
class StageRequirementAdmin(admin.ModelAdmin):
    """Read-only: the requirements change through the audited page and API."""

    list_display = ["kind", "from_stage", "updated_by", "updated_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
