"""The impact API, under `/api/impact/`: an initiative's KPIs, their
measurements (a correction is a new one superseding the earlier), its spend
per month and its outcome review, and the portfolio's impact summary.
Everything is 404 for someone who may not see the initiative; the services
decide the rest (403, 409, 400)."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import URLPattern, path
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView, ListCreateAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.api import IdField
from governance.requests import signed_in_user
from impact import selectors, services
from impact.models import Direction, Kpi, Measurement, OutcomeReview, Result, Spend
from sponsors.selectors import portfolio_units


def _figure(**kwargs: Any) -> serializers.DecimalField:
    """A KPI figure as stored: 18 digits, 4 of them decimals."""
    return serializers.DecimalField(max_digits=18, decimal_places=4, **kwargs)


class KpiSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    initiative = serializers.IntegerField(source="initiative_id", read_only=True)
    goal = IdField(source="goal_id")
    name = serializers.CharField(max_length=120)
    unit = serializers.CharField(max_length=40)
    baseline = _figure()
    target = _figure()
    due_on = serializers.DateField()
    direction = serializers.ChoiceField(choices=Direction.choices, default=Direction.HIGHER)
    current = _figure(read_only=True, allow_null=True, default=None)
    retired_at = serializers.DateTimeField(read_only=True, allow_null=True)


class MeasurementSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kpi = serializers.IntegerField(source="kpi_id", read_only=True)
    value = _figure()
    measured_on = serializers.DateField()
    source = serializers.CharField(max_length=200)  # type: ignore[assignment]
    note = serializers.CharField(allow_blank=True, required=False, default="")
    supersedes = serializers.IntegerField(source="supersedes_id", read_only=True, allow_null=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)
    recorded_at = serializers.DateTimeField(read_only=True)


class SpendSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    period = serializers.DateField(help_text="Any day of the month; stored as its first day.")
    amount = serializers.DecimalField(max_digits=15, decimal_places=2, min_value=0)
    note = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")


class KpiResultSerializer(serializers.Serializer):
    kpi = IdField(source="kpi_id")
    result = serializers.ChoiceField(choices=Result.choices)


class OutcomeReviewSerializer(serializers.Serializer):
    initiative = serializers.IntegerField(source="initiative_id", read_only=True)
    state = serializers.CharField(read_only=True)
    results = KpiResultSerializer(many=True)
    lessons = serializers.CharField()
    budget = serializers.DecimalField(max_digits=15, decimal_places=2, read_only=True)
    spent = serializers.DecimalField(max_digits=15, decimal_places=2, read_only=True)
    submitted_by = serializers.CharField(source="submitted_by.username", read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True)
    decided_by = serializers.CharField(
        source="decided_by.username", read_only=True, allow_null=True, default=None
    )
    decision_comment = serializers.CharField(read_only=True)


class DecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, required=False, default="")


class KpiList(ListCreateAPIView[Kpi]):
    """An initiative's KPIs with their current value; POST adds one (while a
    draft or sent back for changes)."""

    serializer_class = KpiSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Kpi]:
        if getattr(self, "swagger_fake_view", False):
            return Kpi.objects.none()
        initiative = selectors.visible_initiative(user=self.request.user, pk=self.kwargs["pk"])
        return selectors.kpis_of(initiative=initiative)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = signed_in_user(request)
        initiative = selectors.visible_initiative(user=user, pk=kwargs["pk"])
        serializer = KpiSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        kpi = services.kpi_create(actor=user, initiative=initiative, **serializer.validated_data)
        return Response(KpiSerializer(kpi).data, status=status.HTTP_201_CREATED)


class KpiDetail(GenericAPIView[Kpi]):
    serializer_class = KpiSerializer

    def get(self, request: Request, pk: int) -> Response:
        return Response(KpiSerializer(selectors.visible_kpi(user=request.user, pk=pk)).data)

    def patch(self, request: Request, pk: int) -> Response:
        """Change the KPI (while its initiative is editable; 409 after)."""
        user = signed_in_user(request)
        kpi = selectors.visible_kpi(user=user, pk=pk)
        serializer = KpiSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        if "goal_id" in changes:
            changes["goal"] = changes.pop("goal_id")
        return Response(
            KpiSerializer(services.kpi_update(actor=user, kpi=kpi, changes=changes)).data
        )

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        services.kpi_remove(actor=user, kpi=selectors.visible_kpi(user=user, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeasurementList(ListCreateAPIView[Measurement]):
    """A KPI's measurements, corrected ones included, newest first; POST records one."""

    serializer_class = MeasurementSerializer

    def get_queryset(self) -> QuerySet[Measurement]:
        if getattr(self, "swagger_fake_view", False):
            return Measurement.objects.none()
        kpi = selectors.visible_kpi(user=self.request.user, pk=self.kwargs["pk"])
        return kpi.measurements.select_related("recorded_by").order_by("-measured_on", "-id").all()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = signed_in_user(request)
        kpi = selectors.visible_kpi(user=user, pk=kwargs["pk"])
        serializer = MeasurementSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        measurement = services.measurement_record(actor=user, kpi=kpi, **serializer.validated_data)
        return Response(MeasurementSerializer(measurement).data, status=status.HTTP_201_CREATED)


