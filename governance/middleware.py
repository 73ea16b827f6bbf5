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
        if length > settings.MAX_REQUEST_BYTES:
            return JsonResponse(
                {"detail": f"The request body exceeds {settings.MAX_REQUEST_BYTES} bytes."},
                status=413,
            )
        return self.get_response(request)
