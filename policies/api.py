"""REST API for policies and exceptions: thin views over policies.services and
selectors. The CoE and auditors see the working copy of every policy; unit
staff and sponsors see the version in force of the policies that apply to them."""

import datetime
from typing import Any

import django_filters
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import InvalidPage
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from governance import access
from governance.api import MAX_ID, ActiveUserByName, IdFilter, Pagination, ReadOnlyFieldsGuard
from governance.models import BusinessUnit
from governance.requests import signed_in_user
from governance.viewsets import TransitionActionsMixin, TransitionRequestSerializer
from initiatives import selectors as initiative_selectors
from initiatives.models import Initiative
from policies import selectors, services
from policies.models import (
    MAX_REVIEW_INTERVAL_MONTHS,
    Category,
    ExceptionState,
    Policy,
    PolicyException,
    PolicyVersion,
    State,
    TwoPersonRule,
)
from policies.rendering import render_markdown


class AttestedPoliciesField(serializers.ListField):
    """The policy versions attested at the initiative's latest submission, on
    the initiative detail (registered with initiatives.api)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.DictField(), source="*", read_only=True, **kwargs)

    def to_representation(self, initiative: Any) -> list[dict[str, Any]]:
        return selectors.attested_versions(initiative=initiative)


class VisibleUnitsField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> QuerySet[BusinessUnit]:
        return access.visible_units(self.context["request"].user)


class PublishedVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    title = serializers.CharField()
    effective_date = serializers.DateField()
    published_at = serializers.DateTimeField()
    in_force = serializers.BooleanField()
    scheduled = serializers.BooleanField()


class PolicySerializer(ReadOnlyFieldsGuard, serializers.ModelSerializer):
    """The working copy, for those who may see drafts."""

    owner = ActiveUserByName(required=False)
    business_units = VisibleUnitsField(many=True, required=False)
    review_interval_months = serializers.IntegerField(
        min_value=1, max_value=MAX_REVIEW_INTERVAL_MONTHS, required=False
    )
    body_html = serializers.SerializerMethodField()
    is_overdue = serializers.SerializerMethodField()
    state = serializers.ChoiceField(choices=State.choices, read_only=True)
    version_in_force = serializers.SerializerMethodField()
    published = serializers.SerializerMethodField()
    change_reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=100
    )

    class Meta:
        model = Policy
        fields = [
            "id",
            "title",
            "category",
            "body",
            "body_html",
            "owner",
            "business_units",
            "effective_date",
            "review_interval_months",
            "next_review_due",
            "is_overdue",
            "version",
            "version_in_force",
            "state",
            "published",
            "retired_at",
            "created_at",
            "updated_at",
            "change_reason",
        ]
        read_only_fields = [
            "id",
            "next_review_due",
            "version",
            "state",
            "retired_at",
            "created_at",
            "updated_at",
        ]

    def get_body_html(self, policy: Policy) -> str:
        return render_markdown(policy.body)

    def get_is_overdue(self, policy: Policy) -> bool:
        return policy.is_overdue()

    def get_version_in_force(self, policy: Policy) -> int | None:
        return selectors.version_number_in_force(policy=policy)

    @extend_schema_field(PublishedVersionSerializer(allow_null=True))
    def get_published(self, policy: Policy) -> dict[str, Any] | None:
        """The newest published version: in force, or scheduled to take effect."""
        version = policy.current_version
        if version is None:
            return None
        in_force = selectors.version_number_in_force(policy=policy) == version.version
        return {
            "version": version.version,
            "title": version.title,
            "effective_date": version.effective_date,
            "published_at": version.published_at,
            "in_force": in_force,
            "scheduled": policy.is_published and version.effective_date > timezone.localdate(),
        }


class UpcomingVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    title = serializers.CharField()
    effective_date = serializers.DateField()


class PublishedPolicySerializer(serializers.Serializer):
    """The version in force, for staff and sponsors: never the working copy.
    `upcoming` is a version published to take effect later, which staff may
    acknowledge in advance; a policy whose first version is still scheduled
    shows that version, with `in_force` false."""

    id = serializers.IntegerField()
    title = serializers.CharField(source="reader_version.title")
    category = serializers.CharField(source="reader_version.category")
    body = serializers.CharField(source="reader_version.body")
    body_html = serializers.SerializerMethodField()
    owner = serializers.CharField(source="owner.username")
    business_units = serializers.SerializerMethodField()
    effective_date = serializers.DateField(source="reader_version.effective_date")
    published_at = serializers.DateTimeField(source="reader_version.published_at")
    version = serializers.IntegerField(source="reader_version.version")
    state = serializers.SerializerMethodField()
    next_review_due = serializers.DateField()
    in_force = serializers.SerializerMethodField()
    upcoming = UpcomingVersionSerializer(source="upcoming_version", allow_null=True)
    my_acknowledged_version = serializers.IntegerField(allow_null=True)
    acknowledged = serializers.SerializerMethodField()
    acknowledgment_outdated = serializers.SerializerMethodField()

    def get_body_html(self, policy: Policy) -> str:
        # Staff and sponsors see only published policies (selectors.with_versions).
        version = getattr(policy, "reader_version", None)
        return render_markdown(version.body) if version is not None else ""

    def get_in_force(self, policy: Policy) -> bool:
        return getattr(policy, "in_force_version", None) is not None

    def get_business_units(self, policy: Policy) -> list[int]:
        return [unit.pk for unit in policy.business_units.all()]

    def get_state(self, policy: Policy) -> str:
        return State.PUBLISHED

    def get_acknowledged(self, policy: Policy) -> bool:
        """Whether the caller acknowledged the version in force."""
        return selectors.acknowledged_in_force(policy=policy)

    def get_acknowledgment_outdated(self, policy: Policy) -> bool:
        """The caller acknowledged another version, not the one in force."""
        mine = selectors.my_acknowledged_version(policy=policy)
        return mine is not None and not selectors.acknowledged_in_force(policy=policy)


class PolicyVersionSerializer(serializers.ModelSerializer):
    published_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    body_html = serializers.SerializerMethodField()

    class Meta:
        model = PolicyVersion
        fields = [
            "policy",
            "version",
            "title",
            "category",
            "body",
            "body_html",
            "effective_date",
            "published_at",
            "published_by",
            "history_id",
        ]

    def get_body_html(self, version: PolicyVersion) -> str:
        return render_markdown(version.body)


class HistoryRowSerializer(serializers.Serializer):
    history_id = serializers.IntegerField()
    version = serializers.IntegerField()
    state = serializers.CharField()
    at = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True)
    change_reason = serializers.CharField()
    changed_fields = serializers.ListField(child=serializers.CharField())


class TwoPersonRuleSerializer(serializers.Serializer):
    """The two-person rule for policies; `reason` is required to change it."""

    enabled = serializers.BooleanField()
    reason = serializers.CharField(max_length=2000)
    changed_by = serializers.CharField(
        source="changed_by.username", read_only=True, default=None, allow_null=True
    )
    changed_at = serializers.DateTimeField(read_only=True, allow_null=True)


class AcknowledgeRequestSerializer(serializers.Serializer):
    # Omitted: the version in force today.
    version = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class PublishRequestSerializer(TransitionRequestSerializer):
    """A policy transition's body; `effective_date` only with `publish`."""

    effective_date = serializers.DateField(required=False)