class MeasurementCorrect(GenericAPIView[Measurement]):
    serializer_class = MeasurementSerializer

    @extend_schema(request=MeasurementSerializer, responses={201: MeasurementSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Correct the measurement: a new one supersedes it (a note says why)."""
        user = signed_in_user(request)
        measurement = selectors.visible_measurement(user=user, pk=pk)
        serializer = MeasurementSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        correction = services.measurement_correct(
            actor=user, measurement=measurement, **serializer.validated_data
        )
        return Response(MeasurementSerializer(correction).data, status=status.HTTP_201_CREATED)


class SpendList(ListCreateAPIView[Spend]):
    """An initiative's spend by month; POST records a month (again: replaces it)."""

    serializer_class = SpendSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Spend]:
        if getattr(self, "swagger_fake_view", False):
            return Spend.objects.none()
        initiative = selectors.visible_initiative(user=self.request.user, pk=self.kwargs["pk"])
        return selectors.spend_of(initiative=initiative)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = signed_in_user(request)
        initiative = selectors.visible_initiative(user=user, pk=kwargs["pk"])
        serializer = SpendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        spend = services.spend_record(
            actor=user, initiative=initiative, **serializer.validated_data
        )
        return Response(SpendSerializer(spend).data, status=status.HTTP_201_CREATED)


class OutcomeReviewView(GenericAPIView[OutcomeReview]):
    serializer_class = OutcomeReviewSerializer
    # The review is found through its initiative (below); OPTIONS reads this.
    queryset = OutcomeReview.objects.none()

    def get(self, request: Request, pk: int) -> Response:
        initiative = selectors.visible_initiative(user=request.user, pk=pk)
        review = selectors.outcome_review_of(initiative=initiative)
        if review is None:
            raise Http404("No outcome review yet.")
        return Response(OutcomeReviewSerializer(review).data)

    def put(self, request: Request, pk: int) -> Response:
        """Submit the outcome review, or resubmit it once returned."""
        user = signed_in_user(request)
        initiative = selectors.visible_initiative(user=user, pk=pk)
        serializer = OutcomeReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        results = {r["kpi_id"]: r["result"] for r in serializer.validated_data["results"]}
        review = services.outcome_review_submit(
            actor=user,
            initiative=initiative,
            results=results,
            lessons=serializer.validated_data["lessons"],
        )
        review = selectors.outcome_review_of(initiative=initiative) or review
        return Response(OutcomeReviewSerializer(review).data)


class OutcomeReviewDecision(GenericAPIView[OutcomeReview]):
    serializer_class = DecisionSerializer
    decision = ""

    @extend_schema(request=DecisionSerializer, responses={200: OutcomeReviewSerializer})
    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        initiative = selectors.visible_initiative(user=user, pk=pk)
        review = selectors.outcome_review_of(initiative=initiative)
        if review is None:
            raise Http404("No outcome review yet.")
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.outcome_review_decide(
            actor=user,
            review=review,
            name=self.decision,
            comment=serializer.validated_data["comment"],
        )
        decided = selectors.outcome_review_of(initiative=initiative)
        return Response(OutcomeReviewSerializer(decided).data)


class ImpactAttainment(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kpis = serializers.IntegerField()
    measured = serializers.IntegerField()
    met = serializers.IntegerField()
    behind = serializers.IntegerField()
    attainment = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)


class ImpactKpiTotals(serializers.Serializer):
    total = serializers.IntegerField()
    measured = serializers.IntegerField()
    met = serializers.IntegerField()
    behind = serializers.IntegerField()
    attainment = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)


