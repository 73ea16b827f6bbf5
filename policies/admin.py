"""Staff read policies, versions, acknowledgments, attestations and exceptions
here; every change goes through the services, and history is never rewritten."""

from django.contrib import admin

from governance.admin import ReadOnlyHistoryAdmin, ReadOnlyMixin
from policies.models import Acknowledgment, Attestation, Policy, PolicyException, PolicyVersion


@admin.register(Policy)
class PolicyAdmin(ReadOnlyHistoryAdmin):
    list_display = ["title", "category", "state", "version", "next_review_due", "owner"]
    list_filter = ["state", "category"]
    search_fields = ["title"]
    list_select_related = ["owner"]


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
