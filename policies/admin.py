"""Staff read policies, versions, acknowledgments, attestations and exceptions
here; every change goes through the services, and history is never rewritten."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from policies.models import Acknowledgment, Attestation, Policy, PolicyException, PolicyVersion


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Policy)
class PolicyAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["title", "category", "state", "version", "next_review_due", "owner"]
    list_filter = ["state", "category"]
    search_fields = ["title"]
    list_select_related = ["owner"]

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        # simple-history saves a POSTed history form (a revert) without asking
        # whether reverts are disabled; history is only ever shown here.
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["policy", "version", "effective_date", "published_at", "published_by"]
    list_select_related = ["policy", "published_by"]


@admin.register(Acknowledgment)
class AcknowledgmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["policy", "version", "user", "at"]
    list_select_related = ["policy", "user"]


@admin.register(Attestation)
class AttestationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["initiative", "policy", "version", "user", "at"]
    list_select_related = ["initiative", "policy", "user"]


@admin.register(PolicyException)
class PolicyExceptionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["policy", "initiative", "state", "expires_on", "requested_by", "decided_by"]
    list_filter = ["state"]
    list_select_related = ["policy", "initiative", "requested_by", "decided_by"]
