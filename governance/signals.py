"""The core's signals, and the receivers that audit logins and logouts.

`transition_taken` lets an app learn of a workflow transition taken in an app
below it without that app importing it (the attestation of the policies in
force on submission, the emails to whoever acts next).

Logins and logouts go to the audit log; failed logins are counted per account
and address and logged once per window (governance.login_failures). Django
sends these signals outside of any transaction of ours, so each receiver opens
its own: the event is written on its own, as the act it records is."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import Signal, receiver
from django.http import HttpRequest

from governance import audit, login_failures

# Sent by a workflow service inside the transaction of a transition, once the
# transition is taken and its decision recorded, before its audit event; the
# sender is the model class. Arguments: obj (the changed object), name (the
# transition), actor, decision (the row recording it). A receiver that raises
# rolls the whole transition back.
transition_taken = Signal()

# Sent by governance.services.goal_update inside its transaction once a
# strategic goal changed and the change is recorded; the sender is
# StrategicGoal. Arguments: goal, changed (the names of the changed fields).
# The initiatives app stores the new priority score of the goal's initiatives
# when `active` changed (only active goals count as alignment).
goal_changed = Signal()

# Sent by a service, inside its transaction, to tell people of something that
# concerns them (a mention, a task, an incident). Arguments: recipients (an
# iterable of users), actor (the user who caused it, or None), target (the
# object it is about), event (a short dotted name, e.g. "comment.mentioned"),
# text (one translatable sentence). The inbox app turns it into in-app
# notifications and, where the recipient chose it, emails after commit.
notify = Signal()

# How the user logged in: a session (admin, browsable API) unless the sender says.
SESSION = "session"
TOKEN = "api_token"


def _client(request: HttpRequest | None) -> dict[str, str]:
    if request is None:
        return {}
    return {"ip": request.META.get("REMOTE_ADDR", "")}


@receiver(user_logged_in, dispatch_uid="governance.audit_login")
def record_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    with transaction.atomic():
        audit.record(
            audit.Event.USER_LOGGED_IN,
            actor=user,
            obj=user,
            new={"via": kwargs.get("via", SESSION)} | _client(request),
        )


@receiver(user_logged_out, dispatch_uid="governance.audit_logout")
def record_logout(
    sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    if user is None or not user.is_authenticated:
        # Logging out without being logged in changes nothing worth recording.
        return
    with transaction.atomic():
        audit.record(audit.Event.USER_LOGGED_OUT, actor=user, obj=user, new=_client(request))


@receiver(user_login_failed, dispatch_uid="governance.audit_login_failed")
def record_login_failure(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Only the user name is kept; Django has already masked the password. Counted
    # per window, not logged one by one (governance.login_failures).
    username = str(credentials.get(get_user_model().USERNAME_FIELD, ""))
    login_failures.login_failure_count(username=username, source=_client(request).get("ip", ""))
