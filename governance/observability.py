"""What an operator sees: request ids on every log line, JSON logs, and the
Prometheus metrics (request latency from django-prometheus; transitions taken
and tasks run here).

The request id comes from the proxy's X-Request-ID header when it sends a sane
one, otherwise it is made here; it is answered in the same header, so that a
user's report, the proxy's log and ours meet on one value."""

import contextvars
import ipaddress
import json
import logging
import re
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django_prometheus.exports import ExportToDjangoView
from prometheus_client import Counter

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

TRANSITIONS = Counter(
    "governance_transitions_total",
    "Workflow transitions taken, by model and transition.",
    ["model", "transition"],
)
TASKS = Counter(
    "governance_tasks_total",
    "Background tasks finished, by task and outcome (succeeded, failed, retried).",
    ["task", "outcome"],
)


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = given if _SANE_ID.match(given) else secrets.token_hex(8)
        # Left set after the response: Django logs a 4xx/5xx after the middleware
        # has returned; on_request_finished clears it.
        _request_id.set(request_id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


def on_request_finished(sender: Any = None, **kwargs: Any) -> None:
    """Receiver of request_finished: lines logged between requests have no id."""
    _request_id.set("-")


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record (`-` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, and
    the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", _request_id.get()),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _client_allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if token and secrets.compare_digest(
        request.headers.get("Authorization", ""), f"Bearer {token}"
    ):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(allowed, strict=False)
        for allowed in settings.METRICS_ALLOWED_IPS
    )


def metrics(request: HttpRequest) -> HttpResponse:
    """The Prometheus exposition, for the allowed addresses or the bearer of the
    metrics token; everyone else is told there is nothing here."""
    if not _client_allowed(request):
        raise Http404
    return ExportToDjangoView(request)


def on_transition_taken(sender: type[Model], *, name: str, **kwargs: Any) -> None:
    """Receiver of governance.signals.transition_taken: count it once it commits
    (a transition rolled back was not taken)."""
    counter = TRANSITIONS.labels(model=sender._meta.model_name, transition=name)
    transaction.on_commit(counter.inc)


def on_task_success(sender: Any = None, **kwargs: Any) -> None:
    TASKS.labels(task=getattr(sender, "name", "?"), outcome="succeeded").inc()


def on_task_failure(sender: Any = None, **kwargs: Any) -> None:
    TASKS.labels(task=getattr(sender, "name", "?"), outcome="failed").inc()


def on_task_retry(sender: Any = None, **kwargs: Any) -> None:
    TASKS.labels(task=getattr(sender, "name", "?"), outcome="retried").inc()


def on_task_prerun(task_id: str = "", **kwargs: Any) -> None:
    """A task's log lines carry its id where a request's carry the request id."""
    _request_id.set(f"task-{task_id}")


def on_task_postrun(**kwargs: Any) -> None:
    _request_id.set("-")
