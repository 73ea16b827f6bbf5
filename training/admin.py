from django.contrib import admin

from training.models import Attempt, Course


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    """Read-only: courses change through the audited pages and API."""

    list_display = ["title", "state", "version", "audience", "policy"]
    list_filter = ["state", "audience"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["user", "course", "course_version", "score", "passed", "at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
