"""REST API for initiatives: thin views over initiatives.services and selectors."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from governance import access
from governance.api import ReadOnlyFieldsGuard
from governance.errors import UnknownAction
from governance.models import StrategicGoal
from initiatives import selectors, services
from initiatives.models import MAX_BUDGET, Audience, Decision, Function, Initiative, State


def _dedupe(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


class VisibleUnitField(serializers.PrimaryKeyRelatedField):
    """A business unit the caller can see; any other id is 'does not exist'."""

    def get_queryset(self) -> QuerySet[Any]:
        return access.visible_units(self.context["request"].user)


class InitiativeSerializer(ReadOnlyFieldsGuard, serializers.ModelSerializer):
    business_unit = VisibleUnitField()
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    goals = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=StrategicGoal.objects.filter(active=True)
    )
    audiences = serializers.ListField(
        child=serializers.ChoiceField(choices=Audience.choices), required=False, max_length=20
    )
    functions = serializers.ListField(
        child=serializers.ChoiceField(choices=Function.choices), required=False, max_length=20
    )
    channels = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=30
    )
    budget = serializers.DecimalField(
        max_digits=15, decimal_places=2, min_value=0, max_value=MAX_BUDGET, required=False
    )
    state = serializers.ChoiceField(choices=State.choices, read_only=True)

    class Meta:
        model = Initiative
        fields = [
            "id",
            "title",
            "summary",
            "business_unit",
            "owner",
            "goals",
            "audiences",
            "functions",
            "channels",
            "budget",
            "risk",
            "kpis",
            "start_date",
            "end_date",
            "state",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "owner", "state", "created_at", "updated_at"]
        create_only_fields = ["business_unit"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for field in ("audiences", "functions", "channels"):
            if field in attrs:
                attrs[field] = _dedupe(attrs[field])
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                {"end_date": "The end date is before the start date."}
            )
        return attrs


class InitiativeDetailSerializer(InitiativeSerializer):
    """One initiative, with the policy versions attested when it was last submitted."""

    attested_policies = serializers.SerializerMethodField()

    class Meta(InitiativeSerializer.Meta):
        fields = [*InitiativeSerializer.Meta.fields, "attested_policies"]

    def get_attested_policies(self, initiative: Initiative) -> list[dict[str, Any]]:
        from policies.selectors import attested_versions  # policies depends on initiatives

        return attested_versions(initiative)


class TransitionSerializer(serializers.Serializer):
    name = serializers.CharField()
    target = serializers.CharField()
    comment_required = serializers.BooleanField()


class TransitionRequestSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class DecisionSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Decision
        fields = ["transition", "source", "target", "actor", "comment", "at"]


class InitiativeFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=State.choices)
    business_unit = django_filters.NumberFilter(field_name="business_unit_id")
    search = django_filters.CharFilter(field_name="title", lookup_expr="icontains")

    class Meta:
        model = Initiative
        fields = ["state", "business_unit", "search"]


class InitiativeViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Initiatives of the business units the caller can see."""

    serializer_class = InitiativeSerializer
    filterset_class = InitiativeFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Initiative]:
        return selectors.visible_initiatives(self.request.user)

    def get_serializer_class(self) -> type[InitiativeSerializer]:
        # Only the detail carries the attestations, so the list stays a fixed number of queries.
        return InitiativeDetailSerializer if self.action == "retrieve" else InitiativeSerializer

    def perform_create(self, serializer: InitiativeSerializer) -> None:
        serializer.instance = services.initiative_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer: InitiativeSerializer) -> None:
        serializer.instance = services.initiative_update(
            actor=self.request.user,
            initiative=serializer.instance,
            changes=serializer.validated_data,
        )

    @extend_schema(responses=TransitionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def transitions(self, request: Request, pk: str) -> Response:
        """The transitions the caller may take now."""
        initiative = self.get_object()
        available = selectors.available_transitions(request.user, initiative)
        return Response(TransitionSerializer(available, many=True).data)

    @extend_schema(request=TransitionRequestSerializer, responses=InitiativeSerializer)
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[a-z_]+)")
    def take_transition(self, request: Request, pk: str, name: str) -> Response:
        """Take a transition. 403 without the right, 409 from the wrong state."""
        initiative = self.get_object()
        if name not in selectors.TRANSITIONS:
            raise UnknownAction(f"No transition named {name!r}.")
        body = TransitionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        initiative = services.initiative_transition(
            actor=request.user,
            initiative=initiative,
            name=name,
            comment=body.validated_data["comment"],
        )
        return Response(self.get_serializer(initiative).data)

    @extend_schema(responses=DecisionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def decisions(self, request: Request, pk: str) -> Response:
        """The decision log of the initiative, oldest first."""
        initiative = self.get_object()
        decisions = selectors.decisions_of(initiative)
        page = self.paginate_queryset(decisions)
        return self.get_paginated_response(DecisionSerializer(page, many=True).data)
