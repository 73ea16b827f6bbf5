"""REST API of the library: entries (list, read, propose, edit), their
publication and archiving, and the caller's useful mark. The same services
and the same visibility as the pages."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from governance.api import IdField, ReadOnlyFieldsGuard
from governance.models import BusinessUnit, StrategicGoal
from governance.requests import signed_in_user
from initiatives.models import Initiative
from knowledge import selectors, services
from knowledge.models import Audience, Entry, Kind, Language, State
from policies.models import Policy

RELATION_MODELS: dict[str, Any] = {
    "units": BusinessUnit,
    "goals": StrategicGoal,
    "audience_units": BusinessUnit,
    "policies": Policy,
    "initiatives": Initiative,
    "related": Entry,
}


class EntrySerializer(ReadOnlyFieldsGuard):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Kind.choices)
    language = serializers.ChoiceField(choices=Language.choices, default=Language.ENGLISH)
    summary = serializers.CharField(max_length=500, allow_blank=True, default="")
    body = serializers.CharField(allow_blank=True, default="", help_text="Markdown.")
    source_url = serializers.URLField(max_length=500, allow_blank=True, default="")
    tags = serializers.CharField(
        max_length=300, allow_blank=True, default="", help_text="Comma-separated."
    )
    audience = serializers.ChoiceField(choices=Audience.choices, default=Audience.ORGANIZATION)
    review_on = serializers.DateField(allow_null=True, default=None)
    units = serializers.ListField(child=IdField(), default=list, write_only=True, max_length=100)
    goals = serializers.ListField(child=IdField(), default=list, write_only=True, max_length=100)
    audience_units = serializers.ListField(
        child=IdField(), default=list, write_only=True, max_length=100
    )
    policies = serializers.ListField(child=IdField(), default=list, write_only=True, max_length=100)
    initiatives = serializers.ListField(
        child=IdField(), default=list, write_only=True, max_length=100
    )
    related = serializers.ListField(child=IdField(), default=list, write_only=True, max_length=100)
    owner = serializers.CharField(source="owner.username", read_only=True)
    state = serializers.ChoiceField(choices=State.choices, read_only=True)
    published_at = serializers.DateTimeField(read_only=True, allow_null=True)
    out_of_date = serializers.SerializerMethodField()
    useful_count = serializers.IntegerField(read_only=True, default=0)
    marked_useful = serializers.BooleanField(read_only=True, default=False)

    def get_out_of_date(self, entry: Entry) -> bool:
        return entry.is_out_of_date()

    def to_representation(self, instance: Any) -> Any:
        """One entry also names what it concerns and links to (ids, only of
        what the caller may see); a list row does not."""
        data = super().to_representation(instance)
        if self.context.get("detail"):
            user = self.context["request"].user
            related = selectors.related_of_entry(entry=instance, user=user)
            data["policies"] = [p.pk for p in related["policies"]]
            data["initiatives"] = [i.pk for i in related["initiatives"]]
            data["related"] = [e.pk for e in related["entries"]]
            data["units"] = [u.pk for u in instance.units.all()]
            data["goals"] = [g.pk for g in instance.goals.all()]
            data["audience_units"] = [u.pk for u in instance.audience_units.all()]
        return data

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Ids to objects; an id that names nothing is a 400 on its field.
        (Whether the caller may link it is the service's question.)"""
        errors = {}
        for name, model in RELATION_MODELS.items():
            if name not in attrs:
                continue
            ids = set(attrs[name])
            found = list(model._default_manager.filter(pk__in=ids))
            if len(found) != len(ids):
                errors[name] = ["Unknown id."]
            attrs[name] = found
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class EntryViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Library entries the caller may read, newest first. Anyone signed in
    proposes; the CoE publishes and archives; the owner edits a proposal."""

    serializer_class = EntrySerializer
    filterset_fields = ["kind", "state", "language"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Entry]:
        if getattr(self, "swagger_fake_view", False):
            return Entry.objects.none()
        entries = selectors.as_listed(
            entries=selectors.visible_entries(user=self.request.user), user=self.request.user
        )
        if self.action != "list":
            entries = entries.prefetch_related("units", "goals", "audience_units")
        return entries

    def get_serializer_context(self) -> dict[str, Any]:
        return super().get_serializer_context() | {"detail": self.action != "list"}

    def _answer(self, entry: Entry, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=entry.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.entry_propose(actor=signed_in_user(request), **serializer.validated_data)
        return self._answer(entry, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        entry = self.get_object()
        serializer = self.get_serializer(entry, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        relations = {name: data.pop(name) for name in list(data) if name in RELATION_MODELS}
        services.entry_update(
            actor=signed_in_user(request), entry=entry, changes=data, relations=relations
        )
        return self._answer(entry)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=None, responses=EntrySerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        entry = services.entry_publish(actor=signed_in_user(request), entry=self.get_object())
        return self._answer(entry)

    @extend_schema(request=None, responses=EntrySerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, pk: str | None = None) -> Response:
        entry = services.entry_archive(actor=signed_in_user(request), entry=self.get_object())
        return self._answer(entry)

    @extend_schema(request=None, responses=EntrySerializer)
    @action(detail=True, methods=["post"])
    def useful(self, request: Request, pk: str | None = None) -> Response:
        """Mark the entry useful, or take the caller's mark back."""
        entry = self.get_object()
        services.useful_toggle(actor=signed_in_user(request), entry=entry)
        return self._answer(entry)
