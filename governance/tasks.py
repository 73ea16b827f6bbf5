"""The core's background tasks: sending the outbox, and the audit checkpoint."""

import logging
import smtplib
from datetime import timedelta

from celery import Task, shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from governance import audit, login_failures
from governance.models import OutboundEmail

logger = logging.getLogger(__name__)

# Retries of one email, backing off from 30 seconds to 10 minutes between them;
# outbox_flush picks up what is still unsent after that.
MAX_RETRIES = 8
# An unsent row older than this has lost its task (a broker down at commit,
# retries exhausted); outbox_flush enqueues it again.
STALE_AFTER = timedelta(minutes=2)
FLUSH_MAX_ATTEMPTS = 50


def _message(row: OutboundEmail) -> EmailMultiAlternatives:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to],
        # The same id on every attempt: a receiver can tell a repeat from a new email.
        headers={"Message-ID": f"<outbox-{row.pk}@{domain}>"},
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    return message


def _unsent(outbox_id: int) -> OutboundEmail | str:
    row = OutboundEmail.objects.select_for_update().filter(pk=outbox_id).first()
    if row is None:
        return "missing"
    if row.sent_at is not None:
        return "already sent"
    return row


def _stamp(row: OutboundEmail) -> None:
    row.sent_at = timezone.now()
    row.attempts += 1
    row.save(update_fields=["sent_at", "attempts"])


@shared_task(bind=True, max_retries=MAX_RETRIES)
def email_send(self: Task, outbox_id: int) -> str:
    """Send one outbox email unless it was sent already. On PostgreSQL the row
    stays locked while the mail server is spoken to, so two runs of this task (a
    redelivery after a worker died) cannot both send; `sent_at` commits with the
    lock's release. A failure to send is recorded and retried with backoff."""
    error: Exception | None = None
    # On SQLite a transaction locks the whole database: holding it while a mail
    # server answers would stall every other write. SQLite serves one node,
    # where a task runs twice only after its worker died, so the row is checked,
    # the mail sent and the row stamped in turn.
    hold_lock = connection.vendor != "sqlite"
    with transaction.atomic():
        row = _unsent(outbox_id)
        if isinstance(row, str):
            return row
        if hold_lock:
            try:
                _message(row).send()
            except (OSError, smtplib.SMTPException) as exc:
                error = exc
            else:
                _stamp(row)
                return "sent"
    if not hold_lock:
        try:
            _message(row).send()
        except (OSError, smtplib.SMTPException) as exc:
            error = exc
        else:
            with transaction.atomic():
                _stamp(row)
            return "sent"
    OutboundEmail.objects.filter(pk=outbox_id).update(
        attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:2000]
    )
    logger.warning("Could not send %r to %s: %s", row.subject, row.to, error)
    if self.request.is_eager:
        # No worker to retry in: outbox_flush sends it later.
        return "failed"
    raise self.retry(exc=error, countdown=min(600, 30 * 2**self.request.retries))


@shared_task
def outbox_flush() -> int:
    """Enqueue every email still unsent a while after it was written."""
    stale = OutboundEmail.objects.filter(
        sent_at__isnull=True,
        created_at__lt=timezone.now() - STALE_AFTER,
        attempts__lt=FLUSH_MAX_ATTEMPTS,
    ).values_list("pk", flat=True)
    count = 0
    for pk in stale.iterator():
        email_send.delay(pk)
        count += 1
    return count


@shared_task
def audit_checkpoint() -> str:
    """What `manage.py audit_checkpoint` does, daily from beat."""
    login_failures.login_failure_windows_close()
    checkpoint = audit.checkpoint_create(export_errors_raise=True)
    return str(checkpoint)
