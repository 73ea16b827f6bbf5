"""The shared pages: each role's home, and the audit log with its CSV export.

The home page is a list of panels, one per role the user holds. An app adds
its own panel (the sponsor's portfolio, the policies a unit still has to
acknowledge) by appending a function to HOME_PANELS."""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance import access, audit_reader
from governance.audit_reader import AuditEventFilter
from governance.models import AuditEvent, OrganizationRole
from initiatives import selectors
from policies import selectors as policy_selectors

QUEUE_PAGE_SIZE = 25
UNIT_PANEL_SIZE = 20
AUDIT_PAGE_SIZE = 50


@dataclass
class Panel:
    """One section of the home page: a partial template and what it shows."""

    key: str
    title: Any
    template: str
    context: dict[str, Any] = field(default_factory=dict)


def _with_waiting(initiatives: Any) -> list[tuple[Any, selectors.Wait]]:
    return [(i, selectors.waiting(i)) for i in initiatives]


def coe_panel(request: HttpRequest, roles: frozenset[str]) -> Panel | None:
    if not roles & {OrganizationRole.Role.COE_LEAD, OrganizationRole.Role.COE_MEMBER}:
        return None
    page = Paginator(selectors.review_queue(request.user), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("queue_page")
    )
    return Panel(
        "review_queue",
        _("Review queue"),
        "governance/home/_review_queue.html",
        {
            "page": page,
            "rows": _with_waiting(page.object_list),
            "overdue_after": settings.COE_REVIEW_SLA_DAYS,
        },
    )


def sponsor_panel(request: HttpRequest, roles: frozenset[str]) -> Panel | None:
    if not access.visible_units(request.user, access.SPONSOR).exists():
        return None
    return Panel(
        "awaiting_signoff",
        _("Awaiting your sign-off"),
        "governance/home/_awaiting_signoff.html",
        {"rows": _with_waiting(selectors.awaiting_sponsor(request.user))},
    )


def unit_panel(request: HttpRequest, roles: frozenset[str]) -> Panel | None:
    units = list(access.visible_units(request.user, access.PROPOSE).order_by("name"))
    if not units:
        return None
    initiatives = (
        selectors.visible_initiatives(request.user)
        .filter(business_unit__in=units)
        .order_by("-updated_at", "-id")[:UNIT_PANEL_SIZE]
    )
    return Panel(
        "unit_initiatives",
        _("Your unit's initiatives"),
        "governance/home/_unit_initiatives.html",
        {"units": units, "initiatives": initiatives},
    )


def auditor_panel(request: HttpRequest, roles: frozenset[str]) -> Panel | None:
    if OrganizationRole.Role.AUDITOR not in roles:
        return None
    recent = AuditEvent.objects.select_related("actor").order_by("-at", "-id")[:10]
    return Panel("audit", _("Audit"), "governance/home/_audit.html", {"recent": recent})


def policies_panel(request: HttpRequest, roles: frozenset[str]) -> Panel | None:
    """For unit staff: the policies in force whose current version they have
    not acknowledged, each with its Acknowledge button."""
    if not access.visible_units(request.user, access.PROPOSE).exists():
        return None
    return Panel(
        "policies_to_acknowledge",
        _("Policies to acknowledge"),
        "governance/home/_policies_to_acknowledge.html",
        {
            "policies": list(policy_selectors.missing_acknowledgments(request.user)),
            "next": request.get_full_path(),
        },
    )


HOME_PANELS: list[Callable[[HttpRequest, frozenset[str]], Panel | None]] = [
    coe_panel,
    sponsor_panel,
    unit_panel,
    policies_panel,
    auditor_panel,
]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = access.organization_roles(request.user)
    panels = [panel for make in HOME_PANELS if (panel := make(request, roles)) is not None]
    return render(request, "governance/home.html", {"panels": panels})


def _audit_filters(
    request: HttpRequest, queryset: QuerySet[AuditEvent] | None = None
) -> tuple[AuditEventFilter, QuerySet[AuditEvent]]:
    if not access.is_auditor_or_coe_lead(request.user):
        raise PermissionDenied
    return audit_reader.filtered(request.GET, queryset)


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log, newest first, for auditors and the CoE lead; 403 for everyone else."""
    newest_first = audit_reader.events().order_by("-at", "-id")
    filters, events = _audit_filters(request, newest_first)
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = [(event, _changes(event)) for event in page.object_list]
    return render(
        request,
        "governance/auditevent_list.html",
        {"form": filters.form, "page": page, "rows": rows, "query": query.urlencode()},
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


@login_required
def audit_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered audit log as CSV, streamed row by row, as the API exports it."""
    _filters, events = _audit_filters(request)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return audit_reader.export(events, f"audit-log-{stamp}.csv")
