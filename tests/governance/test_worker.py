"""A decision's email goes through a real Celery worker on Redis to a real SMTP
server, exactly once, also when the worker is killed in the middle of sending
it and started again."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from django.db import connection, connections
from django.test import override_settings

from governance import tasks
from governance.celery import app
from governance.models import OutboundEmail
from initiatives import services
from tests.conftest import build_org, propose
from tests.smtp import SmtpServer

ROOT = Path(__file__).resolve().parents[2]
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# A database of its own on the shared Redis.
BROKER = f"redis://{REDIS_HOST}:{REDIS_PORT}/13"
# Redis hands an unacknowledged task to a worker again after this many seconds.
VISIBILITY_TIMEOUT = 3

pytestmark = pytest.mark.django_db(transaction=True)


def redis_reachable() -> bool:
    try:
        socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1).close()
    except OSError:
        return False
    return True


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {seconds}s waiting for {what}.")
        time.sleep(0.1)


class Worker:
    """`celery worker` in its own process group, on its own queue."""

    def __init__(self, env: dict[str, str], queue: str) -> None:
        self.env, self.queue = env, queue
        self.process: subprocess.Popen[bytes] | None = None
        self.log = open(os.environ.get("WORKER_LOG", os.devnull), "ab")  # noqa: SIM115

    def start(self) -> None:
        if self.log.closed:
            self.log = open(self.log.name, "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "governance",
                "worker",
                "--pool",
                "solo",
                "--queues",
                self.queue,
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


@pytest.fixture
def broker() -> Iterator[str]:
    """The project's Celery app sends to Redis on a queue of this test's own."""
    if not redis_reachable():
        pytest.skip(f"Redis is not reachable on {REDIS_HOST}:{REDIS_PORT}: no real worker to test")
    queue = f"test-worker-{uuid.uuid4().hex[:8]}"
    saved = {
        key: app.conf[key]
        for key in (
            "task_always_eager",
            "broker_url",
            "task_default_queue",
            "broker_transport_options",
        )
    }

    def reconnect() -> None:
        # Forget the connection pools made for the old broker (kombu keeps the
        # closed ones in a global registry, so they are dropped, not closed).
        app._pool = None  # type: ignore[attr-defined]
        app.amqp._producer_pool = None

    app.conf.update(
        task_always_eager=False,
        broker_url=BROKER,
        task_default_queue=queue,
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT},
    )
    reconnect()
    try:
        yield queue
    finally:
        redis.Redis.from_url(BROKER).delete(
            queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
        )
        app.conf.update(saved)
        reconnect()


def test_an_email_arrives_once_although_the_worker_dies_while_sending_it(broker: str) -> None:
    org = build_org()
    org.coe_lead.email = "coe_lead@example.org"
    org.coe_lead.save(update_fields=["email"])
    initiative = propose(org)
    with SmtpServer() as smtp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | {
            "DATABASE_URL": database_url(),
            "DJANGO_CELERY_BROKER_URL": BROKER,
            "DJANGO_CELERY_QUEUE": broker,
            "DJANGO_CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "DJANGO_EMAIL_HOST": "127.0.0.1",
            "DJANGO_EMAIL_PORT": str(smtp.port),
            "DJANGO_EMAIL_TIMEOUT": "5",
            "DJANGO_AUDIT_CHECKPOINT_FILE": "",
        }
        worker = Worker(env, broker)
        # The first conversation stops after MAIL FROM: the worker is mid-send,
        # holding the outbox row's lock.
        smtp.sink.hold()
        worker.start()
        try:
            services.initiative_transition(
                actor=org.marketing_member, initiative=initiative, name="submit"
            )
            row = OutboundEmail.objects.get(to="coe_lead@example.org")
            assert row.sent_at is None
            wait_for(smtp.sink.holding.is_set, 60, "the worker to start sending")
            worker.kill()
            smtp.sink.release()
            assert smtp.sink.received() == []
            row.refresh_from_db()
            assert row.sent_at is None

            worker.start()
            wait_for(lambda: len(smtp.sink.received()) >= 1, 60, "the email after the restart")
            # Long enough for any second delivery of the same task to show up.
            time.sleep(VISIBILITY_TIMEOUT * 2 + 1)
        finally:
            worker.stop()
            smtp.sink.release()
    received = smtp.sink.received()
    assert [m["To"] for m in received] == ["coe_lead@example.org"]
    assert initiative.title in str(received[0]["Subject"])
    row.refresh_from_db()
    assert row.sent_at is not None
    assert row.attempts == 1


def test_two_runs_of_one_email_task_at_once_send_it_once() -> None:
    """Two workers given the same task (a redelivery while the first still
    runs): the second waits for the first's row lock, then finds it sent."""
    if connection.vendor != "postgresql":
        pytest.skip("The row lock is PostgreSQL's; SQLite runs one node.")
    row = OutboundEmail.objects.create(
        key="decision:1:owner", to="owner@example.org", subject="Decided", body="Yes."
    )
    outcomes: list[str] = []

    def run() -> None:
        try:
            outcomes.append(tasks.email_send.apply(args=[row.pk]).get())
        finally:
            connections.close_all()

    with (
        SmtpServer() as smtp,
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=smtp.port,
        ),
    ):
        smtp.sink.hold()
        first = threading.Thread(target=run)
        first.start()
        wait_for(smtp.sink.holding.is_set, 30, "the first run to start sending")
        second = threading.Thread(target=run)
        second.start()
        time.sleep(1)  # the second now waits for the row lock
        assert outcomes == []
        smtp.sink.release()
        first.join(30)
        second.join(30)
    assert sorted(outcomes) == ["already sent", "sent"]
    assert len(smtp.sink.received()) == 1
