"""REST API of the maturity assessment."""

from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from governance import access
from governance.models import BusinessUnit
from governance.requests import signed_in_user
from maturity import selectors, services
from maturity.models import MaturityAssessment


class CriterionResultSerializer(serializers.Serializer):
    key = serializers.CharField()
    stage = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    met = serializers.BooleanField()
    detail = serializers.CharField()
    fix_url = serializers.CharField()


class AssessmentSerializer(serializers.Serializer):
    business_unit = serializers.SerializerMethodField()
    stage = serializers.IntegerField()
    stage_name = serializers.CharField()
    next_stage = serializers.SerializerMethodField()
    criteria = CriterionResultSerializer(source="results", many=True)
    answers = serializers.DictField(child=serializers.BooleanField())

    def get_business_unit(self, assessment: selectors.Assessment) -> dict[str, Any] | None:
        unit = assessment.unit
        return None if unit is None else {"id": unit.pk, "name": unit.name}

    def get_next_stage(self, assessment: selectors.Assessment) -> dict[str, Any] | None:
        if assessment.next_stage is None:
            return None
        return {
            "stage": assessment.next_stage,
            "name": selectors.STAGE_NAMES[assessment.next_stage],
            "missing": CriterionResultSerializer(assessment.missing, many=True).data,
        }


class MaturityOverviewSerializer(serializers.Serializer):
    organization = AssessmentSerializer()
    business_units = AssessmentSerializer(many=True)
    benchmark = serializers.DictField()


class MaturityView(APIView):
    """The organization's stage, each visible unit's stage, and the benchmark."""

    @extend_schema(responses=MaturityOverviewSerializer)
    def get(self, request: Request) -> Response:
        found = selectors.overview()
        visible = set(access.visible_unit_ids(request.user))
        return Response(
            {
                "organization": AssessmentSerializer(found.organization).data,
                "business_units": AssessmentSerializer(
                    [a for a in found.units if a.unit is not None and a.unit.pk in visible],
                    many=True,
                ).data,
                "benchmark": found.benchmark,
            }
        )


class MaturityUnitView(APIView):
    """One unit's stage and its checklist to the next stage."""

    @extend_schema(responses=AssessmentSerializer)
    def get(self, request: Request, pk: int) -> Response:
        unit = access.visible_units(request.user).filter(pk=pk).first()
        if unit is None:
            raise Http404("No such business unit.")
        return Response(AssessmentSerializer(selectors.assess(unit=unit)).data)


class AssessmentRequestSerializer(serializers.Serializer):
    business_unit = serializers.PrimaryKeyRelatedField(
        queryset=BusinessUnit.objects.all(), allow_null=True, required=False, default=None
    )
    answers = serializers.DictField(child=serializers.BooleanField(), allow_empty=True)


class RecordedAssessmentSerializer(serializers.ModelSerializer):
    # None for an assessment of the whole organization.
    business_unit: serializers.SlugRelatedField[BusinessUnit] = serializers.SlugRelatedField(
        slug_field="name", read_only=True, allow_null=True
    )
    assessed_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    stage_name = serializers.SerializerMethodField()

    class Meta:
        model = MaturityAssessment
        fields = [
            "id",
            "business_unit",
            "assessed_by",
            "at",
            "stage",
            "stage_name",
            "answers",
            "results",
        ]

    def get_stage_name(self, record: MaturityAssessment) -> str:
        return str(selectors.STAGE_NAMES[record.stage])


class MaturityAssessmentView(APIView):
    """Answer the self-assessment questions of a unit, or of the organization
    (no business_unit), and record the assessment."""

    @extend_schema(
        request=AssessmentRequestSerializer, responses={201: RecordedAssessmentSerializer}
    )
    def post(self, request: Request) -> Response:
        body = AssessmentRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        unit = body.validated_data["business_unit"]
        if unit is not None and not access.visible_units(request.user).filter(pk=unit.pk).exists():
            raise serializers.ValidationError({"business_unit": gettext("No such business unit.")})
        record = services.maturity_assessment_record(
            actor=signed_in_user(request),
            business_unit=unit,
            answers=body.validated_data["answers"],
        )
        return Response(RecordedAssessmentSerializer(record).data, status=status.HTTP_201_CREATED)


class MaturityHistoryView(generics.ListAPIView):
    """Recorded assessments, newest first: progress over time. `?business_unit=`
    narrows to one unit; `?business_unit=organization` to the organization."""

    serializer_class = RecordedAssessmentSerializer

    def get_queryset(self) -> Any:
        visible = access.visible_units(self.request.user)
        queryset = MaturityAssessment.objects.filter(
            Q(business_unit__isnull=True) | Q(business_unit__in=visible)
        ).select_related("business_unit", "assessed_by")
        raw = self.request.query_params.get("business_unit")
        if raw == "organization":
            queryset = queryset.filter(business_unit__isnull=True)
        elif raw:
            if not raw.isdigit():
                raise serializers.ValidationError({"business_unit": gettext("Expected a unit id.")})
            queryset = queryset.filter(business_unit_id=int(raw))
        return queryset.order_by("-at", "-id")
