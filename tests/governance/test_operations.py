"""What an operator relies on: the probes, request ids in JSON logs, and the
metrics, which strangers do not get."""

import io
import json
import logging
import socket
from typing import Any

import pytest
from django.test import Client

from governance.observability import JsonFormatter, RequestIdFilter
from initiatives import services
from tests.conftest import Org, propose
from tests.smtp import free_port

REDIS = ("127.0.0.1", 6379)


def redis_up() -> bool:
    try:
        socket.create_connection(REDIS, timeout=1).close()
    except OSError:
        return False
    return True


def test_healthz_answers_without_the_database(client: Client) -> None:
    # No `db` fixture: any query would raise.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_answers_when_the_database_is_migrated(db: None, client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok"}


def test_readyz_names_the_broker_when_it_cannot_be_reached(
    db: None, client: Client, settings: Any
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/12"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failing": ["broker"]}


def test_readyz_names_the_shared_cache_when_it_cannot_be_reached(
    db: None, client: Client, settings: Any
) -> None:
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/12",
        }
    }
    try:
        response = client.get("/readyz")
    finally:
        caches["default"].close()
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failing": ["cache"]}


def test_readyz_is_ready_with_a_reachable_broker(db: None, client: Client, settings: Any) -> None:
    if not redis_up():
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/12"
    assert client.get("/readyz").status_code == 200


def test_every_response_carries_a_request_id(client: Client) -> None:
    made = client.get("/healthz")["X-Request-ID"]
    assert len(made) == 16
    assert client.get("/healthz", HTTP_X_REQUEST_ID="proxy-abc.1")["X-Request-ID"] == (
        "proxy-abc.1"
    )
    # Not a value to copy into every log line.
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="x\ny" * 40)["X-Request-ID"]
    assert "\n" not in forged
    assert len(forged) == 16


def test_a_log_line_is_json_with_the_request_id(db: None, client: Client) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        # Django logs the 401 after the middleware has answered.
        response = client.get("/api/initiatives/", HTTP_X_REQUEST_ID="req-123")
        logging.getLogger("django.request").warning("between requests")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 401
    inside, outside = (json.loads(line) for line in stream.getvalue().splitlines())
    assert inside["request_id"] == "req-123"
    assert inside["message"] == "Unauthorized: /api/initiatives/"
    assert inside["level"] == "WARNING"
    assert outside["request_id"] == "-"


def test_metrics_count_transitions_for_the_allowed_addresses(
    org: Org, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    def submitted() -> float:
        body = client.get("/metrics").content.decode()
        for line in body.splitlines():
            if line.startswith("governance_transitions_total{") and 'transition="submit"' in line:
                return float(line.rsplit(" ", 1)[1])
        return 0.0

    before = submitted()
    with django_capture_on_commit_callbacks(execute=True):
        services.initiative_transition(
            actor=org.marketing_member, initiative=propose(org), name="submit"
        )
    assert submitted() == before + 1
    assert "django_http_requests_latency_seconds_by_view_method" in (
        client.get("/metrics").content.decode()
    )


def test_metrics_are_hidden_from_other_addresses(client: Client, settings: Any) -> None:
    settings.METRICS_TOKEN = "scrape-me-" * 4
    stranger = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", **stranger).status_code == 404
    assert client.get("/metrics", **stranger, HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    with_token = client.get(
        "/metrics", **stranger, HTTP_AUTHORIZATION=f"Bearer {settings.METRICS_TOKEN}"
    )
    assert with_token.status_code == 200


def test_metrics_count_tasks_by_outcome(db: None, client: Client) -> None:
    from governance import tasks

    def flushed() -> float:
        for line in client.get("/metrics").content.decode().splitlines():
            if (
                line.startswith("governance_tasks_total{")
                and "outbox_flush" in line
                and 'outcome="succeeded"' in line
            ):
                return float(line.rsplit(" ", 1)[1])
        return 0.0

    before = flushed()
    tasks.outbox_flush.delay()
    assert flushed() == before + 1


def test_readyz_names_migrations_not_yet_applied(
    db: None, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder

    from governance import health

    # As on a server whose new code arrived before `migrate` ran (rolled back after the test).
    (leaf,) = MigrationLoader(connection).graph.leaf_nodes("governance")
    MigrationRecorder.Migration.objects.filter(app=leaf[0], name=leaf[1]).delete()
    monkeypatch.setattr(health, "_migrated", False)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failing": ["migrations"]}