class ImpactSpendRow(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    planned = serializers.DecimalField(max_digits=17, decimal_places=2)
    actual = serializers.DecimalField(max_digits=17, decimal_places=2)


class ImpactSpend(serializers.Serializer):
    planned = serializers.DecimalField(max_digits=17, decimal_places=2)
    actual = serializers.DecimalField(max_digits=17, decimal_places=2)


class ImpactItem(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    business_unit = serializers.CharField()


class ImpactOverBudgetItem(ImpactItem):
    budget = serializers.DecimalField(max_digits=15, decimal_places=2)
    spent = serializers.DecimalField(max_digits=17, decimal_places=2)


class ImpactReviewDueItem(ImpactItem):
    end_date = serializers.DateField()


class ImpactReviewAwaitingItem(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    since = serializers.DateTimeField()


def _listing(item: type[serializers.Serializer]) -> type[serializers.Serializer]:
    return type(
        f"{item.__name__}List",
        (serializers.Serializer,),
        {"count": serializers.IntegerField(), "items": item(many=True)},
    )


class ImpactResults(serializers.Serializer):
    met = serializers.IntegerField()
    partly = serializers.IntegerField()
    missed = serializers.IntegerField()


class ImpactResultsRow(ImpactResults):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ImpactSummarySerializer(serializers.Serializer):
    kpis = ImpactKpiTotals()
    attainment_by_business_unit = ImpactAttainment(many=True)
    attainment_by_goal = ImpactAttainment(many=True)
    behind_target = _listing(ImpactItem)()
    spend = ImpactSpend()
    spend_by_business_unit = ImpactSpendRow(many=True)
    spend_by_goal = ImpactSpendRow(many=True)
    over_budget = _listing(ImpactOverBudgetItem)()
    outcome_reviews_due = _listing(ImpactReviewDueItem)()
    outcome_reviews_awaiting = _listing(ImpactReviewAwaitingItem)()
    outcome_results = ImpactResults()
    outcome_results_by_business_unit = ImpactResultsRow(many=True)
    outcome_results_by_goal = ImpactResultsRow(many=True)


def summary_unit_ids(user: Any, raw: str | None) -> list[int]:
    """The ids of the units of the caller's portfolio, or of the one asked
    for (400 for a malformed id, 404 for a unit outside the portfolio)."""
    if not raw:
        return list(portfolio_units(user=user).values_list("pk", flat=True))
    try:
        unit = int(raw)
    except ValueError:
        raise serializers.ValidationError(
            {"business_unit": gettext("Expected a unit id.")}
        ) from None
    ids = list(portfolio_units(user=user, business_unit=unit).values_list("pk", flat=True))
    if not ids:
        raise Http404("No such business unit in your portfolio.")
    return ids


class ImpactSummaryView(APIView):
    """The portfolio's impact: KPI attainment by unit and goal, initiatives
    behind target, spend against plan, initiatives over budget, outcome
    reviews due and awaiting acceptance, and accepted reviews' results."""

    @extend_schema(
        parameters=[OpenApiParameter("business_unit", OpenApiTypes.INT, required=False)],
        responses=ImpactSummarySerializer,
    )
    def get(self, request: Request) -> Response:
        unit_ids = summary_unit_ids(request.user, request.query_params.get("business_unit"))
        data = selectors.impact_summary(unit_ids=unit_ids)
        return Response(ImpactSummarySerializer(data).data)


def paths() -> list[tuple[str, URLPattern]]:
    """The API paths, by registry key."""
    accept: Any = OutcomeReviewDecision.as_view(decision="accept")
    give_back: Any = OutcomeReviewDecision.as_view(decision="return_for_changes")
    return [
        (
            "impact-summary",
            path("api/impact/summary/", ImpactSummaryView.as_view(), name="impact-summary"),
        ),
        (
            "impact-kpis",
            path("api/impact/initiatives/<int:pk>/kpis/", KpiList.as_view(), name="impact-kpis"),
        ),
        (
            "impact-spend",
            path(
                "api/impact/initiatives/<int:pk>/spend/", SpendList.as_view(), name="impact-spend"
            ),
        ),
        (
            "impact-review",
            path(
                "api/impact/initiatives/<int:pk>/outcome-review/",
                OutcomeReviewView.as_view(),
                name="impact-review",
            ),
        ),
        (
            "impact-review-accept",
            path(
                "api/impact/initiatives/<int:pk>/outcome-review/accept/",
                accept,
                name="impact-review-accept",
            ),
        ),
        (
            "impact-review-return",
            path(
                "api/impact/initiatives/<int:pk>/outcome-review/return/",
                give_back,
                name="impact-review-return",
            ),
        ),
        ("impact-kpi", path("api/impact/kpis/<int:pk>/", KpiDetail.as_view(), name="impact-kpi")),
        (
            "impact-measurements",
            path(
                "api/impact/kpis/<int:pk>/measurements/",
                MeasurementList.as_view(),
                name="impact-measurements",
            ),
        ),
        (
            "impact-correct",
            path(
                "api/impact/measurements/<int:pk>/correct/",
                MeasurementCorrect.as_view(),
                name="impact-correct",
            ),
        ),
    ]
