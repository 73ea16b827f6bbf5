"""REST API of the registry of social accounts: thin views over
social_accounts.services and selectors, under /api/social-accounts/."""

from typing import Any

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from governance import access
from governance.api import ActiveUserByName, IdFilter, ReadOnlyFieldsGuard
from governance.models import BusinessUnit
from governance.requests import signed_in_user
from governance.viewsets import TransitionActionsMixin
from initiatives.models import Initiative
from policies.models import Policy
from social_accounts import selectors, services
from social_accounts.models import Channel, Reassignment, SocialAccount, State


@extend_schema_field(OpenApiTypes.INT)
class _VisibleUnits(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> QuerySet[BusinessUnit]:
        return access.visible_units(self.context["request"].user)


# The schema reads initiative ids: the queryset depends on the request.
@extend_schema_field(OpenApiTypes.INT)
class _VisibleInitiatives(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> QuerySet[Initiative]:
        return Initiative.objects.filter(
            business_unit_id__in=access.visible_unit_ids(self.context["request"].user)
        )


class SocialAccountSerializer(ReadOnlyFieldsGuard, serializers.ModelSerializer):
    business_unit = _VisibleUnits()
    owner = ActiveUserByName()
    backup_owner = ActiveUserByName(required=False, allow_null=True)
    channel = serializers.ChoiceField(choices=Channel.choices)
    state = serializers.ChoiceField(choices=State.choices, read_only=True)
    initiatives = _VisibleInitiatives(many=True, required=False)
    policies = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Policy.objects.all()
    )
    recertification_overdue = serializers.SerializerMethodField()

    class Meta:
        model = SocialAccount
        fields = [
            "id",
            "channel",
            "handle",
            "url",
            "business_unit",
            "owner",
            "backup_owner",
            "purpose",
            "initiatives",
            "policies",
            "state",
            "paused",
            "last_recertified_at",
            "recertification_due",
            "recertification_overdue",
            "activated_at",
            "dormant_since",
            "retired_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "state",
            "paused",
            "last_recertified_at",
            "recertification_due",
            "activated_at",
            "dormant_since",
            "retired_at",
            "created_at",
            "updated_at",
        ]
        # Changed only by a reassignment (owners) or the initiatives action.
        create_only_fields = ["business_unit", "owner", "backup_owner", "initiatives"]

    def get_recertification_overdue(self, account: SocialAccount) -> bool:
        return account.is_recertification_overdue()


class SocialAccountFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=State.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    business_unit = IdFilter()
    paused = django_filters.BooleanFilter()

    class Meta:
        model = SocialAccount
        fields = ["state", "channel", "business_unit", "paused"]


class ReassignSerializer(serializers.Serializer):
    owner = ActiveUserByName()
    backup_owner = ActiveUserByName(required=False, allow_null=True, default=None)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class AccountCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class InitiativesSerializer(serializers.Serializer):
    initiatives = _VisibleInitiatives(many=True)


class SocialAccountViewSet(
    TransitionActionsMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The registry: the accounts of the units the caller sees. POST requests a
    new account (state `requested`), which the CoE lead approves or rejects."""

    serializer_class = SocialAccountSerializer
    filterset_class = SocialAccountFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    transition_names = tuple(selectors.TRANSITIONS)

    def get_queryset(self) -> QuerySet[SocialAccount]:
        if getattr(self, "swagger_fake_view", False):
            return SocialAccount.objects.none()
        return (
            selectors.visible_accounts(user=self.request.user)
            .prefetch_related("initiatives", "policies")
            .order_by("channel", "handle", "id")
        )

    def perform_create(self, serializer: serializers.BaseSerializer[SocialAccount]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = services.account_request(actor=signed_in_user(self.request), **data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        account = self.get_object()
        if not selectors.may_edit(request.user, account) and account.state not in (
            State.REJECTED,
            State.RETIRED,
        ):
            raise PermissionDenied(gettext("You may not edit this account."))
        return super().update(request, *args, **kwargs)

    def perform_update(self, serializer: serializers.BaseSerializer[SocialAccount]) -> None:
        assert isinstance(serializer.instance, SocialAccount)
        serializer.instance = services.account_update(
            actor=signed_in_user(self.request),
            account=serializer.instance,
            **dict(serializer.validated_data),
        )

    def take(self, actor: Any, obj: Any, name: str, comment: str, **options: Any) -> None:
        services.account_transition(actor=actor, account=obj, name=name, comment=comment)

    @extend_schema(request=AccountCommentSerializer, responses=SocialAccountSerializer)
    @action(detail=True, methods=["post"])
    def recertify(self, request: Request, pk: str) -> Response:
        """The owner states the account is still needed and rightly held (403
        without the right, 409 unless active or dormant)."""
        account = self.get_object()
        body = AccountCommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if not selectors.holds_recertify_right(request.user, account):
            raise PermissionDenied(gettext("You may not recertify this account."))
        services.account_recertify(
            actor=signed_in_user(request), account=account, comment=body.validated_data["comment"]
        )
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=ReassignSerializer, responses=SocialAccountSerializer)
    @action(detail=True, methods=["post"])
    def reassign(self, request: Request, pk: str) -> Response:
        """New owner and backup owner (the unit's leads and the CoE lead)."""
        account = self.get_object()
        if not selectors.holds_reassign_right(request.user, account):
            raise PermissionDenied(gettext("You may not reassign this account."))
        body = ReassignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.account_reassign(
            actor=signed_in_user(request), account=account, **body.validated_data
        )
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=InitiativesSerializer, responses=SocialAccountSerializer)
    @action(detail=True, methods=["post"], url_path="initiatives")
    def set_initiatives(self, request: Request, pk: str) -> Response:
        """Name the initiatives that use the account (replaces the list)."""
        account = self.get_object()
        body = InitiativesSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        services.account_initiatives_set(
            actor=signed_in_user(request),
            account=account,
            initiatives=body.validated_data["initiatives"],
        )
        return Response(self.get_serializer(self.get_object()).data)


class ReassignmentSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", read_only=True)
    accounts = serializers.SerializerMethodField()

    class Meta:
        model = Reassignment
        fields = ["id", "user", "created_at", "resolved_at", "accounts"]
        read_only_fields = fields

    def get_accounts(self, reassignment: Reassignment) -> list[int]:
        return list(selectors.accounts_held(user=reassignment.user).values_list("pk", flat=True))


class ReassignmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Deactivated people's accounts and open items, for the CoE lead."""

    serializer_class = ReassignmentSerializer

    def get_queryset(self) -> QuerySet[Reassignment]:
        if getattr(self, "swagger_fake_view", False):
            return Reassignment.objects.none()
        if not selectors.is_coe_lead(self.request.user):
            return Reassignment.objects.none()
        return Reassignment.objects.select_related("user").order_by("-created_at", "-id")

    @extend_schema(request=AccountCommentSerializer, responses=ReassignmentSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str) -> Response:
        """Mark done: 409 while the person still holds an account."""
        reassignment = self.get_object()
        body = AccountCommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.reassignment_resolve(
            actor=signed_in_user(request),
            reassignment=reassignment,
            comment=body.validated_data["comment"],
        )
        return Response(self.get_serializer(self.get_object()).data)
