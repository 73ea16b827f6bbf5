"""Admin of the maturity criteria (reworded by the CoE lead, audited) and the
recorded assessments (read-only)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from governance.admin import ReadOnlyAdmin
from governance.requests import signed_in_user
from maturity import services
from maturity.models import MaturityAssessment, MaturityCriterion


@admin.register(MaturityCriterion)
class MaturityCriterionAdmin(admin.ModelAdmin):
    """The published criteria. Their wording, stage, link and whether they count
    can change (by the CoE lead, audited); the set itself comes with the product."""

    list_display = ["key", "stage", "kind", "title", "active"]
    list_filter = ["stage", "kind", "active"]
    readonly_fields = ["key", "kind"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: MaturityCriterion, form: Any, change: bool
    ) -> None:
        changes = {field: form.cleaned_data[field] for field in form.changed_data}
        original = MaturityCriterion.objects.get(pk=obj.pk)
        services.maturity_criterion_update(
            actor=signed_in_user(request), criterion=original, changes=changes
        )


@admin.register(MaturityAssessment)
class MaturityAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["at", "business_unit", "stage", "assessed_by"]
    list_filter = ["stage", "business_unit"]
    list_select_related = ["business_unit", "assessed_by"]
