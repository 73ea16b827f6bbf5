"""Impact records are read in the admin, never changed there: every change
goes through impact.services, which audits it."""

from django.contrib import admin
from django.http import HttpRequest

from impact.models import Kpi, Measurement, OutcomeReview, Spend


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


for model in (Kpi, Measurement, Spend, OutcomeReview):
    admin.site.register(model, ReadOnly)
