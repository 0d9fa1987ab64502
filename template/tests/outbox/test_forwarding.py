"""Forwards to outside agencies through the outbox: e-mail to the contact, signed webhook."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.config import ForwardTarget, Settings
from app.models import OutboxMessage, Report, ReportForward
from app.outbox.forwarding import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from tests.conftest import Places, ReportFactory
from tests.smtp import SmtpServer, WorkerFactory, free_port

SECRET = "rahasia-webhook-bersama"


class Receiver(BaseHTTPRequestHandler):
    """An agency's webhook: checks nothing itself, keeps what came, answers with an id."""

    def do_POST(self) -> None:
        """Keep the request and answer 200 {"id": ...} (or the server's status)."""
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.received.append((headers, body))  # type: ignore[attr-defined]
        self.send_response(self.server.status)  # type: ignore[attr-defined]
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"id": "AG-77"}).encode())

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def receiver() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Receiver)
    server.received = []  # type: ignore[attr-defined]
    server.status = 200  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _forward(session: Session, number: str) -> ReportForward:
    session.expire_all()
    report = session.scalars(select(Report).where(Report.tracking_number == number)).one()
    assert report.outside_authority
    return report.forwards[0]


def test_forward_by_e_mail_to_the_agency(
    client: TestClient,
    session: Session,
    smtp: SmtpServer,
    outbox_worker: WorkerFactory,
    quiet_outbox: None,
    file_report: ReportFactory,
    places: Places,
) -> None:
    number = file_report(
        "ZZ-TEST-LUAR", places.village.code, description="Kabel listrik putus di jalan"
    )["tracking_number"]
    forwarding = {"ZZ-TEST-LUAR": ForwardTarget(transport="email", email="luar@example.org")}
    outbox_worker(smtp.port, forwarding=forwarding).run_once(session)
    mails = smtp.inbox.to("luar@example.org")
    assert len(mails) == 1
    assert number in mails[0]["Subject"]
    content = mails[0].get_content()
    assert "Kabel listrik putus di jalan" in content
    assert "Lembaga Luar Uji" in content
    forward = _forward(session, number)
    assert forward.transport == "email"
    assert forward.delivered_at is not None
    timeline = client.get(f"/api/track/{number}").json()["history"]
    assert timeline[-1]["note"] == "Diteruskan kepada Lembaga Luar Uji"


def test_agency_without_an_address_fails_visibly(
    session: Session,
    outbox_worker: WorkerFactory,
    quiet_outbox: None,
    file_report: ReportFactory,
    places: Places,
) -> None:
    number = file_report("ZZ-TEST-LUAR", places.village.code)["tracking_number"]
    outbox_worker(free_port()).run_once(session)  # contact is a web address, no FORWARDING
    forward = _forward(session, number)
    message = session.scalars(
        select(OutboxMessage).where(OutboxMessage.payload["forward_id"].as_integer() == forward.id)
    ).one()
    assert message.state == "failed"
    assert "has no e-mail contact and no entry in the FORWARDING setting" in (
        message.last_error or ""
    )


def test_forward_by_signed_webhook_with_retry(
    session: Session,
    receiver: ThreadingHTTPServer,
    outbox_worker: WorkerFactory,
    quiet_outbox: None,
    file_report: ReportFactory,
    places: Places,
) -> None:
    number = file_report(
        "ZZ-TEST-LUAR", places.village.code, anonymous="true", description="Tiang roboh"
    )["tracking_number"]
    url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    forwarding = {"ZZ-TEST-LUAR": ForwardTarget(transport="webhook", url=url, secret=SECRET)}
    worker = outbox_worker(free_port(), forwarding=forwarding, outbox_retry_base_seconds=1)
    receiver.status = 503  # type: ignore[attr-defined]  # the agency's server is busy
    assert worker.run_once(session)["retry"] >= 1
    assert _forward(session, number).delivered_at is None
    receiver.status = 200  # type: ignore[attr-defined]
    later = worker.run_once(session, now=_later(session, number))
    assert later["sent"] >= 1
    headers, body = receiver.received[-1]  # type: ignore[attr-defined]
    assert headers[SIGNATURE_HEADER.lower()] == sign(
        SECRET, headers[TIMESTAMP_HEADER.lower()], body
    )
    assert headers[SIGNATURE_HEADER.lower()] != sign(
        "salah", headers[TIMESTAMP_HEADER.lower()], body
    )
    data = json.loads(body)
    assert data["tracking_number"] == number
    assert data["description"] == "Tiang roboh"
    assert data["reporter"] is None  # anonymous
    forward = _forward(session, number)
    assert forward.transport == "webhook"
    assert forward.remote_id == "AG-77"


def _later(session: Session, number: str):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    forward = _forward(session, number)
    message = session.scalars(
        select(OutboxMessage).where(OutboxMessage.payload["forward_id"].as_integer() == forward.id)
    ).one()
    return message.next_attempt_at + timedelta(seconds=1)


def test_forwarding_setting_names_what_is_missing() -> None:
    with pytest.raises(ValueError, match="the open311 transport needs api_key"):
        Settings(_env_file=None, forwarding={"X": {"transport": "open311", "url": "http://x"}})  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="is not an http"):
        ForwardTarget(transport="webhook", url="ftp://x", secret="s")
