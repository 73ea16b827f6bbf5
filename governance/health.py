"""Probes for the load balancer and the orchestrator: unauthenticated, cheap,
and saying nothing a stranger could use beyond which part is down.

/healthz: the process answers (no database). /readyz: it can serve, i.e. the
database answers, every migration is applied, and the broker and the shared
cache (when configured) answer; otherwise 503 naming the failing part."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2
# Once every migration is applied it stays so for this code: checked until then.
_migrated = False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _database() -> str | None:
    global _migrated
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if not _migrated:
            executor = MigrationExecutor(connection)
            if executor.migration_plan(executor.loader.graph.leaf_nodes()):
                return "migrations"
            _migrated = True
    except Exception:
        logger.exception("Readiness: the database cannot be reached.")
        return "database"
    return None


def _broker() -> str | None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # No broker configured: tasks run in the web process.
        return None
    try:
        with Connection(
            settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT_SECONDS
        ) as broker:
            broker.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS
            )
    except Exception:
        logger.warning("Readiness: the broker cannot be reached.", exc_info=True)
        return "broker"
    return None


def _cache() -> str | None:
    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        # No shared cache configured: each process keeps its own.
        return None
    try:
        cache.get("readyz")
    except Exception:
        logger.warning("Readiness: the shared cache cannot be reached.", exc_info=True)
        return "cache"
    return None


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    failing = [part for part in (_database(), _broker(), _cache()) if part]
    if failing:
        return JsonResponse({"status": "unavailable", "failing": failing}, status=503)
    return JsonResponse({"status": "ok"})
