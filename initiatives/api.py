"""REST API for initiatives: thin views over initiatives.services and selectors."""

import copy
import functools
from collections.abc import Callable
from typing import Any

import django_filters
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.fields import get_error_detail
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response

from governance import access
from governance.api import IdField, IdFilter, ReadOnlyFieldsGuard
from governance.models import BusinessUnit, StrategicGoal
from governance.requests import signed_in_user
from governance.viewsets import TransitionActionsMixin
from initiatives import amendment_parts, selectors, services
from initiatives.models import (
    AMENDABLE_FIELDS,
    EDITABLE_FIELDS,
    Amendment,
    AmendmentState,
    Decision,
    Initiative,
    State,
)


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class NameListField(serializers.JSONField):
    """A list stored as JSON (audiences, functions, channels); the model's clean
    says which values it may hold."""


class ModelCleanMixin(serializers.ModelSerializer):
    """Check the values with the model's own rules (its `clean`), on a copy of the
    object with the changes applied, and take back what it normalised."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.JSONField: NameListField,
    }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        model: type[models.Model] = self.Meta.model
        trial = copy.copy(self.instance) if self.instance is not None else model()
        relations = {f.name for f in model._meta.many_to_many}
        values = {name: value for name, value in attrs.items() if name not in relations}
        for name, value in values.items():
            setattr(trial, name, value)
        try:
            trial.clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(get_error_detail(error)) from error
        return attrs | {name: getattr(trial, name) for name in values}


class VisibleUnitField(serializers.PrimaryKeyRelatedField):
    """A business unit the caller can see; any other id is 'does not exist'."""

    def get_queryset(self) -> QuerySet[BusinessUnit]:
        return access.visible_units(self.context["request"].user)


class InitiativeSerializer(ReadOnlyFieldsGuard, ModelCleanMixin):
    business_unit = VisibleUnitField()
    owner = serializers.SerializerMethodField()
    goals = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=StrategicGoal.objects.filter(active=True)
    )
    state = serializers.ChoiceField(choices=State.choices, read_only=True)
    score = serializers.SerializerMethodField()
    waiting_days = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    currency = serializers.SerializerMethodField()

    class Meta:
        model = Initiative
        # In the order answers have always had: the unit and owner after title and summary.
        fields = [
            "id",
            *EDITABLE_FIELDS[:2],
            "business_unit",
            "owner",
            *EDITABLE_FIELDS[2:],
            "state",
            "score",
            "waiting_days",
            "overdue",
            "created_at",
            "updated_at",
            "currency",
        ]
        read_only_fields = [
            "id",
            "owner",
            "state",
            "score",
            "waiting_days",
            "overdue",
            "created_at",
            "updated_at",
            "currency",
        ]
        create_only_fields = ["business_unit"]

    @extend_schema_field({"type": "string", "description": "The owner's user name."})
    def get_owner(self, initiative: Initiative) -> str:
        # The list reads the name with the rows (selectors.as_listed), not the user.
        listed = getattr(initiative, "owner_username", None)
        return listed if listed is not None else initiative.owner.get_username()

    @extend_schema_field(
        {"type": "string", "description": "The ISO 4217 code of `budget` (DJANGO_CURRENCY)."}
    )
    def get_currency(self, initiative: Initiative) -> str:
        return settings.CURRENCY

    def get_score(self, initiative: Initiative) -> float | None:
        # The stored score, rounded as people read it.
        return round(initiative.score, 1)

    def _wait(self, initiative: Initiative) -> selectors.Wait:
        # Both fields read the same wait: work it out once per row.
        wait = getattr(initiative, "_wait", None)
        if wait is None:
            wait = selectors.waiting(initiative=initiative)
            initiative._wait = wait  # type: ignore[attr-defined]
        return wait

    def get_waiting_days(self, initiative: Initiative) -> int | None:
        return self._wait(initiative).waiting_days

    def get_overdue(self, initiative: Initiative) -> bool:
        return self._wait(initiative).overdue


class ListedInitiatives:
    """The list's page in the JSON of InitiativeSerializer, built from the
    rows read as values (selectors.listed_rows) and the goals' ids read in one
    query, instead of an initiative object per row read field by field: the
    same answer for a fraction of the Python. The budget and the times are
    written by the serializer's own fields; tests/initiatives/test_api_list.py
    holds every row to the serializer's answer."""

    @functools.cached_property
    def _fields(self) -> dict[str, serializers.Field]:
        # Built once per process: the serializer's fields take longer to make
        # than a page takes to write.
        return dict(InitiativeSerializer().fields)

    def __call__(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        fields = self._fields
        budget = fields["budget"].to_representation
        created_at = fields["created_at"].to_representation
        updated_at = fields["updated_at"].to_representation
        goals = selectors.goal_ids_of(initiative_ids=[row["id"] for row in rows])
        today = timezone.localdate()
        currency = settings.CURRENCY
        answer = []
        for row in rows:
            wait = selectors.wait_of(state=row["state"], since=row["waiting_since"], today=today)
            start, end = row["start_date"], row["end_date"]
            answer.append(
                {
                    "id": row["id"],
                    "title": row["title"],
                    "summary": row["summary"],
                    "business_unit": row["business_unit_id"],
                    "owner": row["owner_username"],
                    "goals": goals[row["id"]],
                    "audiences": row["audiences"],
                    "functions": row["functions"],
                    "channels": row["channels"],
                    "budget": budget(row["budget"]),
                    "risk": row["risk"],
                    "kpis": row["kpis"],
                    "expected_impact": row["expected_impact"],
                    "effort": row["effort"],
                    "start_date": None if start is None else start.isoformat(),
                    "end_date": None if end is None else end.isoformat(),
                    "state": row["state"],
                    "score": round(row["score"], 1),
                    "waiting_days": wait.waiting_days,
                    "overdue": wait.overdue,
                    "created_at": created_at(row["created_at"]),
                    "updated_at": updated_at(row["updated_at"]),
                    "currency": currency,
                }
            )
        return answer


LISTED = ListedInitiatives()


# Read-only fields that apps above add to one initiative's answer, by name, in
# the order registered (policies adds the versions attested on submission).
DETAIL_FIELDS: dict[str, Callable[[], serializers.Field]] = {}


def register_detail_field(name: str, field: Callable[[], serializers.Field]) -> None:
    """Add a read-only field to the initiative detail; call from AppConfig.ready()."""
    DETAIL_FIELDS[name] = field


class ChainStepSerializer(serializers.Serializer):
    step = serializers.CharField()
    state = serializers.CharField()


# The approval chain stored at submission: the CoE's review, then the steps
# of the routing rule that matched, each pending, approved or rejected.
register_detail_field("approval_chain", lambda: ChainStepSerializer(many=True, read_only=True))


class InitiativeDetailSerializer(InitiativeSerializer):
    """One initiative, with what the apps above add to it (DETAIL_FIELDS)."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for name, field in DETAIL_FIELDS.items():
            fields[name] = field()
        return fields


class DecisionSerializer(serializers.ModelSerializer):
    actor: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    # Set only when a delegate decided for a sponsor.
    on_behalf_of: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Decision
        fields = [
            "transition",
            "source",
            "target",
            "actor",
            "on_behalf_of",
            "comment",
            "at",
            "amendment",
        ]


class BulkTransitionSerializer(serializers.Serializer):
    transition = serializers.ChoiceField(choices=sorted(selectors.TRANSITIONS))
    ids = serializers.ListField(child=IdField(), min_length=1, max_length=200)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class BulkOutcomeSerializer(serializers.Serializer):
    """What became of one item: done (200), refused (400, 403, 404, 409) or,
    on an unexpected error (500), the id under which the log holds it."""

    id = serializers.IntegerField()
    ok = serializers.BooleanField()
    status = serializers.IntegerField()
    state = serializers.CharField(allow_null=True)
    reason = serializers.CharField(allow_null=True)
    # Not read-only, so that the schema marks it optional: only errors carry it.
    error_id = serializers.CharField(
        required=False, help_text="Only on an unexpected error (status 500)."
    )

    def to_representation(self, instance: Any) -> dict[str, Any]:
        answer = super().to_representation(instance)
        if answer.get("error_id") is None:
            answer.pop("error_id", None)
        return answer


class ApprovedVersionSerializer(serializers.Serializer):
    """The historical record an approval pinned, and who approved it when."""

    history_id = serializers.IntegerField(source="approved_version.history_id")
    approved_at = serializers.DateTimeField(source="at")
    approved_by = serializers.CharField(source="actor.username")
    on_behalf_of = serializers.CharField(source="on_behalf_of.username", allow_null=True)
    transition = serializers.CharField()
    amendment = serializers.IntegerField(source="amendment_id", allow_null=True)
    initiative = serializers.SerializerMethodField()

    def get_initiative(self, decision: Decision) -> dict[str, Any]:
        version = decision.approved_version
        # Only decisions that pinned a version are shown (selectors.last_approval).
        assert version is not None
        return {
            "title": version.title,
            "summary": version.summary,
            "business_unit": version.business_unit_id,
            "goals": sorted(row.strategicgoal_id for row in version.goals.all()),
            "audiences": version.audiences,
            "functions": version.functions,
            "channels": version.channels,
            "budget": f"{version.budget:.2f}",
            "risk": version.risk,
            "kpis": version.kpis,
            "expected_impact": version.expected_impact,
            "effort": version.effort,
            "start_date": version.start_date,
            "end_date": version.end_date,
            "state": version.state,
        }


class AmendmentChangesSerializer(ModelCleanMixin):
    """What an amendment may change; only the fields given are changed."""

    goals = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=StrategicGoal.objects.filter(active=True)
    )

    class Meta:
        model = Initiative
        fields = AMENDABLE_FIELDS
        # An amendment changes what it names and nothing else, and cannot clear the summary.
        extra_kwargs = {name: {"required": False} for name in AMENDABLE_FIELDS} | {
            "summary": {"required": False, "allow_blank": False, "max_length": 10000}
        }

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = set(data) - set(AMENDABLE_FIELDS)
            if unknown:
                raise serializers.ValidationError(
                    {f: ["An amendment cannot change this field."] for f in sorted(unknown)}
                )
        return super().to_internal_value(data)


class AmendmentSerializer(serializers.ModelSerializer):
    proposed_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    changes = AmendmentChangesSerializer(write_only=True, required=False)
    proposed_changes = serializers.JSONField(source="changes", read_only=True)
    state = serializers.ChoiceField(choices=AmendmentState.choices, read_only=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        """The fields, and one for each amendment part the apps above carry
        (`kpi_changes`): written as given, read as the changes against the
        approved values."""
        fields = super().get_fields()
        for part in amendment_parts.amendment_parts:
            fields[part.key] = serializers.JSONField(required=False)
        return fields

    def to_representation(self, instance: Amendment) -> dict[str, Any]:
        data = super().to_representation(instance)
        for part in amendment_parts.amendment_parts:
            data[part.key] = part.describe(amendment=instance)
        return data

    class Meta:
        model = Amendment
        fields = [
            "id",
            "initiative",
            "proposed_by",
            "changes",
            "proposed_changes",
            "reason",
            "state",
            "created_at",
        ]
        read_only_fields = ["id", "initiative", "proposed_by", "state", "created_at"]


class InitiativeFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=State.choices)
    business_unit = IdFilter(field_name="business_unit_id")
    search = django_filters.CharFilter(field_name="title", lookup_expr="icontains")
    attention = django_filters.ChoiceFilter(
        choices=[(name, name) for name in selectors.ATTENTION],
        method="filter_attention",
        help_text="awaiting: a decision the caller may take; overdue: past the review "
        "target; without_goal: serves no strategic goal.",
    )

    class Meta:
        model = Initiative
        fields = ["state", "business_unit", "search", "attention"]

    def filter_attention(
        self, queryset: QuerySet[Initiative], name: str, value: str
    ) -> QuerySet[Initiative]:
        return queryset.filter(
            selectors.attention_condition(user=self.request.user, attention=value)
        )


class InitiativeViewSet(
    TransitionActionsMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Initiatives of the business units the caller can see."""

    serializer_class = InitiativeSerializer
    filterset_class = InitiativeFilter
    # The project's filtering (REST_FRAMEWORK's default), and ordering on top.
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["score", "created_at", "title", "budget"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    transition_names = selectors.TRANSITIONS

    def get_queryset(self) -> QuerySet[Initiative]:
        if getattr(self, "swagger_fake_view", False):
            return Initiative.objects.none()
        if self.action == "list":
            return selectors.listed_initiatives(user=self.request.user)
        return selectors.visible_initiatives(user=self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The initiatives the caller can see, a page at a time."""
        rows = selectors.listed_rows(queryset=self.filter_queryset(self.get_queryset()))
        page = self.paginate_queryset(rows)
        listed = LISTED(list(rows) if page is None else page)
        if page is None:
            return Response(listed)
        return self.get_paginated_response(listed)

    def take(self, actor: Any, obj: Initiative, name: str, comment: str, **options: Any) -> None:
        services.initiative_transition(actor=actor, initiative=obj, name=name, comment=comment)

    def get_serializer_class(self) -> type[InitiativeSerializer]:
        # Only the detail carries the attestations, so the list stays a fixed number of queries.
        return InitiativeDetailSerializer if self.action == "retrieve" else InitiativeSerializer

    def perform_create(self, serializer: serializers.BaseSerializer[Initiative]) -> None:
        created = services.initiative_create(
            actor=signed_in_user(self.request), **serializer.validated_data
        )
        # Answer with the initiative as lists show it: score and waiting time included.
        serializer.instance = self.get_queryset().get(pk=created.pk)

    def perform_update(self, serializer: serializers.BaseSerializer[Initiative]) -> None:
        initiative = serializer.instance
        # An update's serializer always holds the object it updates.
        assert initiative is not None
        services.initiative_update(
            actor=signed_in_user(self.request),
            initiative=initiative,
            changes=serializer.validated_data,
        )
        serializer.instance = self.get_object()

    @extend_schema(responses=DecisionSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"])
    def decisions(self, request: Request, pk: str) -> Response:
        """The decision log of the initiative, oldest first."""
        initiative = self.get_object()
        decisions = selectors.decisions_of(initiative=initiative)
        page = self.paginate_queryset(decisions)
        return self.get_paginated_response(DecisionSerializer(page, many=True).data)

    # A plain list of outcomes, one per id asked, in the order asked: never paged.
    @extend_schema(
        request=BulkTransitionSerializer,
        responses={200: BulkOutcomeSerializer(many=True)},
        filters=False,
    )
    @action(detail=False, methods=["post"], url_path="bulk-transition", pagination_class=None)
    def bulk_transition(self, request: Request) -> Response:
        """One transition on up to 200 initiatives; each succeeds or fails on its own."""
        body = BulkTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        outcomes = services.initiatives_bulk_transition(
            actor=signed_in_user(request),
            ids=body.validated_data["ids"],
            name=body.validated_data["transition"],
            comment=body.validated_data["comment"],
        )
        return Response(BulkOutcomeSerializer(outcomes, many=True).data)

    @extend_schema(responses=ApprovedVersionSerializer)
    @action(detail=True, methods=["get"], url_path="approved-version")
    def approved_version(self, request: Request, pk: str) -> Response:
        """What the last approval approved, exactly as it was then."""
        initiative = self.get_object()
        decision = selectors.last_approval(initiative=initiative)
        if decision is None:
            raise Http404("This initiative has not been approved.")
        return Response(ApprovedVersionSerializer(decision).data)

    @extend_schema(methods=["GET"], responses=AmendmentSerializer(many=True), filters=False)
    @extend_schema(
        methods=["POST"], request=AmendmentSerializer, responses={201: AmendmentSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def amendments(self, request: Request, pk: str) -> Response:
        """The initiative's amendments, newest first; POST proposes one."""
        initiative = self.get_object()
        if request.method == "POST":
            body = AmendmentSerializer(data=request.data, context=self.get_serializer_context())
            body.is_valid(raise_exception=True)
            amendment = services.amendment_propose(
                actor=signed_in_user(request),
                initiative=initiative,
                changes=body.validated_data.get("changes", {}),
                reason=body.validated_data["reason"],
                parts={
                    part.key: body.validated_data.get(part.key)
                    for part in amendment_parts.amendment_parts
                },
            )
            return Response(AmendmentSerializer(amendment).data, status=201)
        page = self.paginate_queryset(selectors.amendments_of(initiative=initiative))
        return self.get_paginated_response(AmendmentSerializer(page, many=True).data)


class AmendmentViewSet(
    TransitionActionsMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Amendments of the initiatives the caller can see."""

    serializer_class = AmendmentSerializer
    filterset_fields = ["state"]

    def get_queryset(self) -> QuerySet[Amendment]:
        return selectors.visible_amendments(user=self.request.user)

    transition_names = selectors.AMENDMENT_TRANSITIONS

    def take(self, actor: Any, obj: Amendment, name: str, comment: str, **options: Any) -> None:
        services.amendment_transition(actor=actor, amendment=obj, name=name, comment=comment)
