"""REST API of search: `GET /api/search/` and `GET /api/initiatives/similar/`,
the CoE's duplicate links (`POST`/`DELETE /api/initiatives/{id}/duplicate/`)
and the merge of their review (`POST /api/initiatives/{id}/duplicate/merge/`)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from governance.api import Pagination
from governance.requests import signed_in_user
from initiatives import selectors as initiative_selectors
from initiatives.models import Initiative
from search import selectors, services
from search.forms import SearchForm, SimilarForm
from search.models import Document
from search.paging import WindowCountPaginator


class HitSerializer(serializers.Serializer):
    kind = serializers.CharField()
    object_id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(help_text="The page of the object found.")
    excerpt = serializers.CharField(
        help_text="HTML: the text around the match, escaped, with matching words in <mark>."
    )
    state = serializers.CharField()
    business_unit = serializers.CharField(source="unit")
    date = serializers.DateTimeField()


class AuditHitSerializer(serializers.Serializer):
    kind = serializers.SerializerMethodField()
    object_id = serializers.CharField()
    title = serializers.CharField(source="object_repr")
    event = serializers.CharField()
    comment = serializers.CharField()
    date = serializers.DateTimeField(source="at")

    def get_kind(self, event: Any) -> str:
        return selectors.AUDIT


def _errors(form: Any) -> ValidationError:
    return ValidationError(
        {field: [str(error) for error in errors] for field, errors in form.errors.items()}
    )


class SearchPagination(Pagination):
    django_paginator_class = WindowCountPaginator


class SearchView(GenericAPIView):
    """Everything the caller may see that matches `q`, best first (on
    PostgreSQL ranked full-text search in English, German and Italian), with
    the same filters as the search page. `kind=audit` searches the audit log
    (auditors and the CoE lead)."""

    serializer_class = HitSerializer
    pagination_class = SearchPagination
    queryset = Document.objects.none()
    filter_backends: list[Any] = []

    @extend_schema(
        responses=HitSerializer(many=True),
        parameters=[
            OpenApiParameter("q", str, required=True, description="What to look for."),
            OpenApiParameter("kind", str, description="initiative, amendment, policy or audit."),
            OpenApiParameter("unit", int, description="A business unit's id."),
            OpenApiParameter("state", str, description="The object's state."),
            OpenApiParameter("since", str, description="From this day (YYYY-MM-DD)."),
            OpenApiParameter("until", str, description="To this day, included (YYYY-MM-DD)."),
        ],
    )
    def get(self, request: Request) -> Response:
        user = signed_in_user(request)
        form = SearchForm(request.query_params, user=user)
        if not form.is_valid():
            raise _errors(form)
        data = form.cleaned_data
        if not data["q"].strip():
            raise ValidationError({"q": ["Give something to look for."]})
        dates = {"since": data["since"], "until": data["until"]}
        if data["kind"] == selectors.AUDIT:
            found = selectors.search_audit(user=user, query=data["q"], **dates)
            events = self.paginate_queryset(found)
            assert events is not None
            return self.get_paginated_response(AuditHitSerializer(events, many=True).data)
        documents = self.paginate_queryset(
            selectors.search(
                user=user,
                query=data["q"],
                kind=data["kind"],
                unit=data["unit"] or None,
                state=data["state"],
                **dates,
            )
        )
        assert documents is not None
        hits = selectors.hits(documents=list(documents), query=data["q"])
        return self.get_paginated_response(HitSerializer(hits, many=True).data)


class SimilarSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        source="object_id", allow_null=True, help_text="Null where the caller may not see it."
    )
    title = serializers.CharField()
    score = serializers.FloatField()
    visible = serializers.BooleanField()
    url = serializers.CharField(allow_blank=True)
    business_unit = serializers.CharField(source="unit", allow_blank=True)
    state = serializers.CharField(allow_blank=True)


class SimilarView(GenericAPIView):
    """The existing initiatives, in any unit, most like a draft's `title` and
    `summary` (`exclude`: the draft's own id when editing). Of an initiative
    the caller may not see, only its title."""

    serializer_class = SimilarSerializer
    queryset = Document.objects.none()
    filter_backends: list[Any] = []
    pagination_class = None

    @extend_schema(
        responses=SimilarSerializer(many=True),
        parameters=[
            OpenApiParameter("title", str, required=True),
            OpenApiParameter("summary", str),
            OpenApiParameter("exclude", int),
        ],
    )
    def get(self, request: Request) -> Response:
        form = SimilarForm(request.query_params)
        if not form.is_valid():
            raise _errors(form)
        found = selectors.similar_initiatives(
            user=signed_in_user(request),
            title=form.cleaned_data["title"],
            summary=form.cleaned_data["summary"],
            exclude=form.cleaned_data["exclude"],
        )
        rows = [
            {**item.__dict__, "object_id": item.object_id if item.visible else None}
            for item in found
        ]
        return Response(SimilarSerializer(rows, many=True).data)


class DuplicateLinkSerializer(serializers.Serializer):
    original = serializers.IntegerField(min_value=1)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class DuplicateView(GenericAPIView):
    """The CoE links the initiative as a duplicate of `original` (POST) or
    removes the link (DELETE)."""

    serializer_class = DuplicateLinkSerializer
    queryset = Document.objects.none()
    filter_backends: list[Any] = []

    def _initiative(self, request: Request, pk: int) -> Initiative:
        found = (
            initiative_selectors.visible_initiatives(user=signed_in_user(request))
            .filter(pk=pk)
            .first()
        )
        if found is None:
            raise Http404
        return found

    @extend_schema(request=DuplicateLinkSerializer, responses={201: DuplicateLinkSerializer})
    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        duplicate = self._initiative(request, pk)
        if not services.may_link_duplicates(user=user):
            raise PermissionDenied
        serializer = DuplicateLinkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        original = (
            initiative_selectors.visible_initiatives(user=user)
            .filter(pk=serializer.validated_data["original"])
            .first()
        )
        if original is None:
            raise ValidationError({"original": ["No initiative with this id."]})
        services.duplicate_link(
            actor=user,
            duplicate=duplicate,
            original=original,
            comment=serializer.validated_data["comment"],
        )
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        duplicate = self._initiative(request, pk)
        services.duplicate_unlink(actor=user, duplicate=duplicate)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DuplicateMergeSerializer(serializers.Serializer):
    keep = serializers.IntegerField(
        min_value=1, help_text="The initiative that goes on: this one or the one it duplicates."
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class DuplicateMergedSerializer(serializers.Serializer):
    kept = serializers.IntegerField(source="original_id")
    closed = serializers.IntegerField(source="duplicate_id")
    merged_at = serializers.DateTimeField()


class DuplicateMergeView(GenericAPIView):
    """The CoE merges the review of the initiative and the one it is linked
    to as a duplicate: `keep` goes on, the other (in CoE review) is rejected
    as a duplicate and its owner and unit are told."""

    serializer_class = DuplicateMergeSerializer
    queryset = Document.objects.none()
    filter_backends: list[Any] = []

    @extend_schema(request=DuplicateMergeSerializer, responses={200: DuplicateMergedSerializer})
    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        visible = initiative_selectors.visible_initiatives(user=user)
        duplicate = visible.filter(pk=pk).first()
        if duplicate is None:
            raise Http404
        if not services.may_link_duplicates(user=user):
            raise PermissionDenied
        serializer = DuplicateMergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        keep = visible.filter(pk=serializer.validated_data["keep"]).first()
        if keep is None:
            raise ValidationError({"keep": ["No initiative with this id."]})
        link = services.duplicate_merge(
            actor=user,
            duplicate=duplicate,
            keep=keep,
            comment=serializer.validated_data["comment"],
        )
        return Response(DuplicateMergedSerializer(link).data)


def paths() -> list[tuple[str, URLPattern]]:
    return [
        ("search", path("api/search/", SearchView.as_view(), name="search")),
        (
            "initiatives-similar",
            path("api/initiatives/similar/", SimilarView.as_view(), name="initiatives-similar"),
        ),
        (
            "initiative-duplicate",
            path(
                "api/initiatives/<int:pk>/duplicate/",
                DuplicateView.as_view(),
                name="initiative-duplicate",
            ),
        ),
        (
            "initiative-duplicate-merge",
            path(
                "api/initiatives/<int:pk>/duplicate/merge/",
                DuplicateMergeView.as_view(),
                name="initiative-duplicate-merge",
            ),
        ),
    ]
