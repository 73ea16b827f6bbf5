"""System checks that refuse an unsafe configuration."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.core.exceptions import ImproperlyConfigured


@register(deploy=False)
def check_secret_key(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if not settings.DEBUG and settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        return [
            Error(
                "DEBUG is off but the development secret key is in use.",
                hint="Set DJANGO_SECRET_KEY to a long random value.",
                id="governance.E001",
            )
        ]
    if not settings.DEBUG and len(settings.SECRET_KEY) < 32:
        return [
            Error(
                "DJANGO_SECRET_KEY is too short for production.",
                hint="Use at least 32 random characters.",
                id="governance.E002",
            )
        ]
    return []


@register(deploy=False)
def check_audit_keys(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """The audit log's keys must be real ones outside development, and usable."""
    from governance import audit_keys

    errors = []
    if not settings.DEBUG and settings.AUDIT_HMAC_KEY == settings.DEV_AUDIT_HMAC_KEY:
        errors.append(
            Error(
                "DEBUG is off but the development audit HMAC key is in use.",
                hint="Set DJANGO_AUDIT_HMAC_KEY (or DJANGO_AUDIT_HMAC_KEY_FILE) to a long "
                "random value kept outside the database.",
                id="governance.E003",
            )
        )
    elif not settings.DEBUG and len(settings.AUDIT_HMAC_KEY) < 32:
        errors.append(
            Error(
                "DJANGO_AUDIT_HMAC_KEY is too short for production.",
                hint="Use at least 32 random characters.",
                id="governance.E004",
            )
        )
    if not settings.DEBUG and settings.AUDIT_SIGNING_KEY == settings.DEV_AUDIT_SIGNING_KEY:
        errors.append(
            Error(
                "DEBUG is off but the development audit signing key is in use.",
                hint="Set DJANGO_AUDIT_SIGNING_KEY (or _FILE) to an Ed25519 private key: "
                "openssl genpkey -algorithm ed25519",
                id="governance.E005",
            )
        )
    try:
        audit_keys.signing_key()
    except ImproperlyConfigured as exc:
        errors.append(Error(str(exc), id="governance.E006"))
    if not settings.DEBUG and not settings.AUDIT_CHECKPOINT_FILE:
        errors.append(
            Error(
                "DEBUG is off but DJANGO_AUDIT_CHECKPOINT_FILE is not set.",
                hint="Signed checkpoints must also go to storage the database cannot reach.",
                id="governance.E007",
            )
        )
    return errors


@register(deploy=True)
def check_broker(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """In production, email and the daily jobs belong to a worker."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return [
            Warning(
                "No DJANGO_CELERY_BROKER_URL: tasks run inside the web process, and nothing "
                "runs the daily reminders or retries email that failed.",
                hint="Set DJANGO_CELERY_BROKER_URL (Redis) and run a worker and one beat "
                "(docs/deployment.md).",
                id="governance.W001",
            )
        ]
    return []


@register(deploy=True)
def check_shared_cache(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """In production, every app server process reads and clears one cache."""
    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        return [
            Warning(
                "No DJANGO_CACHE_URL: each process keeps its own cache, so a change made "
                "through one process may show in the maturity overview of another only "
                "after an hour.",
                hint="Set DJANGO_CACHE_URL to a Redis database every app server reaches.",
                id="governance.W002",
            )
        ]
    return []
