"""REST API for sponsors: the portfolio, its CSV export, delegations, the
scoring weights and each user's notification choices."""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, StreamingHttpResponse
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.api import ActiveUserByName
from governance.csv_export import csv_response_chunked
from governance.requests import signed_in_user
from initiatives.models import ScoringCriterion
from sponsors import selectors, services
from sponsors.models import Delegation, NotificationKind, NotificationPreference


class _Item(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    business_unit = serializers.CharField(source="business_unit.name")
    state = serializers.CharField()
    budget = serializers.DecimalField(max_digits=15, decimal_places=2)


class _WaitingItem(_Item):
    owner = serializers.CharField(source="owner.username")
    waiting_days = serializers.IntegerField(source="wait.waiting_days", allow_null=True)
    overdue = serializers.BooleanField(source="wait.overdue")


class _AwaitingItem(_WaitingItem):
    score = serializers.FloatField()
    priority_rank = serializers.IntegerField()


class _UnitBudget(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    budget = serializers.DecimalField(max_digits=17, decimal_places=2)


class _GoalBudget(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    active = serializers.BooleanField()
    budget = serializers.DecimalField(max_digits=17, decimal_places=2)


class _Coverage(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    policies = serializers.IntegerField()
    staff = serializers.IntegerField()
    acknowledged_current = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)


class _ExpiringException(serializers.Serializer):
    id = serializers.IntegerField()
    policy = serializers.CharField(source="policy.title")
    initiative = serializers.IntegerField(source="initiative_id")
    initiative_title = serializers.CharField(source="initiative.title")
    expires_on = serializers.DateField()


class PortfolioSerializer(serializers.Serializer):
    currency = serializers.SerializerMethodField()
    business_units = serializers.ListField(child=serializers.DictField())
    counts_by_state = serializers.DictField(child=serializers.IntegerField())
    committed_budget = serializers.DecimalField(max_digits=17, decimal_places=2)
    budget_by_business_unit = _UnitBudget(many=True)
    budget_by_goal = _GoalBudget(many=True)
    aligned_budget = serializers.DecimalField(max_digits=17, decimal_places=2)
    aligned_share = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True)
    without_goal = _Item(many=True, help_text="The first items; `without_goal_url` lists all.")
    without_goal_count = serializers.IntegerField()
    without_goal_url = serializers.CharField()
    awaiting_decision = _AwaitingItem(
        many=True, help_text="The first items; `awaiting_decision_url` lists all."
    )
    awaiting_decision_count = serializers.IntegerField()
    awaiting_decision_url = serializers.CharField()
    overdue = _WaitingItem(many=True, help_text="The first items; `overdue_url` lists all.")
    overdue_count = serializers.IntegerField()
    overdue_url = serializers.CharField()
    policy_coverage = _Coverage(many=True)
    exceptions_expiring = _ExpiringException(many=True)

    @extend_schema_field(
        {"type": "string", "description": "The ISO 4217 code of every budget (DJANGO_CURRENCY)."}
    )
    def get_currency(self, data: Any) -> str:
        return settings.CURRENCY


_UNIT_PARAMETER = OpenApiParameter("business_unit", OpenApiTypes.INT, required=False)


def _units(request: Request) -> Any:
    raw = request.query_params.get("business_unit")
    if not raw:
        return selectors.portfolio_units(user=request.user)
    try:
        unit = int(raw)
    except ValueError:
        raise serializers.ValidationError(
            {"business_unit": gettext("Expected a unit id.")}
        ) from None
    units = selectors.portfolio_units(user=request.user, business_unit=unit)
    if not units.exists():
        raise Http404("No such business unit in your portfolio.")
    return units


class PortfolioView(APIView):
    """Counts, committed budgets, goal alignment, decisions awaiting the caller
    and overdue items across the units the caller oversees."""

    @extend_schema(parameters=[_UNIT_PARAMETER], responses=PortfolioSerializer)
    def get(self, request: Request) -> Response:
        units = _units(request)
        narrowed = request.query_params.get("business_unit")
        data = selectors.portfolio(
            user=request.user, units=units, business_unit=int(narrowed) if narrowed else None
        )
        return Response(PortfolioSerializer(data).data)


EXPORT_COLUMNS = [
    "id",
    "title",
    "business_unit",
    "state",
    "owner",
    "budget",
    "currency",
    "risk",
    "goals",
    "score",
    "waiting_days",
    "overdue",
    "start_date",
    "end_date",
    "created_at",
]


class PortfolioExportView(APIView):
    """The portfolio's initiatives as CSV, one row each, streamed."""

    @extend_schema(parameters=[_UNIT_PARAMETER], responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request: Request) -> StreamingHttpResponse:
        chunks = selectors.export_chunks(units=_units(request))
        return csv_response_chunked(EXPORT_COLUMNS, chunks, "portfolio.csv")


class DelegationSerializer(serializers.ModelSerializer):
    sponsor = serializers.CharField(source="sponsor.user.username", read_only=True)
    delegate = ActiveUserByName()
    active = serializers.SerializerMethodField()

    class Meta:
        model = Delegation
        fields = [
            "id",
            "sponsor",
            "delegate",
            "starts_on",
            "ends_on",
            "reason",
            "created_at",
            "ended_at",
            "active",
        ]
        read_only_fields = ["id", "sponsor", "created_at", "ended_at", "active"]

    def get_active(self, delegation: Delegation) -> bool:
        from django.utils import timezone

        today = timezone.localdate()
        return delegation.ended_at is None and delegation.starts_on <= today <= delegation.ends_on


class DelegationViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Delegations of sign-off the caller gave or received."""

    serializer_class = DelegationSerializer

    def get_queryset(self) -> QuerySet[Delegation]:
        if getattr(self, "swagger_fake_view", False):
            # Schema generation: no one is signed in.
            return Delegation.objects.none()
        return selectors.delegations_for(user=signed_in_user(self.request))

    def perform_create(self, serializer: serializers.BaseSerializer[Delegation]) -> None:
        serializer.instance = services.delegation_create(
            actor=signed_in_user(self.request), **serializer.validated_data
        )

    @extend_schema(request=None, responses=DelegationSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> Response:
        delegation = services.delegation_end(
            actor=signed_in_user(request), delegation=self.get_object()
        )
        return Response(self.get_serializer(delegation).data)


class ScoringWeightsSerializer(serializers.Serializer):
    weights = serializers.DictField(
        child=serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0)
    )


class ScoringWeightsView(APIView):
    """The weights of the priority score; the CoE lead changes them."""

    @extend_schema(responses=ScoringWeightsSerializer)
    def get(self, request: Request) -> Response:
        weights = dict(ScoringCriterion.objects.values_list("key", "weight"))
        return Response(ScoringWeightsSerializer({"weights": weights}).data)

    @extend_schema(request=ScoringWeightsSerializer, responses=ScoringWeightsSerializer)
    def patch(self, request: Request) -> Response:
        body = ScoringWeightsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        weights = services.scoring_weights_set(
            actor=signed_in_user(request), weights=body.validated_data["weights"]
        )
        return Response(ScoringWeightsSerializer({"weights": weights}).data)


class NotificationSettingsSerializer(serializers.Serializer):
    """Email at all, email per kind, and the language of emails and notifications."""

    email_enabled = serializers.BooleanField(required=False)
    email_decisions = serializers.BooleanField(required=False)
    email_reminders = serializers.BooleanField(required=False)
    email_mentions = serializers.BooleanField(required=False)
    language = serializers.ChoiceField(
        choices=[("", ""), *settings.LANGUAGES], required=False, allow_blank=True
    )


def _notification_settings(preference: NotificationPreference | None) -> dict[str, Any]:
    preference = preference or NotificationPreference()
    return {
        "email_enabled": preference.email_enabled,
        **{f"email_{kind}": getattr(preference, f"email_{kind}") for kind in NotificationKind},
        "language": preference.language,
    }


class NotificationSettingsView(APIView):
    """The caller's own notification choices (a PATCH changes the fields it names)."""

    @extend_schema(responses=NotificationSettingsSerializer)
    def get(self, request: Request) -> Response:
        preference = NotificationPreference.objects.filter(user=signed_in_user(request)).first()
        return Response(_notification_settings(preference))

    @extend_schema(request=NotificationSettingsSerializer, responses=NotificationSettingsSerializer)
    def patch(self, request: Request) -> Response:
        body = NotificationSettingsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        preference = services.notifications_set(
            actor=signed_in_user(request),
            email_enabled=data.get("email_enabled"),
            kinds={
                kind: data[f"email_{kind}"] for kind in NotificationKind if f"email_{kind}" in data
            },
            language=data.get("language"),
        )
        return Response(_notification_settings(preference), status=status.HTTP_200_OK)
