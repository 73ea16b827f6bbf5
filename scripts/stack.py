"""A whole production stack on loopback, for the two-node test and the load
benchmark: a PostgreSQL database of its own (created, then dropped), Redis on a
database number and queue of its own, an SMTP sink (aiosmtpd), Celery workers
and gunicorn servers, all with DEBUG off. Every process is stopped on exit."""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.localprod import PYTHON, ROOT, manage, prepare, production_env
from tests.smtp import SmtpServer, free_port

REDIS_URL = os.environ.get("STACK_REDIS_URL") or "redis://127.0.0.1:6379/14"
PG_SERVER_URL = (
    os.environ.get("CI_POSTGRES_URL")
    or os.environ.get("DATABASE_URL")
    or "postgres://postgres@127.0.0.1:5432/postgres"
)
# The demo accounts the clients act as; an API token is made for each.
USERS = ("marketing_lead", "coe_lead", "coe_analyst", "auditor", "cmo")


def _admin_url(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


@contextmanager
def postgres_database(prefix: str) -> Iterator[str]:
    """A fresh PostgreSQL database, dropped afterwards; yields its URL."""
    import psycopg

    if not PG_SERVER_URL.startswith(("postgres://", "postgresql://")):
        raise SystemExit("This needs PostgreSQL: set DATABASE_URL or CI_POSTGRES_URL.")
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = _admin_url(PG_SERVER_URL, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _admin_url(PG_SERVER_URL, name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_http(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"{url} did not answer within {seconds}s.")
        time.sleep(0.3)


@dataclass
class Stack:
    env: dict[str, str]
    smtp: SmtpServer
    queue: str
    ports: list[int] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="stack-logs-")))

    def spawn(self, name: str, *args: str, **env: str) -> subprocess.Popen[bytes]:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115  (closed with the process)
        process = subprocess.Popen(
            [PYTHON, *args],
            cwd=ROOT,
            env=self.env | env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def start_worker(self, concurrency: int = 2) -> None:
        self.spawn(
            f"worker-{len(self.processes)}",
            "-m", "celery", "-A", "governance", "worker", "--queues", self.queue,
            "--concurrency", str(concurrency), "--loglevel", "WARNING",
            "--without-gossip", "--without-mingle",
        )  # fmt: skip

    def start_server(self, workers: int = 2, threads: int = 2) -> str:
        port = free_port()
        self.spawn(
            f"gunicorn-{port}",
            "-m", "gunicorn", "governance.wsgi:application",
            GUNICORN_BIND=f"127.0.0.1:{port}",
            GUNICORN_WORKERS=str(workers),
            GUNICORN_THREADS=str(threads),
            GUNICORN_ACCESS_LOG="/dev/null",
        )  # fmt: skip
        self.ports.append(port)
        wait_http(f"http://127.0.0.1:{port}/healthz")
        return f"http://127.0.0.1:{port}"

    def seed(self) -> None:
        """The demo organization (forced: DEBUG is off), and an API token per user."""
        manage("seed_demo", "--force", "-v", "0", env=self.env, quiet=True)
        code = (
            "import json; from identity.services import api_token_create; "
            "from django.contrib.auth import get_user_model; "
            f"users = get_user_model().objects.filter(username__in={list(USERS)!r}); "
            "print(json.dumps({u.username: api_token_create(actor=u, name='two-node')[1] "
            "for u in users}))"
        )
        out = manage("shell", "-v", "0", "-c", code, env=self.env, quiet=True)
        self.tokens = json.loads(out.strip().splitlines()[-1])

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@contextmanager
def stack(prefix: str, **env: str) -> Iterator[Stack]:
    """Database, sink and settings; the caller starts workers and servers."""
    import redis

    queue = f"{prefix}-{uuid.uuid4().hex[:8]}"
    state = Path(tempfile.mkdtemp(prefix=f"{prefix}-"))
    with postgres_database(prefix) as database_url, SmtpServer() as smtp:
        settings = production_env(
            DATABASE_URL=database_url,
            DJANGO_CELERY_BROKER_URL=REDIS_URL,
            DJANGO_CACHE_URL=REDIS_URL,
            DJANGO_CELERY_QUEUE=queue,
            DJANGO_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            DJANGO_EMAIL_HOST="127.0.0.1",
            DJANGO_EMAIL_PORT=str(smtp.port),
            DJANGO_EMAIL_TIMEOUT="10",
            DJANGO_AUDIT_CHECKPOINT_FILE=str(state / "audit-checkpoints.jsonl"),
            DJANGO_LOG_LEVEL="WARNING",
            DATABASE_CONN_MAX_AGE="60",
            **env,
        )
        settings.pop("DATABASE_MIGRATE_URL", None)
        prepare(settings, quiet=True)
        running = Stack(env=settings, smtp=smtp, queue=queue)
        try:
            yield running
        finally:
            running.stop()
            client: Any = redis.Redis.from_url(REDIS_URL)
            # The queue and kombu's bindings of it: nothing is left behind.
            client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