class AcknowledgmentSerializer(serializers.Serializer):
    policy = serializers.IntegerField(source="policy_id")
    version = serializers.IntegerField()
    user = serializers.CharField(source="user.username")
    at = serializers.DateTimeField()


class OutdatedAcknowledgmentSerializer(serializers.Serializer):
    user = serializers.CharField()
    version = serializers.IntegerField()


class UnitCoverageSerializer(serializers.Serializer):
    """Which staff of a unit acknowledged the version in force, an older one, or none."""

    business_unit = serializers.IntegerField()
    business_unit_name = serializers.CharField()
    acknowledged = serializers.ListField(child=serializers.CharField())
    outdated = OutdatedAcknowledgmentSerializer(many=True)
    missing = serializers.ListField(child=serializers.CharField())


class CoverageSerializer(serializers.Serializer):
    """The answer of `{id}/acknowledgments/` (selectors.coverage, per unit)."""

    policy = serializers.IntegerField()
    # The version in force today, which coverage is measured against.
    version = serializers.IntegerField(allow_null=True)
    business_units = UnitCoverageSerializer(many=True)


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    # A field's own value: text, a date, a number, a list of unit ids, or none.
    old = serializers.JSONField()
    new = serializers.JSONField()


# The answer of `{id}/diff/` (selectors.diff); `from` is a Python keyword, so
# the serializer is declared inline.
DiffSerializer = inline_serializer(
    "PolicyDiff",
    fields={
        "from": serializers.IntegerField(),
        "to": serializers.IntegerField(),
        "changes": FieldChangeSerializer(many=True),
        "body_diff": serializers.CharField(),
    },
)


class PolicyFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=State.choices)
    category = django_filters.ChoiceFilter(choices=Category.choices)
    business_unit = IdFilter(field_name="business_units__id")
    search = django_filters.CharFilter(field_name="title", lookup_expr="icontains")

    class Meta:
        model = Policy
        fields = ["state", "category", "business_unit", "search"]


class HistoryPagination(Pagination):
    """Reads one row past the page in the same query, so that the page's last
    row can be compared with the row before it: a page costs the same number of
    queries however long the history."""

    predecessor: Any = None

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any]:
        page_size = self.get_page_size(request) or self.page_size
        paginator = self.django_paginator_class(queryset, page_size)
        page_number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage as exc:
            raise NotFound(f"Invalid page: {exc}.") from exc
        self.request = request
        if paginator.count == 0:
            return []
        start = self.page.start_index() - 1
        rows = list(queryset[start : start + page_size + 1])
        self.predecessor = rows[page_size] if len(rows) > page_size else None
        return rows[:page_size]


_MAX_HISTORY_ID = 2**31 - 1


def _positive_int(request: Request, name: str) -> int:
    raw = request.query_params.get(name, "")
    # Bounded so that the database's integer type never overflows (a 500).
    if not raw.isdigit() or int(raw) > _MAX_HISTORY_ID:
        raise ValidationError({name: gettext("A history id (a whole number) is required.")})
    return int(raw)


def _policy_as_seen(many: bool = False) -> PolymorphicProxySerializer:
    """A policy as the caller sees it: the working copy for the CoE and
    auditors, the version in force for everyone else."""
    return PolymorphicProxySerializer(
        component_name="PolicyAsSeen",
        serializers=[PolicySerializer, PublishedPolicySerializer],
        resource_type_field_name=None,
        many=many,
    )


