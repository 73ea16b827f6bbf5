"""The committees' API: the committees with their members, a committee's
agenda, a vote (case) with its votes, casting a vote and the chair's close.
A vote on an initiative the user may not see is 404; the services decide
the rest (403 outside the committee or recused, 409 closed or no quorum)."""

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from committees import selectors, services
from committees.models import Case, Committee, Vote
from governance.api import ActiveUserByName, Pagination
from governance.models import BusinessUnit
from governance.requests import signed_in_user


class MemberSerializer(serializers.Serializer):
    username = serializers.CharField(source="user.username")
    business_unit = serializers.CharField(
        source="business_unit.slug", allow_null=True, default=None
    )


class CommitteeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    chair = serializers.CharField(source="chair.username")
    quorum = serializers.IntegerField()
    members = serializers.SerializerMethodField()

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, committee: Committee) -> list[dict[str, Any]]:
        return MemberSerializer(selectors.members_of(committee=committee), many=True).data  # type: ignore[return-value]


class VoteSerializer(serializers.Serializer):
    voter = serializers.CharField(source="voter.username", read_only=True)
    choice = serializers.ChoiceField(choices=Vote.Choice.choices)
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=services.MAX_COMMENT_CHARS
    )
    at = serializers.DateTimeField(read_only=True)


class CaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    committee = serializers.IntegerField(source="committee_id")
    initiative = serializers.IntegerField(source="initiative_id")
    initiative_title = serializers.CharField(source="initiative.title")
    state = serializers.CharField()
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    closed_by_chair = serializers.BooleanField()
    votes = VoteSerializer(many=True, read_only=True)


class CloseSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=services.MAX_COMMENT_CHARS
    )


class SeatSerializer(serializers.Serializer):
    username = ActiveUserByName()
    business_unit = serializers.SlugRelatedField(
        slug_field="slug", queryset=BusinessUnit.objects.all(), required=False, allow_null=True
    )


class CommitteeCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=Committee.Kind.choices, default=Committee.Kind.STEERING)
    chair = ActiveUserByName()
    quorum = serializers.IntegerField(min_value=1, max_value=1000)
    members = SeatSerializer(many=True)


class CommitteeList(ListAPIView[Committee]):
    """The committees, with their chair, quorum and members; POST sets one up
    (the CoE lead)."""

    serializer_class = CommitteeSerializer
    pagination_class = Pagination
    queryset = Committee.objects.none()

    def get_queryset(self) -> Any:
        return selectors.committees().order_by("name")

    @extend_schema(request=CommitteeCreateSerializer, responses={201: CommitteeSerializer})
    def post(self, request: Request) -> Response:
        user = signed_in_user(request)
        serializer = CommitteeCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        committee = services.committee_create(
            actor=user,
            name=data["name"],
            kind=data["kind"],
            chair=data["chair"],
            quorum=data["quorum"],
            members=[(seat["username"], seat.get("business_unit")) for seat in data["members"]],
        )
        return Response(CommitteeSerializer(committee).data, status=status.HTTP_201_CREATED)


class Agenda(ListAPIView[Case]):
    """What awaits the committee: its open votes, oldest first."""

    serializer_class = CaseSerializer
    pagination_class = Pagination
    queryset = Case.objects.none()

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        committee = selectors.committee_or_404(pk=self.kwargs["pk"])
        return selectors.agenda(user=self.request.user, committee=committee).prefetch_related(
            "votes__voter"
        )


class CaseDetail(GenericAPIView[Case]):
    serializer_class = CaseSerializer
    queryset = Case.objects.none()

    def get(self, request: Request, pk: int) -> Response:
        case = selectors.case_or_404(user=request.user, pk=pk)
        return Response(CaseSerializer(case).data)


class CaseVote(GenericAPIView[Case]):
    serializer_class = VoteSerializer
    queryset = Case.objects.none()

    @extend_schema(request=VoteSerializer, responses={201: CaseSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Cast the user's vote (approve, reject, abstain) with a comment."""
        user = signed_in_user(request)
        case = selectors.case_or_404(user=user, pk=pk)
        serializer = VoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.vote_cast(
            actor=user,
            case=case,
            choice=serializer.validated_data["choice"],
            comment=serializer.validated_data.get("comment", ""),
        )
        case = selectors.case_or_404(user=user, pk=pk)
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED)


class CaseClose(GenericAPIView[Case]):
    serializer_class = CloseSerializer
    queryset = Case.objects.none()

    @extend_schema(request=CloseSerializer, responses={200: CaseSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """The chair closes the vote (once the quorum is reached)."""
        user = signed_in_user(request)
        case = selectors.case_or_404(user=user, pk=pk)
        serializer = CloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.case_close(
            actor=user, case=case, comment=serializer.validated_data.get("comment", "")
        )
        return Response(CaseSerializer(selectors.case_or_404(user=user, pk=pk)).data)


def paths() -> list[tuple[str, URLPattern]]:
    return [
        ("committees", path("api/committees/", CommitteeList.as_view(), name="committee-list")),
        (
            "committee-agenda",
            path("api/committees/<int:pk>/agenda/", Agenda.as_view(), name="committee-agenda"),
        ),
        (
            "committee-case",
            path("api/committee-cases/<int:pk>/", CaseDetail.as_view(), name="committee-case"),
        ),
        (
            "committee-case-vote",
            path(
                "api/committee-cases/<int:pk>/votes/",
                CaseVote.as_view(),
                name="committee-case-vote",
            ),
        ),
        (
            "committee-case-close",
            path(
                "api/committee-cases/<int:pk>/close/",
                CaseClose.as_view(),
                name="committee-case-close",
            ),
        ),
    ]
