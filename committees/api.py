"""The committees' API: the committees with their members, a committee's
agenda, a vote (case) with its votes, casting a vote and the chair's close.
A vote on an initiative the user may not see is 404; the services decide
the rest (403 outside the committee or recused, 409 closed or no quorum).
The CoE lead seats and unseats members and makes a working group the owner
of initiatives and policies; what a group owns is listed as far as the
caller may see it."""

from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from committees import selectors, services
from committees.models import Case, Committee, Vote
from governance.api import ActiveUserByName, IdField, Pagination
from governance.models import BusinessUnit
from governance.requests import signed_in_user
from initiatives.api import AmendmentSerializer
from initiatives.models import Initiative
from initiatives.selectors import visible_initiatives
from policies.models import Policy
from policies.selectors import visible_policies


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
    # Set when the vote decides an amendment of the initiative (its changes: the case).
    amendment = serializers.IntegerField(source="amendment_id", allow_null=True, read_only=True)


class CaseDetailSerializer(CaseSerializer):
    """A vote as its page shows it: on an amendment, the amendment itself (its
    reason and proposed changes), which every member decides on, whatever
    unit they come from."""

    amendment_proposal = AmendmentSerializer(source="amendment", read_only=True, allow_null=True)


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
    serializer_class = CaseDetailSerializer
    queryset = Case.objects.none()

    def get(self, request: Request, pk: int) -> Response:
        case = selectors.case_or_404(user=request.user, pk=pk)
        return Response(CaseDetailSerializer(case).data)


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


class Members(GenericAPIView[Committee]):
    serializer_class = SeatSerializer
    queryset = Committee.objects.none()

    @extend_schema(request=SeatSerializer, responses={201: CommitteeSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Seat a member (the CoE lead): they see what a working group owns at once."""
        user = signed_in_user(request)
        committee = selectors.committee_or_404(pk=pk)
        serializer = SeatSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.committee_member_add(
            actor=user,
            committee=committee,
            user=serializer.validated_data["username"],
            business_unit=serializer.validated_data.get("business_unit"),
        )
        return Response(CommitteeSerializer(committee).data, status=status.HTTP_201_CREATED)


class MemberDetail(GenericAPIView[Committee]):
    queryset = Committee.objects.none()

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int, username: str) -> Response:
        """Take a seat away (the CoE lead): what it let the member see goes with it."""
        user = signed_in_user(request)
        committee = selectors.committee_or_404(pk=pk)
        seat = committee.members.select_related("user").filter(user__username=username).first()
        if seat is None:
            raise NotFound
        services.committee_member_remove(actor=user, committee=committee, user=seat.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OwnedItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    state = serializers.CharField()


class AssignSerializer(serializers.Serializer):
    id = IdField()


class _Owned(ListAPIView[Any]):
    """What the working group owns, as far as the caller may see it; POST
    {"id": ...} makes the group its owner, DELETE .../<id>/ ends it (the CoE
    lead)."""

    serializer_class = OwnedItemSerializer
    pagination_class = Pagination
    queryset = Initiative.objects.none()

    def owned(self, committee: Committee) -> QuerySet[Any]:
        raise NotImplementedError

    def visible(self, user: Any) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Initiative.objects.none()
        return self.owned(selectors.committee_or_404(pk=self.kwargs["pk"]))

    def _target(self, user: User, pk: int) -> Initiative | Policy:
        return get_object_or_404(self.visible(user), pk=pk)

    @extend_schema(request=AssignSerializer, responses={201: OwnedItemSerializer})
    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        committee = selectors.committee_or_404(pk=pk)
        serializer = AssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = self._target(user, serializer.validated_data["id"])
        services.ownership_assign(actor=user, committee=committee, obj=obj)
        return Response(OwnedItemSerializer(obj).data, status=status.HTTP_201_CREATED)


class OwnedInitiatives(_Owned):
    def owned(self, committee: Committee) -> QuerySet[Any]:
        return selectors.owned_initiatives(user=self.request.user, committee=committee)

    def visible(self, user: Any) -> QuerySet[Any]:
        return visible_initiatives(user=user)


class OwnedPolicies(_Owned):
    def owned(self, committee: Committee) -> QuerySet[Any]:
        return selectors.owned_policies(user=self.request.user, committee=committee)

    def visible(self, user: Any) -> QuerySet[Any]:
        return visible_policies(user=user)


class _OwnedDetail(GenericAPIView[Any]):
    queryset = Initiative.objects.none()

    def visible(self, user: Any) -> QuerySet[Any]:
        raise NotImplementedError

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int, item: int) -> Response:
        user = signed_in_user(request)
        committee = selectors.committee_or_404(pk=pk)
        obj = get_object_or_404(self.visible(user), pk=item)
        owner = selectors.owning_group(obj=obj)
        if owner is None or owner.pk != committee.pk:
            raise NotFound
        if not selectors.may_change_committees(user=user):
            raise PermissionDenied
        services.ownership_remove(actor=user, obj=obj)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OwnedInitiativeDetail(_OwnedDetail):
    def visible(self, user: Any) -> QuerySet[Any]:
        return visible_initiatives(user=user)


class OwnedPolicyDetail(_OwnedDetail):
    queryset = Policy.objects.none()

    def visible(self, user: Any) -> QuerySet[Any]:
        return visible_policies(user=user)


def paths() -> list[tuple[str, URLPattern]]:
    return [
        (
            "committee-members",
            path("api/committees/<int:pk>/members/", Members.as_view(), name="committee-members"),
        ),
        (
            "committee-member",
            path(
                "api/committees/<int:pk>/members/<str:username>/",
                MemberDetail.as_view(),
                name="committee-member",
            ),
        ),
        (
            "committee-initiatives",
            path(
                "api/committees/<int:pk>/initiatives/",
                OwnedInitiatives.as_view(),
                name="committee-initiatives",
            ),
        ),
        (
            "committee-initiative",
            path(
                "api/committees/<int:pk>/initiatives/<int:item>/",
                OwnedInitiativeDetail.as_view(),
                name="committee-initiative",
            ),
        ),
        (
            "committee-policies",
            path(
                "api/committees/<int:pk>/policies/",
                OwnedPolicies.as_view(),
                name="committee-policies",
            ),
        ),
        (
            "committee-policy",
            path(
                "api/committees/<int:pk>/policies/<int:item>/",
                OwnedPolicyDetail.as_view(),
                name="committee-policy",
            ),
        ),
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
