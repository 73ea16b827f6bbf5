"""The API's token login, audited like a session login, and the answer to a
URL that names nothing."""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext
from django.views.defaults import page_not_found
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response

from governance.signals import TOKEN


class TokenLoginView(ObtainAuthToken):
    """DRF's token login, audited like a session login. A wrong password is
    recorded already: authentication sends `user_login_failed`."""

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, _created = Token.objects.get_or_create(user=user)
        # The same signal as a session login, so that last_login moves too.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user, via=TOKEN)
        return Response({"token": token.key})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 for a URL that names nothing: JSON under /api/, as every other API
    answer, and the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return page_not_found(request, exception or Http404())
