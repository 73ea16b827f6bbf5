"""A real SMTP server on loopback (aiosmtpd), in-process on a free port: the
tests send through Django's SMTP backend and read what arrived."""

import asyncio
import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Sink:
    """Keeps every message it accepted. `hold()` makes the next conversation
    stop after MAIL FROM until `release()`: a sender caught mid-send."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()
        self._hold_next = False
        self.holding = threading.Event()
        self._released = threading.Event()

    def hold(self) -> None:
        self._hold_next = True
        self.holding.clear()
        self._released.clear()

    def release(self) -> None:
        self._released.set()

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self._hold_next:
            self._hold_next = False
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self._released.wait, 60)
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def received(self) -> list[EmailMessage]:
        with self._lock:
            return list(self.messages)

    def recipients(self) -> list[str]:
        return sorted(str(m["To"]) for m in self.received())


class SmtpServer:
    def __init__(self) -> None:
        self.sink = Sink()
        self.port = free_port()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


@pytest.fixture
def smtp(settings: Any) -> Iterator[Sink]:
    """Email goes through Django's SMTP backend to a real server on loopback;
    the fixture is that server's sink."""
    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 10
        yield server.sink
