"""REST API of the inbox: the caller's tasks and notifications."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from governance.api import Pagination
from governance.requests import signed_in_user
from inbox import selectors
from inbox.models import Notification


class TaskSerializer(serializers.Serializer):
    kind = serializers.CharField()
    object_id = serializers.IntegerField()
    title = serializers.CharField(source="label")
    business_unit = serializers.CharField(source="unit_name", allow_null=True)
    waiting_since = serializers.DateTimeField(allow_null=True)
    waiting_days = serializers.IntegerField(allow_null=True)
    overdue = serializers.BooleanField()
    due_on = serializers.DateField(allow_null=True)
    on_behalf_of = serializers.CharField(
        allow_null=True, help_text="The sponsor a delegate decides for; null in one's own right."
    )
    url = serializers.CharField(help_text="The page of the object the task is about.")


class TasksView(GenericAPIView):
    """Everything waiting for the caller, oldest first: initiatives and
    amendments to review or sign off (as a delegate too), initiatives returned
    with changes requested, exceptions to decide, policies to acknowledge or
    to review."""

    serializer_class = TaskSerializer
    pagination_class = Pagination
    # Tasks are rows of several models, filtered by their sources alone.
    filter_backends: list[Any] = []

    @extend_schema(responses=TaskSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = self.paginate_queryset(selectors.tasks(user=signed_in_user(request)))
        assert rows is not None
        return self.get_paginated_response(TaskSerializer(selectors.as_tasks(rows), many=True).data)


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event = serializers.CharField()
    text = serializers.CharField()
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField()

    def get_url(self, notification: Any) -> str:
        return selectors.notification_url(notification)


class NotificationsView(GenericAPIView):
    """The caller's own notifications, newest first (`?unread=1`: only unread)."""

    serializer_class = NotificationSerializer
    pagination_class = Pagination
    queryset = Notification.objects.none()
    filter_backends: list[Any] = []

    @extend_schema(
        responses=NotificationSerializer(many=True),
        parameters=[
            OpenApiParameter("unread", bool, description="Only the notifications not read yet.")
        ],
    )
    def get(self, request: Request) -> Response:
        queryset = selectors.notifications_of(user=signed_in_user(request))
        if request.query_params.get("unread") in {"1", "true"}:
            queryset = queryset.filter(read_at__isnull=True)
        page = self.paginate_queryset(queryset)
        assert page is not None
        return self.get_paginated_response(NotificationSerializer(page, many=True).data)
