"""The routing rules' API: GET the version in force with its rules in order;
POST a new version (the CoE lead), refused with 400 naming the field."""

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from governance.requests import signed_in_user
from initiatives import selectors, services
from initiatives.models import RoutingRuleSet


class RuleSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    min_budget = serializers.DecimalField(
        max_digits=15, decimal_places=2, required=False, allow_null=True
    )
    max_budget = serializers.DecimalField(
        max_digits=15, decimal_places=2, required=False, allow_null=True
    )
    above_sponsor_threshold = serializers.BooleanField(required=False, default=False)
    risks = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    channels = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    audiences = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    units = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    steps = serializers.ListField(child=serializers.CharField(), required=False, default=list)


class RuleSetSerializer(serializers.Serializer):
    version = serializers.IntegerField(read_only=True)
    published_at = serializers.DateTimeField(read_only=True)
    published_by = serializers.CharField(
        source="published_by.username", read_only=True, allow_null=True, default=None
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    rules = RuleSerializer(many=True)


class RoutingRules(GenericAPIView[RoutingRuleSet]):
    serializer_class = RuleSetSerializer
    queryset = RoutingRuleSet.objects.none()

    def get(self, request: Request) -> Response:
        """The routing rules in force (null when none was ever published)."""
        signed_in_user(request)
        current = selectors.routing_rules_in_force()
        if current is None:
            return Response(None)
        return Response(
            RuleSetSerializer(
                {
                    "version": current.version,
                    "published_at": current.published_at,
                    "published_by": current.published_by,
                    "note": current.note,
                    "rules": list(current.rules.all()),
                }
            ).data
        )

    @extend_schema(responses={201: RuleSetSerializer})
    def post(self, request: Request) -> Response:
        """Publish a new version of the rules; in force for submissions from now on."""
        user = signed_in_user(request)
        serializer = RuleSetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = serializer.validated_data
        rule_set = services.routing_rules_publish(
            actor=user, rules=[dict(rule) for rule in data["rules"]], note=data.get("note", "")
        )
        return Response(
            RuleSetSerializer(
                {
                    "version": rule_set.version,
                    "published_at": rule_set.published_at,
                    "published_by": rule_set.published_by,
                    "note": rule_set.note,
                    "rules": list(rule_set.rules.all()),
                }
            ).data,
            status=status.HTTP_201_CREATED,
        )


def paths() -> list[tuple[str, URLPattern]]:
    return [
        ("routing-rules", path("api/routing-rules/", RoutingRules.as_view(), name="routing-rules"))
    ]
