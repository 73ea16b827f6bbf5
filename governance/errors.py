"""Errors that services raise and the API and pages translate.

Services also raise Django's PermissionDenied (403), ValidationError (400) and
django-fsm's TransitionNotAllowed and ConcurrentTransition (409)."""

from typing import Any


class Conflict(Exception):
    """The object is not in a state that allows the change, or something must
    be done first (409). `data` adds what the caller needs to resolve it to
    the answer (JSON values, by name)."""

    def __init__(self, message: str = "", *, data: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.data = data or {}


class UnknownAction(LookupError):
    """No such transition or action on this kind of object (404)."""
