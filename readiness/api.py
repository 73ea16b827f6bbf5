"""REST API of the approval requirements by stage."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.requests import signed_in_user
from maturity.models import MaturityStage
from readiness import selectors, services


class RequirementSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField(source="label")
    from_stage = serializers.IntegerField(allow_null=True)
    in_force = serializers.BooleanField()


class RequirementsSerializer(serializers.Serializer):
    organization_stage = serializers.IntegerField()
    requirements = RequirementSerializer(many=True)


class StagesSerializer(serializers.Serializer):
    stages = serializers.DictField(
        child=serializers.ChoiceField(choices=MaturityStage.values, allow_null=True),
        help_text="Requirement key to the stage it applies from (null: at no stage).",
    )


def _answer() -> Response:
    return Response(
        RequirementsSerializer(
            {
                "organization_stage": selectors.organization_stage(),
                "requirements": selectors.requirement_rows(),
            }
        ).data
    )


class StageRequirementsView(APIView):
    """Which approval requirements apply from which maturity stage. The CoE and
    auditors read; the CoE lead changes them."""

    @extend_schema(responses=RequirementsSerializer)
    def get(self, request: Request) -> Response:
        if not selectors.may_read_page(user=request.user):
            raise PermissionDenied
        return _answer()

    @extend_schema(request=StagesSerializer, responses=RequirementsSerializer)
    def put(self, request: Request) -> Response:
        payload = StagesSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.stage_requirements_set(
            actor=signed_in_user(request), stages=payload.validated_data["stages"]
        )
        return _answer()