@extend_schema_view(
    list=extend_schema(responses=_policy_as_seen(many=True)),
    retrieve=extend_schema(responses=_policy_as_seen()),
    take_transition=extend_schema(request=PublishRequestSerializer),
)
class PolicyViewSet(
    TransitionActionsMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Policies: every policy for the CoE and auditors; for staff and sponsors,
    the versions in force of those that apply to their units."""

    filterset_class = PolicyFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def sees_all(self) -> bool:
        if not hasattr(self, "_sees_all"):
            self._sees_all = selectors.sees_all_policies(user=self.request.user)
        return self._sees_all

    def get_queryset(self) -> QuerySet[Policy]:
        if getattr(self, "swagger_fake_view", False):
            # Schema generation: no one is signed in.
            return Policy.objects.none()
        policies = selectors.visible_policies(user=self.request.user)
        if not self.sees_all():
            policies = selectors.with_my_acknowledgment(
                policies=policies, user=signed_in_user(self.request)
            )
        return policies.order_by("title", "id")

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        # Staff and sponsors read the version in force. Whoever writes a policy
        # or takes a transition sees every policy (the role table gives the
        # right to edit or publish only with the right to see all), and the
        # answer is the working copy.
        if self.action in ("list", "retrieve") and not self.sees_all():
            return PublishedPolicySerializer
        return PolicySerializer

    def _require(self, right: str, message: str) -> None:
        # Checked before the body is validated: someone who may not act gets
        # 403 whatever they send.
        if right not in access.organization_rights(self.request.user):
            raise PermissionDenied(message)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._require(access.EDIT_POLICIES, "Only the CoE drafts policies.")
        return super().create(request, *args, **kwargs)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.get_object()
        self._require(access.EDIT_POLICIES, "Only the CoE edits policies.")
        return super().update(request, *args, **kwargs)

    def perform_create(self, serializer: serializers.BaseSerializer[Policy]) -> None:
        data = dict(serializer.validated_data)
        data["change_reason"] = data.get("change_reason") or "created"
        serializer.instance = services.policy_create(actor=signed_in_user(self.request), **data)

    def perform_update(self, serializer: serializers.BaseSerializer[Policy]) -> None:
        policy = serializer.instance
        # An update's serializer always holds the object it updates.
        assert policy is not None
        changes = dict(serializer.validated_data)
        change_reason = changes.pop("change_reason", "")
        serializer.instance = services.policy_update(
            actor=signed_in_user(self.request),
            policy=policy,
            changes=changes,
            change_reason=change_reason,
        )

    transition_names = selectors.TRANSITIONS
    transition_request = PublishRequestSerializer

    def take(self, actor: Any, obj: Policy, name: str, comment: str, **options: Any) -> None:
        services.policy_transition(actor=actor, policy=obj, name=name, comment=comment, **options)

    def get_serializer(self, *args: Any, **kwargs: Any) -> serializers.BaseSerializer[Any]:
        # Staff and sponsors read the version in force: fetched for the page's
        # policies in one query.
        if (
            args
            and args[0] is not None
            and self.get_serializer_class() is PublishedPolicySerializer
        ):
            instance = args[0]
            if isinstance(instance, Policy):
                selectors.with_versions(policies=[instance])
            else:
                args = (selectors.with_versions(policies=instance), *args[1:])
        return super().get_serializer(*args, **kwargs)

    @extend_schema(responses=HistoryRowSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: str) -> Response:
        """Every recorded version, newest first (CoE and auditors)."""
        policy = self.get_object()
        self._require(access.VIEW_ALL_POLICIES, "Only the CoE and auditors read the history.")
        paginator = HistoryPagination()
        page = paginator.paginate_queryset(selectors.history_of(policy=policy), request, view=self)
        data = selectors.history_page(rows=page, predecessor=paginator.predecessor)
        return paginator.get_paginated_response(HistoryRowSerializer(data, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.INT, required=True),
            OpenApiParameter("to", OpenApiTypes.INT, required=True),
        ],
        responses=DiffSerializer,
    )
    @action(detail=True, methods=["get"])
    def diff(self, request: Request, pk: str) -> Response:
        """Field-by-field changes between two history rows, and a unified diff of the body."""
        policy = self.get_object()
        self._require(access.VIEW_ALL_POLICIES, "Only the CoE and auditors read the history.")
        ids = {name: _positive_int(request, name) for name in ("from", "to")}
        rows = {
            row.history_id: row
            for row in selectors.history_of(policy=policy).filter(history_id__in=ids.values())
        }
        missing = {
            name: "No such version of this policy." for name, i in ids.items() if i not in rows
        }
        if missing:
            raise ValidationError(missing)
        return Response(selectors.diff(older=rows[ids["from"]], newer=rows[ids["to"]]))

    @extend_schema(
        parameters=[OpenApiParameter("date", OpenApiTypes.DATE, required=True)],
        responses=PolicyVersionSerializer,
    )
    @action(detail=True, methods=["get"], url_path="as-of")
    def as_of(self, request: Request, pk: str) -> Response:
        """The version published and in force on the date; 404 if none was."""
        policy = self.get_object()
        try:
            day = datetime.date.fromisoformat(request.query_params.get("date", ""))
        except ValueError:
            raise ValidationError({"date": gettext("A date as YYYY-MM-DD is required.")}) from None
        version = selectors.version_in_force(policy=policy, on=day)
        if version is None:
            raise Http404(f"No version of this policy was in force on {day}.")
        return Response(PolicyVersionSerializer(version).data)

    @extend_schema(request=AcknowledgeRequestSerializer, responses=AcknowledgmentSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        """Acknowledge the version in force, or (`version`) a scheduled one in
        advance (staff of a unit the policy applies to)."""
        policy = self.get_object()
        body = AcknowledgeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        acknowledgment = services.policy_acknowledge(
            actor=signed_in_user(request), policy=policy, version=body.validated_data.get("version")
        )
        return Response(AcknowledgmentSerializer(acknowledgment).data)

    @extend_schema(responses=CoverageSerializer)
    @action(detail=True, methods=["get"])
    def acknowledgments(self, request: Request, pk: str) -> Response:
        """Coverage per business unit (CoE and auditors)."""
        policy = self.get_object()
        self._require(access.VIEW_ALL_POLICIES, "Only the CoE and auditors see the coverage.")
        return Response(
            {
                "policy": policy.pk,
                "version": selectors.version_number_in_force(policy=policy),
                "business_units": selectors.coverage(policy=policy),
            }
        )

    @extend_schema(methods=["GET"], request=None, responses=TwoPersonRuleSerializer, filters=False)
    @extend_schema(
        methods=["POST"], request=TwoPersonRuleSerializer, responses=TwoPersonRuleSerializer
    )
    @action(
        detail=False,
        methods=["get", "post"],
        url_path="two-person-rule",
        pagination_class=None,
        filter_backends=[],
    )
    def two_person_rule(self, request: Request) -> Response:
        """Whether a policy's authors are barred from publishing it (CoE and
        auditors read it; only the CoE lead changes it, with a reason)."""
        if request.method == "POST":
            self._require(access.SET_CONTROLS, "Only the CoE lead sets the two-person rule.")
            body = TwoPersonRuleSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            setting = services.two_person_rule_set(
                actor=signed_in_user(request), **body.validated_data
            )
        else:
            self._require(access.VIEW_ALL_POLICIES, "Only the CoE and auditors read the controls.")
            setting = TwoPersonRule.current()
        return Response(TwoPersonRuleSerializer(setting).data)

    # The CoE and auditors read these: the working copy, paged, not filtered.
    @extend_schema(responses=PolicySerializer(many=True), filters=False)
    @action(detail=False, methods=["get"])
    def overdue(self, request: Request) -> Response:
        """Policies in force whose review date has passed (CoE and auditors)."""
        self._require(access.VIEW_ALL_POLICIES, "Only the CoE and auditors see review cycles.")
        page = self.paginate_queryset(selectors.overdue_policies())
        return self.get_paginated_response(
            PolicySerializer(page, many=True, context=self.get_serializer_context()).data
        )


class VisibleInitiativeField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> QuerySet[Initiative]:
        return initiative_selectors.visible_initiatives(user=self.context["request"].user)


class VisiblePolicyField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> QuerySet[Policy]:
        return selectors.visible_policies(user=self.context["request"].user)


class PolicyExceptionSerializer(ReadOnlyFieldsGuard, serializers.ModelSerializer):
    initiative = VisibleInitiativeField()
    policy = VisiblePolicyField()
    requested_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    # None until the exception is decided.
    decided_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    state = serializers.ChoiceField(choices=ExceptionState.choices, read_only=True)
    status = serializers.CharField(read_only=True)
    is_active = serializers.SerializerMethodField()

    class Meta:
        model = PolicyException
        fields = [
            "id",
            "initiative",
            "policy",
            "reason",
            "expires_on",
            "state",
            "status",
            "is_active",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_comment",
        ]
        read_only_fields = [
            "id",
            "requested_at",
            "decided_at",
            "decision_comment",
        ]

    def get_is_active(self, exception: PolicyException) -> bool:
        return exception.is_active()


class ExceptionFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=ExceptionState.choices)
    initiative = IdFilter(field_name="initiative_id")
    policy = IdFilter(field_name="policy_id")
    active = django_filters.BooleanFilter(method="filter_active")

    class Meta:
        model = PolicyException
        fields = ["state", "initiative", "policy", "active"]

    def filter_active(
        self, queryset: QuerySet[PolicyException], name: str, value: bool
    ) -> QuerySet[PolicyException]:
        active = selectors.active_exceptions(today=timezone.localdate())
        return queryset.filter(pk__in=active) if value else queryset.exclude(pk__in=active)


class PolicyExceptionViewSet(
    TransitionActionsMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Exceptions (waivers) for the initiatives the caller can see."""

    serializer_class = PolicyExceptionSerializer
    filterset_class = ExceptionFilter

    def get_queryset(self) -> QuerySet[PolicyException]:
        return selectors.visible_exceptions(user=self.request.user).order_by("-requested_at", "-id")

    def perform_create(self, serializer: serializers.BaseSerializer[PolicyException]) -> None:
        serializer.instance = services.exception_request(
            actor=signed_in_user(self.request), **serializer.validated_data
        )

    transition_names = selectors.EXCEPTION_TRANSITIONS

    def take(
        self, actor: Any, obj: PolicyException, name: str, comment: str, **options: Any
    ) -> None:
        services.exception_transition(actor=actor, exception=obj, name=name, comment=comment)
