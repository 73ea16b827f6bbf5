"""Read-only API of the organization and of the audit log."""

import csv
import json
from collections.abc import Iterator
from typing import Any

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import StreamingHttpResponse
from rest_framework import renderers, viewsets
from rest_framework.request import Request

from governance import access
from governance.api import AuditEventSerializer, BusinessUnitSerializer, StrategicGoalSerializer
from governance.models import AuditEvent, BusinessUnit, StrategicGoal


class BusinessUnitViewSet(viewsets.ReadOnlyModelViewSet):
    """The business units the caller can see."""

    serializer_class = BusinessUnitSerializer
    filterset_fields = ["kind"]

    def get_queryset(self) -> QuerySet[BusinessUnit]:
        return access.visible_units(self.request.user).order_by("name")


class StrategicGoalViewSet(viewsets.ReadOnlyModelViewSet):
    """The organization's strategic goals."""

    serializer_class = StrategicGoalSerializer
    queryset = StrategicGoal.objects.order_by("title")
    filterset_fields = ["active"]


class CSVRenderer(renderers.BaseRenderer):
    """Lets `?format=csv` through content negotiation. The export itself is
    streamed by the view; this renders only what is not a list (an error)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        return ("detail\r\n" + json.dumps(data) + "\r\n").encode()


class _Echo:
    """A file-like object that hands back what csv.writer writes to it."""

    def write(self, value: str) -> str:
        return value


CSV_COLUMNS = [
    "seq",
    "id",
    "at",
    "event",
    "actor",
    "object_type",
    "object_id",
    "object_repr",
    "old",
    "new",
    "comment",
    "prev_hash",
    "hash",
]


def _csv_rows(events: QuerySet[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    # iterator(): rows are read from the database in chunks as the response is
    # sent, never all at once.
    for e in events.iterator(chunk_size=1000):
        yield writer.writerow(
            [
                e.seq,
                e.pk,
                e.at.isoformat(),
                e.event,
                e.actor.get_username() if e.actor else "",
                e.object_type,
                e.object_id,
                e.object_repr,
                "" if e.old is None else json.dumps(e.old, sort_keys=True),
                "" if e.new is None else json.dumps(e.new, sort_keys=True),
                e.comment,
                e.prev_hash,
                e.hash,
            ]
        )


class AuditEventFilter(django_filters.FilterSet):
    object_type = django_filters.CharFilter()
    object_id = django_filters.CharFilter()
    actor = django_filters.CharFilter(method="filter_actor")
    event = django_filters.CharFilter()
    since = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ["object_type", "object_id", "actor", "event", "since", "until"]

    def filter_actor(
        self, queryset: QuerySet[AuditEvent], name: str, value: str
    ) -> QuerySet[AuditEvent]:
        """A user name, or a user id."""
        condition = Q(actor__username=value)
        # A number that fits a user id; a longer one would overflow the column.
        if value.isdigit() and len(value) < 19:
            condition |= Q(actor_id=int(value))
        return queryset.filter(condition)


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit log, oldest first, for auditors and the CoE lead only.
    `?format=csv` streams the filtered log as CSV."""

    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer, CSVRenderer]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if access.READ_AUDIT_LOG not in access.organization_rights(request.user):
            raise PermissionDenied("Only auditors and the CoE lead read the audit log.")

    def get_queryset(self) -> QuerySet[AuditEvent]:
        return AuditEvent.objects.select_related("actor").order_by("seq")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        if request.accepted_renderer.format == "csv":
            events = self.filter_queryset(self.get_queryset())
            response = StreamingHttpResponse(_csv_rows(events), content_type="text/csv")
            response["Content-Disposition"] = 'attachment; filename="audit-events.csv"'
            return response
        return super().list(request, *args, **kwargs)
