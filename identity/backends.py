"""Authentication backends: the sign-in lockout (django-axes) and local
accounts (allauth's backend, which Django's model backend underlies)."""

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check. A call without a request (a management
    command, Django's test client `login`) has no source address to count by
    and no client to answer 429 to, so it is let through to the password
    check; every sign-in over HTTP (the page, the admin, the token API) passes
    its request and is counted."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


class LocalAccountBackend(AuthenticationBackend):
    """User name and password, unless local accounts are switched off
    (LOCAL_ACCOUNTS): then only single sign-on lets anyone in. Accounts made
    at single sign-on have no usable password, so they never pass here."""

    def authenticate(
        self, request: HttpRequest | None, **credentials: Any
    ) -> AbstractBaseUser | None:
        if not settings.LOCAL_ACCOUNTS:
            return None
        return super().authenticate(request, **credentials)


def attempted_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The account a sign-in attempt names, for the lockout: `username` from the
    credentials (Django, the admin, the token API) or allauth's `login` field."""
    if credentials:
        for key in ("username", "login"):
            if credentials.get(key):
                return str(credentials[key])
    data = request.POST if request is not None and request.method == "POST" else {}
    for key in ("username", "login"):
        if data.get(key):
            return str(data[key])
    return None


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler, counted so that LOGIN_FAILURE_LIMIT
    failures are answered as failures, and every attempt after them, with the
    right password or not, is refused with 429 until the cool-off ends (axes
    alone refuses the failure that reaches the limit already)."""

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        locked_before = request is not None and (
            getattr(request, "axes_locked_out", False) or self.is_locked(request, credentials)
        )
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and not locked_before:
            request.axes_locked_out = False
