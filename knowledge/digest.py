"""The weekly library digest: each active user hears once a week of what is
new in the library for their units and goals, only of entries they may read,
in-app and, where they did not switch reminder emails off, by email."""

import datetime

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy, ngettext

from governance import mail, signals
from knowledge import selectors
from knowledge.models import DigestSent, Entry
from sponsors import notifications
from sponsors.models import NotificationKind

DIGEST = "library.digest"
DAYS = 7


def _subject(count: int) -> str:
    return ngettext(
        "%(count)d new entry in the library", "%(count)d new entries in the library", count
    ) % {"count": count}


def send_to(*, user: User, week: datetime.date, since: datetime.datetime) -> int:
    """The user's digest for the week, once: returns how many entries it
    names (0 when there is nothing new or it was sent already)."""
    entries = selectors.digest_for(user=user, since=since)
    if not entries:
        return 0
    try:
        with transaction.atomic():
            DigestSent.objects.create(user=user, week=week, entries=len(entries))
            _tell(user=user, entries=entries, week=week)
    except IntegrityError:
        return 0
    return len(entries)


def _tell(*, user: User, entries: list[Entry], week: datetime.date) -> None:
    count = len(entries)
    signals.notify.send(
        sender=Entry,
        recipients=[user],
        actor=None,
        target=None,
        event=DIGEST,
        text=format_lazy(
            gettext_lazy("New in the library this week: {titles}"),
            titles=", ".join(entry.title for entry in entries[:5]) + (" …" if count > 5 else ""),
        ),
        email=False,
    )
    if notifications.reachable(
        User.objects.filter(pk=user.pk), NotificationKind.REMINDERS
    ).exists():
        mail.outbox_add(
            key=f"library-digest:{week.isoformat()}",
            recipients=[user],
            template="knowledge_digest",
            context={"entries": entries},
            subject=lambda: _subject(count),
        )


def send_weekly(*, today: datetime.date | None = None) -> int:
    """Every active user's digest for the week of `today`. Returns how many users got one."""
    today = today or timezone.localdate()
    week = selectors.week_start(day=today)
    since = timezone.now() - datetime.timedelta(days=DAYS)
    sent = 0
    already = set(DigestSent.objects.filter(week=week).values_list("user_id", flat=True))
    for user in User.objects.filter(is_active=True).exclude(pk__in=already).order_by("pk"):
        if send_to(user=user, week=week, since=since):
            sent += 1
    return sent
