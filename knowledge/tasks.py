"""The library's background task, scheduled weekly by Celery beat."""

from celery import shared_task

from knowledge import digest


@shared_task
def library_digest_send() -> int:
    return digest.send_weekly()
