"""The discussion's API: an object's comments and attachments under the
object's own path (`/api/initiatives/<id>/comments/`), a comment or an
attachment by id, and the download. Everything is 404 for someone who may not
see the object; the services decide the rest."""

from typing import Any

from django.db.models import Model, QuerySet
from django.http import FileResponse
from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView, ListCreateAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from discussion import kinds, selectors, services, views
from discussion.models import Attachment, Comment
from discussion.rendering import render_comment
from governance.requests import signed_in_user


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    author = serializers.CharField(source="author.username", read_only=True)
    body = serializers.CharField(max_length=services.MAX_COMMENT_CHARS)
    body_html = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)
    edited_at = serializers.DateTimeField(read_only=True, allow_null=True)
    removed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    removed_by = serializers.CharField(
        source="removed_by.username", read_only=True, allow_null=True, default=None
    )

    def get_body_html(self, comment: Comment) -> str:
        return "" if comment.is_removed else render_comment(comment.body)


class CommentEditSerializer(serializers.Serializer):
    # Blank passes here so that the service names what is wrong with the text.
    body = serializers.CharField(
        max_length=services.MAX_COMMENT_CHARS, allow_blank=True, trim_whitespace=False
    )


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    file = serializers.FileField(write_only=True)
    name = serializers.CharField(read_only=True)
    media_type = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    sha256 = serializers.CharField(read_only=True)
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, attachment: Attachment) -> str:
        from django.urls import reverse

        return reverse("discussion-api-download", args=[attachment.pk])


class CommentList(ListCreateAPIView[Comment]):
    """An object's comments, oldest first; POST adds one."""

    serializer_class = CommentSerializer
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    slug = ""

    def _target(self) -> Model:
        return selectors.visible_target(
            user=self.request.user, slug=self.slug, pk=self.kwargs["pk"]
        )

    def get_queryset(self) -> QuerySet[Comment]:
        if getattr(self, "swagger_fake_view", False):  # the schema, not a request
            return Comment.objects.none()
        return selectors.thread(target=self._target())

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = signed_in_user(request)
        target = self._target()
        serializer = CommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = services.comment_post(
            actor=user, target=target, body=serializer.validated_data["body"]
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class CommentDetail(GenericAPIView[Comment]):
    serializer_class = CommentSerializer

    def get(self, request: Request, pk: int) -> Response:
        comment, _target = selectors.visible_comment(user=request.user, pk=pk)
        return Response(CommentSerializer(comment).data)

    @extend_schema(request=CommentEditSerializer, responses={200: CommentSerializer})
    def patch(self, request: Request, pk: int) -> Response:
        """Change the comment's text: its author only (else 403), within
        COMMENT_EDIT_MINUTES of posting (else 409); the audit keeps the old text."""
        user = signed_in_user(request)
        comment, _target = selectors.visible_comment(user=user, pk=pk)
        serializer = CommentEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        edited = services.comment_edit(
            actor=user, comment=comment, body=serializer.validated_data["body"]
        )
        return Response(CommentSerializer(edited).data)

    @extend_schema(responses={200: CommentSerializer})
    def delete(self, request: Request, pk: int) -> Response:
        """Remove the comment (its author or the CoE): the thread keeps a row saying so."""
        user = signed_in_user(request)
        comment, _target = selectors.visible_comment(user=user, pk=pk)
        removed = services.comment_remove(actor=user, comment=comment)
        return Response(CommentSerializer(removed).data)


class AttachmentList(ListCreateAPIView[Attachment]):
    """An object's attachments, oldest first; POST (multipart, field `file`) adds one."""

    serializer_class = AttachmentSerializer
    parser_classes = [MultiPartParser, FormParser]
    slug = ""

    def _target(self) -> Model:
        return selectors.visible_target(
            user=self.request.user, slug=self.slug, pk=self.kwargs["pk"]
        )

    def get_queryset(self) -> QuerySet[Attachment]:
        if getattr(self, "swagger_fake_view", False):  # the schema, not a request
            return Attachment.objects.none()
        return selectors.attachments_of(target=self._target())

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = signed_in_user(request)
        target = self._target()
        serializer = AttachmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = services.attachment_add(
            actor=user, target=target, upload=serializer.validated_data["file"]
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentDetail(GenericAPIView[Attachment]):
    serializer_class = AttachmentSerializer

    def get(self, request: Request, pk: int) -> Response:
        attachment, _target = selectors.visible_attachment(user=request.user, pk=pk)
        return Response(AttachmentSerializer(attachment).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        """Remove the attachment (its uploader or the CoE); the audit log keeps what it was."""
        user = signed_in_user(request)
        attachment, _target = selectors.visible_attachment(user=user, pk=pk)
        services.attachment_remove(actor=user, attachment=attachment)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AttachmentDownload(GenericAPIView[Attachment]):
    serializer_class = AttachmentSerializer

    @extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int) -> FileResponse:
        attachment, _target = selectors.visible_attachment(user=request.user, pk=pk)
        return views.file_response(attachment)


def paths() -> list[tuple[str, URLPattern]]:
    """The API paths, by registry key: each kind's comments and attachments
    under its own path, then comments and attachments by id."""
    found: list[tuple[str, URLPattern]] = []
    for slug in kinds.slugs():
        view: Any = CommentList.as_view(slug=slug)
        found.append(
            (
                f"discussion-{slug}-comments",
                path(
                    f"api/{slug}/<int:pk>/comments/", view, name=f"discussion-api-{slug}-comments"
                ),
            )
        )
    for slug in kinds.with_attachments():
        view = AttachmentList.as_view(slug=slug)
        found.append(
            (
                f"discussion-{slug}-attachments",
                path(
                    f"api/{slug}/<int:pk>/attachments/",
                    view,
                    name=f"discussion-api-{slug}-attachments",
                ),
            )
        )
    found += [
        (
            "discussion-comment",
            path("api/comments/<int:pk>/", CommentDetail.as_view(), name="discussion-api-comment"),
        ),
        (
            "discussion-attachment",
            path(
                "api/attachments/<int:pk>/",
                AttachmentDetail.as_view(),
                name="discussion-api-attachment",
            ),
        ),
        (
            "discussion-download",
            path(
                "api/attachments/<int:pk>/download/",
                AttachmentDownload.as_view(),
                name="discussion-api-download",
            ),
        ),
    ]
    return found
