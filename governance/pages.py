"""The shared pages: each role's home, and the audit log with its CSV export.

The home page is a list of panels, one per role the user holds. An app adds
its own panel (the review queue, the policies a unit still has to acknowledge)
by registering a function with governance.registry.home_panels."""

from functools import lru_cache

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from governance import access, audit_display, audit_reader, registry
from governance.audit_reader import AuditEventFilter
from governance.models import AuditEvent, OrganizationRole
from governance.registry import Panel

AUDIT_PAGE_SIZE = 50


def auditor_panel(request: HttpRequest, roles: frozenset[str]) -> Panel | None:
    if OrganizationRole.Role.AUDITOR not in roles:
        return None
    recent = AuditEvent.objects.select_related("actor").order_by("-seq")[:10]
    return Panel("audit", _("Audit"), "governance/home/_audit.html", {"recent": recent})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = access.organization_roles(request.user)
    panels = [panel for make in registry.home_panels if (panel := make(request, roles)) is not None]
    return render(request, "governance/home.html", {"panels": panels})


def _audit_filters(
    request: HttpRequest, queryset: QuerySet[AuditEvent] | None = None
) -> tuple[AuditEventFilter, QuerySet[AuditEvent]]:
    if not access.is_auditor_or_coe_lead(request.user):
        raise PermissionDenied
    return audit_reader.filtered(request.GET, queryset)


def _unbound_filters() -> SafeString:
    """The filters of a query that has none: the same for every such view in
    one language, so written once for it."""
    return _filters_written(get_language(), get_script_prefix())


@lru_cache(maxsize=16)
def _filters_written(language: str, prefix: str) -> SafeString:
    form = audit_reader.filtered(None, AuditEvent.objects.none())[0].form
    # A template's output: escaped as it was written.
    return mark_safe(render_to_string("governance/_audit_filters.html", {"form": form}))


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log, newest first, for auditors and the CoE lead; 403 for everyone else."""
    # The chain's position orders the log as the API does: unique and indexed,
    # so a page is an index scan.
    newest_first = audit_reader.events().order_by("-seq")
    filters, events = _audit_filters(request, newest_first)
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = audit_display.rows(list(page.object_list), user=request.user)
    subject = None
    if filters.is_bound and request.GET.get("object_type") and request.GET.get("object_id"):
        # One object's whole history: named by its type and its latest name.
        subject = {
            "type_name": audit_display.type_name(request.GET["object_type"]),
            "repr": rows[0].event.object_repr if rows else request.GET["object_id"],
            "url": rows[0].url if rows else None,
        }
    chain = audit_reader.chain_status()
    return render(
        request,
        "governance/auditevent_list.html",
        {
            "form": filters.form,
            "filters_html": "" if filters.is_bound else _unbound_filters(),
            "page": page,
            "rows": rows,
            "rows_html": audit_display.rows_html(rows, with_history=subject is None),
            "subject": subject,
            "query": query.urlencode(),
            "verification": chain.verification,
            "checkpoint": chain.checkpoint,
            "panels": [
                panel
                for factory in registry.audit_panels
                if (panel := factory(request, access.organization_roles(request.user)))
            ],
        },
    )


@login_required
def audit_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered audit log as CSV, streamed row by row, as the API exports it."""
    _filters, events = _audit_filters(request)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return audit_reader.export(events, f"audit-log-{stamp}.csv")
