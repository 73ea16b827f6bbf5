from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

# A page's form over the limit is read back, to show its text again, up to
# this many times the limit; beyond that it is refused unread, as the API is.
READ_BACK_FACTOR = 4
FORM_TYPES = ("application/x-www-form-urlencoded",)


class RequestSizeLimitMiddleware:
    """Refuse an oversized body with 413 before anything reads it. Django limits
    form data, but a JSON body read as a stream would otherwise be read whole.

    The API answers JSON. A page's form gets a page that says so and gives the
    typed text back (static/js/form-limit.js normally stops such a form before
    it is sent, keeping the text in place)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return JsonResponse({"detail": "Invalid Content-Length header."}, status=400)
        limit = settings.MAX_REQUEST_BYTES
        if _is_upload(request):
            # A file upload may be as large as an attachment may be, plus its form.
            limit += settings.ATTACHMENT_MAX_BYTES
        if length > limit:
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": f"The request body exceeds {limit} bytes."},
                    status=413,
                )
            return too_large_page(request, length)
        return self.get_response(request)


def _is_upload(request: HttpRequest) -> bool:
    """A multipart POST to an attachment upload path (discussion.urls and api)."""
    return (
        request.method == "POST"
        and request.path_info.endswith("/attachments/")
        and request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data")
    )


def _typed_text(request: HttpRequest, length: int) -> list[tuple[str, str]]:
    """The text fields of an oversized form, when it is small enough to read back."""
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip()
    if content_type not in FORM_TYPES or length > settings.MAX_REQUEST_BYTES * READ_BACK_FACTOR:
        return []
    data = QueryDict(request.read(length), encoding=request.encoding)
    return [
        (name, value)
        for name, values in data.lists()
        if name != "csrfmiddlewaretoken"
        for value in values
        if value.strip()
    ]


def too_large_page(request: HttpRequest, length: int) -> HttpResponse:
    """413 as a page, in the reader's language: nothing was saved, the limit,
    the typed text to copy, and the way back to the form. Rendered before the
    session and the user are read, so the page stands alone."""
    referer = request.META.get("HTTP_REFERER", "")
    back = (
        referer
        if url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        else "/"
    )
    with translation.override(translation.get_language_from_request(request)):
        return render(
            request,
            "413.html",
            {
                "fields": _typed_text(request, length),
                "back": back,
                "limit": settings.MAX_REQUEST_BYTES,
            },
            status=413,
        )
