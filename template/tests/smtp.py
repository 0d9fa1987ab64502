"""Fixtures: a real SMTP server on loopback (aiosmtpd) and outbox workers bound to it."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine, update

from app.core.config import Settings
from app.core.profile import Profile
from app.models import OutboxMessage, OutboxState
from app.outbox.worker import Outbox


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Inbox:
    """aiosmtpd handler keeping every received message."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """Keep the message."""
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        """Messages addressed to `address`."""
        return [m for m in self.messages if m["To"] == address]


class SmtpServer:
    """A loopback SMTP server that can be stopped and started again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A running SMTP server on 127.0.0.1 (random port), stopped after the test."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def quiet_outbox(engine: Engine) -> None:
    """Earlier tests' messages are settled, so each outbox test sends only its own."""
    with engine.begin() as connection:
        connection.execute(
            update(OutboxMessage)
            .where(OutboxMessage.state == OutboxState.PENDING.value)
            .values(state=OutboxState.SENT.value)
        )


WorkerFactory = Callable[..., Outbox]


@pytest.fixture
def outbox_worker(settings: Settings, test_profile: Profile) -> WorkerFactory:
    """An outbox worker sending to `smtp_port` on loopback, with any other setting overridden."""

    def make(smtp_port: int, **overrides: Any) -> Outbox:
        values = {
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_port,
            "smtp_security": "none",
            "smtp_timeout": 5.0,
            "mail_from": "lapor@example.org",
            "public_url": "https://lapor.example.org",
            "outbox_batch": 200,
            **overrides,
        }
        return Outbox(settings=settings.model_copy(update=values), profile=test_profile)

    return make
