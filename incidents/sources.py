"""Open incidents wait in the inbox of everyone the playbook called to them."""

from typing import Any

from django.contrib.auth.models import User
from django.db.models import CharField, DateField, DateTimeField, F, IntegerField, QuerySet, Value
from django.db.models.functions import Cast
from django.urls import reverse

from incidents.models import Incident, IncidentState

INCIDENT = "incidents.incident"
RESPOND = "incident.respond"


def incidents_to_respond(*, user: User) -> QuerySet[Any]:
    return (
        Incident.objects.filter(state=IncidentState.OPEN, responders=user)
        .order_by()
        .values(
            kind=Value(RESPOND, output_field=CharField()),
            object_id=Cast(F("pk"), IntegerField()),
            label=Cast(F("title"), CharField()),
            unit_name=Cast(F("business_unit__name"), CharField()),
            since=Cast(F("declared_at"), DateTimeField()),
            on_behalf_of=Cast(Value(None), CharField()),
            due_on=Cast(Value(None), DateField()),
            link_model=Value(INCIDENT, output_field=CharField()),
            link_id=Cast(F("pk"), IntegerField()),
        )
    )


OBJECT_URLS = {INCIDENT: lambda pk: reverse("incidents:detail", args=[pk])}
