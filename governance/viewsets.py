"""Read-only API of the organization."""

from django.db.models import QuerySet
from rest_framework import viewsets

from governance import access
from governance.api import BusinessUnitSerializer, StrategicGoalSerializer
from governance.models import BusinessUnit, StrategicGoal


class BusinessUnitViewSet(viewsets.ReadOnlyModelViewSet):
    """The business units the caller can see."""

    serializer_class = BusinessUnitSerializer
    filterset_fields = ["kind"]

    def get_queryset(self) -> QuerySet[BusinessUnit]:
        return access.visible_units(self.request.user).order_by("name")


class StrategicGoalViewSet(viewsets.ReadOnlyModelViewSet):
    """The organization's strategic goals."""

    serializer_class = StrategicGoalSerializer
    queryset = StrategicGoal.objects.order_by("title")
    filterset_fields = ["active"]
