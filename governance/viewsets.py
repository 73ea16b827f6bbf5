"""API views shared by the apps: the organization's read-only lists, the audit
log, and the transition endpoints of every object with a state machine."""

import json
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import renderers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from governance import access, audit_reader, transitions
from governance.api import AuditEventSerializer, BusinessUnitSerializer, StrategicGoalSerializer
from governance.audit_reader import AuditEventFilter
from governance.errors import UnknownAction
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
    streamed by the view, and errors are answered in JSON; this renders only
    what slips past both."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        return ("detail\r\n" + json.dumps(data) + "\r\n").encode()


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit log, oldest first, for auditors and the CoE lead only.
    `?format=csv` streams the filtered log as CSV."""

    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer]

    def get_renderers(self) -> list[renderers.BaseRenderer]:
        # Only the list exports CSV; one event is read in JSON.
        if self.action == "list":
            return [*super().get_renderers(), CSVRenderer()]
        return super().get_renderers()

    def handle_exception(self, exc: Exception) -> Response:
        # An export that fails (not allowed, a bad filter) answers in JSON, as
        # every other operation does, so that a client can read the error.
        accepted = getattr(self.request, "accepted_renderer", None)
        if isinstance(accepted, CSVRenderer):
            self.request.accepted_renderer = renderers.JSONRenderer()
            self.request.accepted_media_type = renderers.JSONRenderer.media_type
        return super().handle_exception(exc)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if access.READ_AUDIT_LOG not in access.organization_rights(request.user):
            raise PermissionDenied(gettext("Only auditors and the CoE lead read the audit log."))

    def get_queryset(self) -> QuerySet[AuditEvent]:
        return audit_reader.events()

    @extend_schema(
        responses={
            (200, "application/json"): AuditEventSerializer(many=True),
            (200, "text/csv"): OpenApiTypes.STR,
        }
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        if request.accepted_renderer.format == "csv":
            return audit_reader.export(
                self.filter_queryset(self.get_queryset()), "audit-events.csv"
            )
        return super().list(request, *args, **kwargs)


class TransitionSerializer(serializers.Serializer):
    name = serializers.CharField()
    target = serializers.CharField()
    comment_required = serializers.BooleanField()


class TransitionRequestSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class TransitionActionsMixin:
    """`GET {id}/transitions/` (what the caller may take now) and
    `POST {id}/transitions/{name}/` (take one) for a viewset whose objects have
    a state machine. The viewset names its transitions and calls its service in
    `take`; the list is governance.transitions' answer for the object, the
    service decides (403, 409, 400), and the answer is the object as the
    viewset shows it."""

    transition_names: Collection[str] = ()
    # The body of a transition: a comment, and whatever else the viewset's
    # transitions take (passed to `take` by name).
    transition_request: type[TransitionRequestSerializer] = TransitionRequestSerializer

    if TYPE_CHECKING:
        # Provided by the GenericAPIView the mixin is combined with.
        def get_object(self) -> Any: ...
        def get_serializer(self, *args: Any, **kwargs: Any) -> serializers.BaseSerializer[Any]: ...

    def available(self, user: Any, obj: Any) -> list[transitions.Available]:
        return transitions.available_transitions(user, obj)

    def take(self, actor: Any, obj: Any, name: str, comment: str, **options: Any) -> None:
        raise NotImplementedError

    # A plain list, neither paged nor filtered: an object has a handful of transitions.
    @extend_schema(responses=TransitionSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], pagination_class=None)
    def transitions(self, request: Request, pk: str) -> Response:
        """The transitions the caller may take now."""
        obj = self.get_object()
        return Response(TransitionSerializer(self.available(request.user, obj), many=True).data)

    @extend_schema(request=TransitionRequestSerializer)
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[a-z_]+)")
    def take_transition(self, request: Request, pk: str, name: str) -> Response:
        """Take a transition: 403 without the right, 409 from the wrong state or
        after a lost race, 400 for a missing comment or a failed condition."""
        obj = self.get_object()
        if name not in self.transition_names:
            raise UnknownAction(f"No transition named {name!r}.")
        body = self.transition_request(data=request.data)
        body.is_valid(raise_exception=True)
        options = dict(body.validated_data)
        self.take(request.user, obj, name, options.pop("comment"), **options)
        return Response(self.get_serializer(self.get_object()).data)
