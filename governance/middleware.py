from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse


class RequestSizeLimitMiddleware:
    """Refuse an oversized body with 413 before anything reads it. Django limits
    form data, but a JSON body read as a stream would otherwise be read whole."""

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
            return JsonResponse(
                {"detail": f"The request body exceeds {limit} bytes."},
                status=413,
            )
        return self.get_response(request)


def _is_upload(request: HttpRequest) -> bool:
    """A multipart POST to an attachment upload path (discussion.urls and api)."""
    return (
        request.method == "POST"
        and request.path_info.endswith("/attachments/")
        and request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data")
    )
