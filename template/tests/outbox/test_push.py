"""Web push through a push service stand-in on loopback: VAPID-signed, encrypted, gone = removed."""

from __future__ import annotations

import base64
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.models import Channel, OutboxMessage, PushSubscription, Report
from app.outbox import vapid
from tests.conftest import OfficerFactory, Places, ReportFactory
from tests.smtp import WorkerFactory, free_port


class PushService(BaseHTTPRequestHandler):
    """Answers 201 (or the status set on the server) and keeps each request."""

    def do_POST(self) -> None:
        """Keep the request."""
        length = int(self.headers.get("Content-Length", "0"))
        self.server.received.append(
            (self.path, {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length))
        )  # type: ignore[attr-defined]
        self.send_response(self.server.status)  # type: ignore[attr-defined]
        self.end_headers()

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def push_service() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), PushService)
    server.received = []  # type: ignore[attr-defined]
    server.status = 201  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _browser_keys() -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    raw = key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    encode = base64.urlsafe_b64encode
    return encode(raw).rstrip(b"=").decode(), encode(os.urandom(16)).rstrip(b"=").decode()


def test_vapid_keys_are_generated_once_into_the_instance_dir(settings: Settings) -> None:
    key = vapid.public_key(settings)
    assert vapid.public_key(settings) == key
    assert len(base64.urlsafe_b64decode(key + "=")) == 65
    path = settings.instance_dir / vapid.KEY_FILE
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_move_is_pushed_to_the_reporters_browser(
    client: TestClient,
    session: Session,
    push_service: ThreadingHTTPServer,
    outbox_worker: WorkerFactory,
    quiet_outbox: None,
    file_report: ReportFactory,
    places: Places,
    officer_headers: OfficerFactory,
) -> None:
    number = file_report("ZZ-TEST-VILLAGE", places.village.code)["tracking_number"]
    report = session.scalars(select(Report).where(Report.tracking_number == number)).one()
    p256dh, auth = _browser_keys()
    port = push_service.server_address[1]
    endpoint = f"http://127.0.0.1:{port}/push/abc"
    session.add(PushSubscription(report_id=report.id, endpoint=endpoint, p256dh=p256dh, auth=auth))
    session.commit()
    moved = client.post(
        f"/api/desk/reports/{number}/transitions",
        headers=officer_headers(places.village.code),
        json={"to_status": "Disposisi"},
    )
    assert moved.status_code == 200
    worker = outbox_worker(free_port(), vapid_subject="mailto:it@example.org")
    assert worker.run_once(session)["sent"] >= 1
    path, headers, body = push_service.received[-1]  # type: ignore[attr-defined]
    assert path == "/push/abc"
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["authorization"].startswith("vapid t=")
    assert f"k={vapid.public_key(worker.settings)}" in headers["authorization"]
    assert number.encode() not in body  # encrypted for the browser

    push_service.status = 410  # type: ignore[attr-defined]  # the browser unsubscribed
    again = client.post(
        f"/api/desk/reports/{number}/transitions",
        headers=officer_headers(places.village.code),
        json={"to_status": "Proses"},
    )
    assert again.status_code == 200
    worker.run_once(session)
    session.expire_all()
    assert (
        session.scalars(
            select(PushSubscription).where(PushSubscription.report_id == report.id)
        ).all()
        == []
    )
    last = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.channel == Channel.PUSH.value, OutboxMessage.report_id == report.id)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert last is not None
    assert last.state == "failed"
    assert "gone (410)" in (last.last_error or "")
