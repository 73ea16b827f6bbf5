"""Errors that services raise and the API and pages translate.

Services also raise Django's PermissionDenied (403), ValidationError (400) and
django-fsm's TransitionNotAllowed and ConcurrentTransition (409)."""


class Conflict(Exception):
    """The object is not in a state that allows the change (409)."""


class UnknownAction(LookupError):
    """No such transition or action on this kind of object (404)."""
