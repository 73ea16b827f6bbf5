"""REST API of playbooks and incidents: /api/playbooks/ and /api/incidents/."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from governance import access
from governance.api import ActiveUserByName, ReadOnlyFieldsGuard
from governance.requests import signed_in_user
from governance.viewsets import TransitionActionsMixin, TransitionRequestSerializer
from incidents import selectors, services
from incidents.models import (
    ContactRole,
    Incident,
    IncidentEntry,
    IncidentState,
    Playbook,
    PlaybookState,
    Severity,
)
from social_accounts.models import SocialAccount


class ContactSerializer(serializers.Serializer):
    severity = serializers.ChoiceField(choices=Severity.choices)
    role = serializers.ChoiceField(choices=ContactRole.choices, required=False, allow_blank=True)
    person = ActiveUserByName(required=False, allow_null=True)
    backup = ActiveUserByName(required=False, allow_null=True)


class PlaybookSerializer(ReadOnlyFieldsGuard, serializers.ModelSerializer):
    contacts = serializers.SerializerMethodField()
    contacts_input = ContactSerializer(
        many=True, write_only=True, required=False, source="contacts"
    )
    state = serializers.ChoiceField(choices=PlaybookState.choices, read_only=True)
    owner = serializers.CharField(source="owner.username", read_only=True)
    accounts = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=SocialAccount.objects.all()
    )

    class Meta:
        model = Playbook
        fields = [
            "id",
            "title",
            "body",
            "owner",
            "business_units",
            "accounts",
            "effective_date",
            "version",
            "state",
            "contacts",
            "contacts_input",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "owner", "version", "state", "created_at", "updated_at"]

    def get_contacts(self, playbook: Playbook) -> list[dict[str, Any]]:
        return [
            {
                "severity": c.severity,
                "role": c.role,
                "person": c.person.username if c.person else None,
                "backup": c.backup.username if c.backup else None,
            }
            for c in playbook.contacts.all()
        ]


class PublishRequestSerializer(TransitionRequestSerializer):
    effective_date = serializers.DateField(required=False, allow_null=True, default=None)


class PlaybookViewSet(
    TransitionActionsMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Crisis playbooks, versioned like policies: the CoE drafts, the CoE lead publishes."""

    serializer_class = PlaybookSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    transition_names = tuple(selectors.PLAYBOOK_TRANSITIONS)
    transition_request = PublishRequestSerializer

    def get_queryset(self) -> QuerySet[Playbook]:
        if getattr(self, "swagger_fake_view", False):
            return Playbook.objects.none()
        return (
            selectors.visible_playbooks(user=self.request.user)
            .prefetch_related("business_units", "accounts", "contacts__person", "contacts__backup")
            .order_by("title", "id")
        )

    def _require_edit(self) -> None:
        if access.EDIT_POLICIES not in access.organization_rights(self.request.user):
            raise PermissionDenied(gettext("Only the CoE writes playbooks."))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._require_edit()
        return super().create(request, *args, **kwargs)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.get_object()
        self._require_edit()
        return super().update(request, *args, **kwargs)

    def perform_create(self, serializer: serializers.BaseSerializer[Playbook]) -> None:
        serializer.instance = services.playbook_create(
            actor=signed_in_user(self.request), **dict(serializer.validated_data)
        )

    def perform_update(self, serializer: serializers.BaseSerializer[Playbook]) -> None:
        assert isinstance(serializer.instance, Playbook)
        serializer.instance = services.playbook_update(
            actor=signed_in_user(self.request),
            playbook=serializer.instance,
            **dict(serializer.validated_data),
        )

    def take(self, actor: Any, obj: Any, name: str, comment: str, **options: Any) -> None:
        services.playbook_transition(
            actor=actor,
            playbook=obj,
            name=name,
            comment=comment,
            effective_date=options.get("effective_date") if name == "publish" else None,
        )


class EntrySerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)

    class Meta:
        model = IncidentEntry
        fields = ["id", "kind", "text", "severity", "author", "at"]
        read_only_fields = fields


class IncidentSerializer(ReadOnlyFieldsGuard, serializers.ModelSerializer):
    severity = serializers.ChoiceField(choices=Severity.choices)
    state = serializers.ChoiceField(choices=IncidentState.choices, read_only=True)
    declared_by = serializers.CharField(source="declared_by.username", read_only=True)
    accounts = serializers.PrimaryKeyRelatedField(many=True, queryset=SocialAccount.objects.all())
    responders: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="username"
    )

    class Meta:
        model = Incident
        fields = [
            "id",
            "title",
            "description",
            "severity",
            "business_unit",
            "accounts",
            "declared_by",
            "declared_at",
            "playbook_version",
            "responders",
            "state",
            "review",
            "closed_at",
        ]
        read_only_fields = [
            "id",
            "business_unit",
            "declared_by",
            "declared_at",
            "playbook_version",
            "state",
            "review",
            "closed_at",
        ]


class PostSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[IncidentEntry.Kind.UPDATE.value, IncidentEntry.Kind.DECISION.value]
    )
    text = serializers.CharField(max_length=5000)


class EscalateSerializer(serializers.Serializer):
    severity = serializers.ChoiceField(choices=Severity.choices)
    text = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class CloseSerializer(serializers.Serializer):
    review = serializers.CharField(max_length=10000)


class IncidentViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Incidents of the units the caller sees. POST declares one: the playbook
    in force calls its contacts at the severity."""

    serializer_class = IncidentSerializer
    filterset_fields = ["state", "severity"]

    def get_queryset(self) -> QuerySet[Incident]:
        if getattr(self, "swagger_fake_view", False):
            return Incident.objects.none()
        return (
            selectors.visible_incidents(user=self.request.user)
            .prefetch_related("accounts", "responders")
            .order_by("-declared_at", "-id")
        )

    def perform_create(self, serializer: serializers.BaseSerializer[Incident]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = services.incident_declare(
            actor=signed_in_user(self.request),
            accounts=data["accounts"],
            severity=data["severity"],
            title=data["title"],
            description=data.get("description", ""),
        )

    @extend_schema(responses=EntrySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], pagination_class=None)
    def timeline(self, request: Request, pk: str) -> Response:
        incident = self.get_object()
        return Response(EntrySerializer(incident.entries.select_related("author"), many=True).data)

    @extend_schema(request=PostSerializer, responses={201: EntrySerializer})
    @action(detail=True, methods=["post"])
    def post(self, request: Request, pk: str) -> Response:
        incident = self.get_object()
        body = PostSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = services.incident_post(
            actor=signed_in_user(request), incident=incident, **body.validated_data
        )
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EscalateSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request: Request, pk: str) -> Response:
        incident = self.get_object()
        body = EscalateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.incident_escalate(
            actor=signed_in_user(request), incident=incident, **body.validated_data
        )
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=CloseSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        incident = self.get_object()
        body = CloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.incident_close(
            actor=signed_in_user(request), incident=incident, review=body.validated_data["review"]
        )
        return Response(self.get_serializer(self.get_object()).data)
