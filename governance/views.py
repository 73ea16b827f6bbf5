"""The answer to a URL that names nothing, and to the one every browser asks
for unprompted (/favicon.ico)."""

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.templatetags.static import static
from django.utils.translation import gettext
from django.views.defaults import page_not_found


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 for a URL that names nothing: JSON under /api/, as every other API
    answer, and the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return page_not_found(request, exception or Http404())


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on every site whatever the page links;
    send them to the static file (hashed and long-cached in production)."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))
