"""Typed views of a request: who is signed in, and what htmx says about it.

Views behind a sign-in (`login_required`, the API's permission class) know the
user is authenticated; `signed_in_user` says so to the type checker, and
refuses, rather than guesses, if a view forgot its guard."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails
from rest_framework.request import Request


class HtmxHttpRequest(HttpRequest):
    """A page request after django-htmx's middleware: `request.htmx` is set."""

    htmx: HtmxDetails


def signed_in_user(request: HttpRequest | Request) -> User:
    """The signed-in, active user of a request; PermissionDenied otherwise."""
    user = request.user
    if not isinstance(user, User) or not user.is_active:
        raise PermissionDenied
    return user
