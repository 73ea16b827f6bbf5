"""The shared pages: each role's home, and the audit log with its CSV export.

The home page is a list of panels, one per role the user holds. An app adds
its own panel (the review queue, the policies a unit still has to acknowledge)
by registering a function with governance.registry.home_panels."""

import datetime
import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance import access, registry
from governance.csv_export import csv_response
from governance.forms import AuditFilterForm
from governance.models import AuditEvent, OrganizationRole
from governance.registry import Panel

AUDIT_PAGE_SIZE = 50


def auditor_panel(request: HttpRequest, roles: frozenset[str]) -> Panel | None:
    if OrganizationRole.Role.AUDITOR not in roles:
        return None
    recent = AuditEvent.objects.select_related("actor").order_by("-at", "-id")[:10]
    return Panel("audit", _("Audit"), "governance/home/_audit.html", {"recent": recent})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = access.organization_roles(request.user)
    panels = [panel for make in registry.home_panels if (panel := make(request, roles)) is not None]
    return render(request, "governance/home.html", {"panels": panels})


def _audit_events(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEvent]]:
    if not access.is_auditor_or_coe_lead(request.user):
        raise PermissionDenied
    object_types = list(
        AuditEvent.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
    )
    form = AuditFilterForm(request.GET or None, object_types=object_types)
    events = AuditEvent.objects.select_related("actor").order_by("-at", "-id")
    if form.is_valid():
        data = form.cleaned_data
        if data["object_type"]:
            events = events.filter(object_type=data["object_type"])
        if data["actor"]:
            events = events.filter(actor__username=data["actor"].strip())
        if data["event"]:
            events = events.filter(event=data["event"])
        tz = timezone.get_current_timezone()
        if data["since"]:
            start = datetime.datetime.combine(data["since"], datetime.time.min, tzinfo=tz)
            events = events.filter(at__gte=start)
        if data["until"]:
            end = datetime.datetime.combine(
                data["until"] + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
            )
            events = events.filter(at__lt=end)
    elif form.is_bound:
        events = events.none()
    return form, events


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log, for auditors and the CoE lead; 403 for everyone else."""
    form, events = _audit_events(request)
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = [(event, _changes(event)) for event in page.object_list]
    return render(
        request,
        "governance/auditevent_list.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )


def _show(value: Any) -> str:
    if value is None:
        return "—"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _changes(event: AuditEvent) -> list[tuple[str, str | None, str | None]]:
    """Each key the event recorded, with its old and new value (None where absent)."""
    old = event.old if isinstance(event.old, dict) else {}
    new = event.new if isinstance(event.new, dict) else {}
    return [
        (
            key,
            _show(old[key]) if key in old else None,
            _show(new[key]) if key in new else None,
        )
        for key in sorted(old.keys() | new.keys())
    ]


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


@login_required
def audit_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered audit log as CSV, streamed row by row."""
    _form, events = _audit_events(request)
    header = ["at", "event", "actor", "object_type", "object_id", "object", "old", "new", "comment"]
    rows = (
        [
            event.at.isoformat(),
            event.event,
            event.actor.get_username() if event.actor else "",
            event.object_type,
            event.object_id,
            event.object_repr,
            _json(event.old),
            _json(event.new),
            event.comment,
        ]
        for event in events.iterator(chunk_size=500)
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return csv_response(header, rows, f"audit-log-{stamp}.csv")
