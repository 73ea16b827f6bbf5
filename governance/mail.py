"""Email through the outbox (governance.models.OutboundEmail): rendered and
stored in the transaction of the act it reports, sent by a task once that
transaction commits. Nothing is sent for an act that rolls back, a send failure
never undoes the act, and no recipient gets the same email twice."""

from collections.abc import Callable, Iterable
from typing import Any

from celery import Task
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import Promise

from governance import registry
from governance.models import OutboundEmail

# A subject is rendered for each recipient in their language: a lazy string,
# or a function called with that language active.
Subject = str | Promise | Callable[[], str]


def enqueue_on_commit(task: Task, *args: Any) -> None:
    """`task.delay(*args)` once the current transaction commits, as
    `delay_on_commit` does, but robustly: a broker that cannot be reached is
    logged (the email stays in the outbox for outbox_flush) and neither breaks
    the request nor keeps the other callbacks of the commit from running."""

    # A function, not a partial: Django names the callback when it logs a failure.
    def enqueue() -> None:
        task.delay(*args)

    transaction.on_commit(enqueue, robust=True)


def outbox_add(
    *,
    key: str,
    recipients: Iterable[User],
    template: str,
    context: dict[str, object],
    subject: Subject,
) -> list[OutboundEmail]:
    """Render `email/<template>.txt` and `.html` for each recipient now, in the
    language they chose (governance.registry.user_languages; the current
    language for those who chose none), and store them under `key`; send each
    after commit. Must run inside the transaction of the act. A recipient who
    already has an email under this key gets no second one."""
    from governance import tasks

    recipients = list(recipients)
    languages = registry.languages_of([user.pk for user in recipients])
    rows = []
    for user in recipients:
        language = languages.get(user.pk, translation.get_language())
        ctx = context | {
            "recipient": user,
            "site_url": settings.SITE_URL,
            "LANGUAGE_CODE": language,
        }
        with translation.override(language):
            defaults = {
                "subject": subject() if callable(subject) else str(subject),
                "body": render_to_string(f"email/{template}.txt", ctx),
                "html": render_to_string(f"email/{template}.html", ctx),
            }
        row, created = OutboundEmail.objects.get_or_create(
            key=key, to=user.email, defaults=defaults
        )
        if created:
            rows.append(row)
            enqueue_on_commit(tasks.email_send, row.pk)
    return rows
