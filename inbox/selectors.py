"""Reads of the inbox: the tasks waiting for a user (from every registered
task source, in one query), and the user's own notifications."""

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache as shared_cache
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from governance import registry
from inbox import sources
from inbox.models import Notification
from initiatives.selectors import business_days_between

# Business days a task may wait before it is overdue, by kind (the review
# targets of the CoE and the sponsors); kinds without one are never overdue,
# unless their row carries a due date.
SLA_SETTINGS = {
    sources.REVIEW: "COE_REVIEW_SLA_DAYS",
    sources.AMENDMENT_REVIEW: "COE_REVIEW_SLA_DAYS",
    sources.EXCEPTION: "COE_REVIEW_SLA_DAYS",
    sources.SIGNOFF: "SPONSOR_SLA_DAYS",
    sources.AMENDMENT_SIGNOFF: "SPONSOR_SLA_DAYS",
    sources.FINANCE: "SPONSOR_SLA_DAYS",
    sources.AMENDMENT_FINANCE: "SPONSOR_SLA_DAYS",
}


@dataclass(frozen=True)
class Task:
    """One row of the inbox."""

    kind: str
    object_id: int
    label: str
    unit_name: str | None
    waiting_since: datetime.datetime | None
    on_behalf_of: str | None
    due_on: datetime.date | None
    url: str
    overdue: bool
    waiting_days: int | None


def tasks(*, user: User) -> QuerySet[Any]:
    """Every task waiting for the user, as rows of
    governance.registry.TASK_COLUMNS, oldest first: one query for a page and
    one for the count, whatever the number of tasks and of sources."""
    parts = [source(user=user) for source in registry.task_sources]
    if not parts:
        return Notification.objects.none().values("id")
    first, *rest = parts
    combined = first.union(*rest, all=True) if rest else first
    return combined.order_by("since", "kind", "object_id")


def task_count(*, user: User) -> int:
    return tasks(user=user).count()


# Every page's header counts the user's tasks and unread notifications.
# Building that union of every task source costs more than the rest of a light
# page, so both counts are kept per user and day under the value of
# VERSION_KEY, which every saved or deleted row, every audit event and every
# notification written or read replaces (inbox.apps connects the signals; the
# services call `invalidate` for the bulk writes that send none): counts read
# back are ones that no change has touched since.
VERSION_KEY = "inbox:version"
HEADER_SECONDS = 300


def invalidate() -> None:
    """Forget the cached header counts: now, and again once the change is
    committed (so that a reader that counted before the commit does not leave
    its answer behind)."""
    shared_cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    transaction.on_commit(lambda: shared_cache.set(VERSION_KEY, uuid.uuid4().hex, None))


def header_counts(*, user: User) -> tuple[int, int]:
    """How many tasks wait for the user and how many of their notifications
    are unread (every page's header shows both): from the cache while nothing
    has changed since they were counted, else both in one query."""
    version = shared_cache.get_or_set(VERSION_KEY, lambda: uuid.uuid4().hex, None)
    key = f"inbox:header:{version}:{timezone.localdate().isoformat()}:{user.pk}"
    cached = shared_cache.get(key)
    if cached is not None:
        task_count, unread = cached
        return int(task_count), int(unread)
    counts = _count_both(user=user)
    shared_cache.set(key, counts, HEADER_SECONDS)
    return counts


def _count_both(*, user: User) -> tuple[int, int]:
    task_sql, task_params = tasks(user=user).order_by().query.sql_with_params()
    table = connection.ops.quote_name(Notification._meta.db_table)
    # Only SQL the ORM compiled and a quoted table name go into the text; the
    # values are parameters.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM ({task_sql}) tasks), "
            f"(SELECT COUNT(*) FROM {table} WHERE recipient_id = %s AND read_at IS NULL)",
            [*task_params, user.pk],
        )
        row = cursor.fetchone()
    return int(row[0]), int(row[1])


def url_of(model: str | None, pk: int | None) -> str:
    """The page of an object, as its app registered it ("" when none did)."""
    if model is None or pk is None:
        return ""
    make = registry.object_urls.get(model)
    return make(pk) if make is not None else ""


def as_tasks(rows: Any, *, today: datetime.date | None = None) -> list[Task]:
    """Rows of `tasks` as the page and the API show them: each with its link,
    how long it has waited, and whether that is past its target."""
    today = today or timezone.localdate()
    shown = []
    for row in rows:
        since = row["since"]
        # SQLite returns the cast date of a due policy review as a naive datetime.
        if since is not None and timezone.is_naive(since):
            since = timezone.make_aware(since)
        start = timezone.localtime(since).date() if since is not None else None
        days = business_days_between(start=start, end=today) if start is not None else None
        due_on = row["due_on"]
        if isinstance(due_on, str):
            due_on = datetime.date.fromisoformat(due_on)
        sla = SLA_SETTINGS.get(row["kind"])
        if due_on is not None:
            overdue = due_on < today
        elif sla is not None and days is not None:
            overdue = days > getattr(settings, sla)
        else:
            overdue = False
        shown.append(
            Task(
                kind=row["kind"],
                object_id=row["object_id"],
                label=row["label"],
                unit_name=row["unit_name"],
                waiting_since=since,
                on_behalf_of=row["on_behalf_of"],
                due_on=due_on,
                url=url_of(row["link_model"], row["link_id"]),
                overdue=overdue,
                waiting_days=max((today - start).days, 0) if start is not None else None,
            )
        )
    return shown


def notifications_of(*, user: User) -> QuerySet[Notification]:
    """The user's notifications, newest first; nobody else's."""
    return Notification.objects.filter(recipient_id=user.pk).select_related("actor", "target_type")


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def notification_url(notification: Notification) -> str:
    """The page of what the notification is about; the inbox for what is about nothing."""
    content_type = notification.target_type
    if content_type is None:
        return ""
    return url_of(f"{content_type.app_label}.{content_type.model}", notification.target_id)
