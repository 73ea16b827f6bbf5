"""Failed sign-ins, counted per account name and source address per window.

A burst of wrong passwords must not flood the audit log, nor make every
request wait for the chain's lock. So each failure bumps a counter row
(LoginFailureWindow) outside the chain; the audit log gets:

- `auth.login_failed` for the first failure of a window, at once;
- `auth.login_failures_counted` with the window's total when it has ended and
  saw more than one failure: written at the pair's next failure, or by
  `manage.py audit_checkpoint` (run at least daily) for every ended window.

Windows are fixed slices of AUDIT_LOGIN_FAILURE_WINDOW_MINUTES from the epoch."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from governance import audit
from governance.models import LoginFailureWindow

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def window_length() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.AUDIT_LOGIN_FAILURE_WINDOW_MINUTES)


def window_start(at: datetime.datetime) -> datetime.datetime:
    length = window_length()
    return EPOCH + ((at - EPOCH) // length) * length


def _user_label() -> str:
    return get_user_model()._meta.label_lower


def login_failure_count(*, username: str, source: str, at: datetime.datetime | None = None) -> None:
    """Count one failed sign-in of `username` from `source` (an IP address, or "").

    Side effects: closes the pair's ended windows (see module docstring); creates
    the window's counter and appends `auth.login_failed` when this is the
    window's first failure, else only increments the counter. Opens its own
    transactions; the chain's lock is held only for the audit insert."""
    at = at or timezone.now()
    username = username[:150]
    start = window_start(at)
    login_failure_windows_close(now=at, username=username, source=source)
    with transaction.atomic():
        window, created = LoginFailureWindow.objects.get_or_create(
            username=username, source=source, window_start=start, defaults={"last_at": at}
        )
        if not created:
            LoginFailureWindow.objects.filter(pk=window.pk).update(count=F("count") + 1, last_at=at)
            return
        audit.record(
            audit.Event.USER_LOGIN_FAILED,
            actor=None,
            obj=None,
            object_type=_user_label(),
            object_repr=username,
            new={"username": username, "ip": source, "window_start": start.isoformat()},
        )


def login_failure_windows_close(
    *, now: datetime.datetime | None = None, username: str | None = None, source: str | None = None
) -> int:
    """Append `auth.login_failures_counted` for every window that ended before
    `now`'s and saw more than one failure, and drop the ended counters (of one
    pair, when given). Returns how many windows were closed."""
    current = window_start(now or timezone.now())
    ended = LoginFailureWindow.objects.filter(window_start__lt=current)
    if username is not None:
        ended = ended.filter(username=username)
    if source is not None:
        ended = ended.filter(source=source)
    closed = 0
    for pk in ended.order_by("window_start").values_list("pk", flat=True):
        with transaction.atomic():
            window = LoginFailureWindow.objects.select_for_update().filter(pk=pk).first()
            if window is None:  # closed by a concurrent caller
                continue
            if window.count > 1:
                audit.record(
                    audit.Event.USER_LOGIN_FAILURES_COUNTED,
                    actor=None,
                    obj=None,
                    object_type=_user_label(),
                    object_repr=window.username,
                    new={
                        "username": window.username,
                        "ip": window.source,
                        "count": window.count,
                        "window_start": window.window_start.isoformat(),
                        "window_end": (window.window_start + window_length()).isoformat(),
                        "last_at": window.last_at.isoformat(),
                    },
                )
            window.delete()
            closed += 1
    return closed
