"""REST API of training: courses, attempts, publication and coverage."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.models import BusinessUnit
from governance.requests import signed_in_user
from policies.models import Policy
from training import selectors, services
from training.models import Attempt, Audience, Course


class ChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    text = serializers.CharField(max_length=300)
    correct = serializers.BooleanField(write_only=True, default=False)


class QuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    text = serializers.CharField(max_length=500)
    choices = ChoiceSerializer(many=True)


class CourseSerializer(serializers.ModelSerializer):
    """A course; the right answers are never shown."""

    policy = serializers.PrimaryKeyRelatedField(
        queryset=Policy.objects.all(), allow_null=True, required=False
    )
    business_units = serializers.PrimaryKeyRelatedField(
        queryset=BusinessUnit.objects.all(), many=True, required=False
    )
    audience = serializers.ChoiceField(choices=Audience.choices, default=Audience.STAFF)
    questions = QuestionSerializer(many=True, required=False)
    completed = serializers.SerializerMethodField()

    class Meta:
        model = Course
        fields = [
            "id",
            "title",
            "body",
            "policy",
            "audience",
            "business_units",
            "pass_mark",
            "retrain_on_policy_version",
            "version",
            "state",
            "questions",
            "completed",
        ]
        read_only_fields = ["version", "state"]

    def get_completed(self, course: Course) -> bool:
        """Whether the requesting user has a current completion."""
        return bool(getattr(course, "completed", False))


class AttemptInSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.IntegerField(), help_text="Question id to the chosen choice id."
    )


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attempt
        fields = ["id", "course", "course_version", "policy_version", "score", "passed", "at"]


class CourseCoverageSerializer(serializers.Serializer):
    business_unit = serializers.IntegerField()
    business_unit_name = serializers.CharField()
    completed = serializers.ListField(child=serializers.CharField())
    outdated = serializers.ListField(child=serializers.CharField())
    missing = serializers.ListField(child=serializers.CharField())


def _courses(request: Request) -> QuerySet[Course]:
    user = signed_in_user(request)
    return selectors.with_my_status(
        courses=selectors.visible_courses(user=user), user=user
    ).prefetch_related("business_units", "questions__choices")


def _course_or_404(request: Request, pk: int) -> Course:
    course = _courses(request).filter(pk=pk).first()
    if course is None:
        raise Http404
    return course


class CourseListView(generics.ListCreateAPIView):
    """Courses the user may see, with whether they completed each; the CoE
    writes new ones (drafts)."""

    serializer_class = CourseSerializer

    def get_queryset(self) -> QuerySet[Course]:
        if getattr(self, "swagger_fake_view", False):  # the schema, without a user
            return Course.objects.none()
        return _courses(self.request).order_by("title", "pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = CourseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        course = services.course_create(actor=signed_in_user(request), **data)
        return Response(
            CourseSerializer(_course_or_404(request, course.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class CourseDetailView(generics.RetrieveUpdateAPIView):
    """One course; the CoE edits a draft with PATCH (`questions`, when sent,
    replace all of them): 403 for others, 409 once published or retired."""

    serializer_class = CourseSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self) -> Course:
        return _course_or_404(self.request, self.kwargs["pk"])

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        course = self.get_object()
        actor = signed_in_user(request)
        if not selectors.may_author(user=actor):
            raise PermissionDenied
        payload = CourseSerializer(course, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        services.course_update(actor=actor, course=course, changes=dict(payload.validated_data))
        return Response(CourseSerializer(_course_or_404(request, course.pk)).data)


class CourseAttemptView(APIView):
    """Answer a course's questions: the attempt, passed or failed."""

    @extend_schema(request=AttemptInSerializer, responses={201: AttemptSerializer})
    def post(self, request: Request, pk: int) -> Response:
        course = _course_or_404(request, pk)
        payload = AttemptInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        answers = {}
        for key, value in payload.validated_data["answers"].items():
            if not str(key).isdigit():
                raise serializers.ValidationError({"answers": "Keys are question ids."})
            answers[int(key)] = value
        attempt = services.attempt_submit(
            actor=signed_in_user(request), course=course, answers=answers
        )
        return Response(AttemptSerializer(attempt).data, status=status.HTTP_201_CREATED)


class CourseTransitionView(APIView):
    """Publish (a new version) or retire a course: the CoE lead."""

    @extend_schema(request=None, responses=CourseSerializer)
    def post(self, request: Request, pk: int, name: str) -> Response:
        course = _course_or_404(request, pk)
        services.course_transition(actor=signed_in_user(request), course=course, name=name)
        return Response(CourseSerializer(_course_or_404(request, pk)).data)


class CourseCoverageView(APIView):
    """Per unit, who completed the course, whose completion is outdated, who
    has none: the CoE and auditors."""

    @extend_schema(responses=CourseCoverageSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        course = _course_or_404(request, pk)
        if not selectors.sees_all(user=request.user):
            raise PermissionDenied
        return Response(CourseCoverageSerializer(selectors.coverage(course=course), many=True).data)


def paths() -> list[tuple[str, Any]]:
    from django.urls import path

    return [
        (name, path(route, view, name=name))
        for name, route, view in [
            ("api-training-courses", "api/training/courses/", CourseListView.as_view()),
            (
                "api-training-course",
                "api/training/courses/<int:pk>/",
                CourseDetailView.as_view(),
            ),
            (
                "api-training-attempts",
                "api/training/courses/<int:pk>/attempts/",
                CourseAttemptView.as_view(),
            ),
            (
                "api-training-transition",
                "api/training/courses/<int:pk>/transitions/<str:name>/",
                CourseTransitionView.as_view(),
            ),
            (
                "api-training-coverage",
                "api/training/courses/<int:pk>/coverage/",
                CourseCoverageView.as_view(),
            ),
        ]
    ]
