"""MFA required, enforced on the server."""

import time
from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext

from governance import access

# What a user who must set up MFA may still reach: setting it up, signing out,
# the language switch and static files.
_OPEN_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/reauthenticate/",
    "/accounts/logout/",
    "/logout/",
    "/i18n/",
    "/static/",
)


def mfa_required(user: User) -> bool:
    """With MFA_REQUIRED, local accounts of CoE leads, auditors and staff need
    TOTP. Single sign-on accounts rely on the provider's own MFA."""
    if not settings.MFA_REQUIRED or not user.is_authenticated:
        return False
    held = access.organization_roles(user)
    if not (user.is_staff or user.is_superuser or held & {"coe_lead", "auditor"}):
        return False
    return not SocialAccount.objects.filter(user=user).exists()


class RequireMfaMiddleware:
    """A signed-in user who must use MFA and has not set it up is sent to set
    it up, whatever page they ask for; API calls in such a session answer 403."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            isinstance(user, User)
            and not request.path.startswith(_OPEN_PREFIXES)
            and mfa_required(user)
            and not is_mfa_enabled(user)
        ):
            message = gettext("Your role requires two-factor authentication: set it up first.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=403)
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


SIGNED_IN_AT = "identity.signed_in_at"


class SessionLifetimeMiddleware:
    """A session ends SESSION_COOKIE_AGE after sign-in, however active it is
    (Django's own expiry moves forward whenever the session is saved). The
    time of sign-in is stamped by identity.signals."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            signed_in_at = request.session.setdefault(SIGNED_IN_AT, now)
            if now - float(signed_in_at) > settings.SESSION_COOKIE_AGE:
                logout(request)
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)
