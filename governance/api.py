"""API conventions shared by every app: who may call, how lists page, how
service errors become HTTP answers (400 invalid, 401 not signed in, 403
forbidden, 404 unseen or unknown, 409 wrong state or lost race, 413 too large).
`governance.schema` declares those answers in the OpenAPI schema."""

from typing import TYPE_CHECKING, Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.fields import get_error_detail
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from governance.errors import Conflict, UnknownAction

if TYPE_CHECKING:
    from rest_framework.views import APIView


# The largest primary key the databases store (a signed 64-bit integer). A
# larger number names nothing, and SQLite cannot even bind it, so every id taken
# from a request is checked against it first.
MAX_ID = 2**63 - 1


class IdField(serializers.IntegerField):
    """An object id in a request body: 400 below 1 or above the largest id."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class IdFilter(django_filters.NumberFilter):
    """A filter on an object id: 400 for a number no id can have."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class ActiveUserByName(serializers.SlugRelatedField):
    """An active user named by user name in a request body. A name with a NUL
    character names nobody (PostgreSQL cannot even compare it): 400, not 500."""

    def __init__(self, **kwargs: Any) -> None:
        from django.contrib.auth import get_user_model

        kwargs.setdefault("queryset", get_user_model().objects.filter(is_active=True))
        super().__init__(slug_field="username", **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)


class IsAuthenticatedActiveUser(permissions.BasePermission):
    def has_permission(self, request: Request, view: "APIView") -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active)


class SchemaReaders(permissions.BasePermission):
    """Who may read the OpenAPI schema and its reference: signed-in users,
    or everyone when API_DOCS_PUBLIC is on."""

    def has_permission(self, request: Request, view: "APIView") -> bool:
        from django.conf import settings

        return bool(settings.API_DOCS_PUBLIC) or IsAuthenticatedActiveUser().has_permission(
            request, view
        )


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The object changed; reload it and try again."
    default_code = "conflict"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    # Imported here: rest_framework.views reads these settings when it is imported.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=get_error_detail(exc))
    elif isinstance(exc, TransitionNotAllowed):
        exc = ConflictError(str(exc) or "This transition is not allowed from the current state.")
    elif isinstance(exc, ConcurrentTransition):
        exc = ConflictError("Someone else changed this initiative at the same time; reload it.")
    elif isinstance(exc, Conflict):
        response = drf_exception_handler(ConflictError(str(exc)), context)
        if response is not None:
            # What must be done first (the policies to acknowledge...), as given.
            response.data.update(exc.data)
        return response
    elif isinstance(exc, UnknownAction):
        exc = Http404(str(exc))
    return drf_exception_handler(exc, context)


class ReadOnlyFieldsGuard(serializers.Serializer):
    """Refuse, with 400 naming the field, any attempt to write a read-only field
    (DRF would silently ignore it)."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            return super().to_internal_value(data)
        errors: dict[str, Any] = {
            name: ["This field is read-only."]
            for name, field in self.fields.items()
            if field.read_only and name in data
        }
        if self.instance is not None:
            errors |= {
                name: ["This field cannot be changed after creation."]
                for name in getattr(getattr(self, "Meta", None), "create_only_fields", ())
                if name in data
            }
        try:
            value = super().to_internal_value(data)
        except exceptions.ValidationError as exc:
            if not isinstance(exc.detail, dict):
                raise
            errors = exc.detail | errors
        if errors:
            raise exceptions.ValidationError(errors)
        return value


class BusinessUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    slug = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)


class StrategicGoalSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    active = serializers.BooleanField(read_only=True)


class AuditEventSerializer(serializers.Serializer):
    seq = serializers.IntegerField(read_only=True)
    id = serializers.IntegerField(read_only=True)
    at = serializers.DateTimeField(read_only=True)
    event = serializers.CharField(read_only=True)
    # No actor for what the system did by itself.
    actor = serializers.CharField(
        source="actor.username", default=None, allow_null=True, read_only=True
    )
    object_type = serializers.CharField(read_only=True)
    object_id = serializers.CharField(read_only=True)
    object_repr = serializers.CharField(read_only=True)
    old = serializers.JSONField(read_only=True)
    new = serializers.JSONField(read_only=True)
    comment = serializers.CharField(read_only=True)
    prev_hash = serializers.CharField(read_only=True)
    hash = serializers.CharField(read_only=True)
