"""E-mails through a real SMTP server on loopback: reporter, handling unit, digest, outages."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from app.core.profile import Profile
from app.models import (
    Channel,
    OfficerRole,
    OutboxMessage,
    OutboxState,
    Report,
    utcnow,
)
from app.outbox.events import queue_overdue_digests
from app.outbox.store import backoff, claim, enqueue
from tests.conftest import OfficerFactory, Places, ReportFactory, add_officer
from tests.smtp import SmtpServer, WorkerFactory, free_port


def _move(client: TestClient, number: str, headers: dict[str, str], status: str, **body: object):
    answer = client.post(
        f"/api/desk/reports/{number}/transitions",
        headers=headers,
        json={"to_status": status, **body},
    )
    assert answer.status_code == 200, answer.text


def test_reporter_and_unit_are_told_by_e_mail(
    client: TestClient,
    session: Session,
    smtp: SmtpServer,
    outbox_worker: WorkerFactory,
    quiet_outbox: None,
    file_report: ReportFactory,
    places: Places,
    officer_headers: OfficerFactory,
    engine: Engine,
    password_hash: str,
) -> None:
    unit = add_officer(engine, password_hash, places.village.code)
    number = file_report(
        "ZZ-TEST-VILLAGE", places.village.code, contact_email="pelapor-1@example.org"
    )["tracking_number"]
    officer = officer_headers(places.village.code)
    _move(client, number, officer, "Proses", note="Petugas menuju lokasi", note_public=True)

    done = outbox_worker(smtp.port).run_once(session)
    assert done["sent"] >= 3
    assert done["retry"] == 0
    assert done["failed"] == 0

    mails = smtp.inbox.to("pelapor-1@example.org")
    assert [str(m["Subject"]).strip() for m in mails] == [
        f"[{client.app.state.profile.app.name}] Laporan {number} diterima",
        f"[{client.app.state.profile.app.name}] Laporan {number}: Proses",
    ]
    assert mails[0]["From"].addresses[0].addr_spec == "lapor@example.org"
    assert f"https://lapor.example.org/track/{number}" in mails[0].get_content()
    assert "Catatan petugas: Petugas menuju lokasi" in mails[1].get_content()
    notice = smtp.inbox.to(unit.email)
    assert len(notice) == 1
    assert number in notice[0]["Subject"]
    assert f"https://lapor.example.org/desk/reports/{number}" in notice[0].get_content()
    # everything is settled: a second round sends none of them again
    outbox_worker(smtp.port).run_once(session)
    assert len(smtp.inbox.to("pelapor-1@example.org")) == 2
    assert len(smtp.inbox.to(unit.email)) == 1


def test_internal_notes_stay_out_of_the_reporters_mail(
    client: TestClient,
    session: Session,
    smtp: SmtpServer,
    outbox_worker: WorkerFactory,
    quiet_outbox: None,
    file_report: ReportFactory,
    places: Places,
    officer_headers: OfficerFactory,
) -> None:
    number = file_report(
        "ZZ-TEST-VILLAGE", places.village.code, contact_email="pelapor-2@example.org"
    )["tracking_number"]
    _move(client, number, officer_headers(places.village.code), "Proses", note="Rahasia dinas")
    outbox_worker(smtp.port).run_once(session)
    moved = smtp.inbox.to("pelapor-2@example.org")[-1]
    assert "Proses" in moved["Subject"]
    assert "Rahasia dinas" not in moved.get_content()


def test_nothing_is_lost_while_the_mail_server_is_down(
    session: Session,
    outbox_worker: WorkerFactory,
    quiet_outbox: None,
    file_report: ReportFactory,
    places: Places,
) -> None:
    server = SmtpServer()  # not started: its port refuses connections
    file_report("ZZ-TEST-VILLAGE", places.village.code, contact_email="pelapor-3@example.org")
    worker = outbox_worker(server.port, outbox_retry_base_seconds=60)
    first = worker.run_once(session)
    assert first["sent"] == 0
    assert first["retry"] >= 1
    waiting = session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == "pelapor-3@example.org")
    ).one()
    assert waiting.state == OutboxState.PENDING.value
    assert waiting.attempts == 1
    assert "ConnectionRefusedError" in (waiting.last_error or "")
    retry_at = waiting.next_attempt_at
    assert retry_at >= utcnow() + timedelta(seconds=50)
    # not due yet: the next round leaves it alone
    assert worker.run_once(session)["sent"] == 0
    server.start()
    try:
        later = worker.run_once(session, now=retry_at + timedelta(seconds=1))
        assert later["sent"] >= 1
        assert len(server.inbox.to("pelapor-3@example.org")) == 1
        session.refresh(waiting)
        assert waiting.state == OutboxState.SENT.value
        assert waiting.attempts == 2
    finally:
        server.stop()


def test_a_message_is_given_up_after_the_last_attempt(
    session: Session, outbox_worker: WorkerFactory, quiet_outbox: None
) -> None:
    message = enqueue(
        session, channel=Channel.EMAIL, topic="report.filed", recipient="x@example.org"
    )
    message.report_id = None
    session.commit()
    worker = outbox_worker(free_port(), outbox_max_attempts=2)
    worker.run_once(session)
    session.refresh(message)
    assert message.state == OutboxState.FAILED.value  # no report to tell about: not retried
    assert message.last_error == "report None no longer exists"


def test_back_off_doubles_up_to_the_cap() -> None:
    waits = [backoff(n, base_seconds=30, max_seconds=600) for n in range(1, 8)]
    assert waits == [30, 60, 120, 240, 480, 600, 600]


def test_concurrent_workers_never_claim_the_same_message(
    engine: Engine, session: Session, quiet_outbox: None
) -> None:
    from app.core.db import create_session_factory

    for n in range(40):
        enqueue(session, channel=Channel.EMAIL, topic="t", recipient=f"c{n}@example.org")
    session.commit()
    factory = create_session_factory(engine)
    claimed: dict[str, list[int]] = {}
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            with factory() as own:
                mine: list[int] = []
                while batch := claim(own, worker=name, limit=3, lease_seconds=60):
                    mine.extend(m.id for m in batch)
                claimed[name] = mine
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    everything = [i for ids in claimed.values() for i in ids]
    assert len(everything) == len(set(everything)) == 40


def test_overdue_digest_goes_once_a_day_to_supervisors(
    session: Session,
    smtp: SmtpServer,
    outbox_worker: WorkerFactory,
    quiet_outbox: None,
    file_report: ReportFactory,
    places: Places,
    engine: Engine,
    password_hash: str,
    test_profile: Profile,
) -> None:
    boss = add_officer(engine, password_hash, places.district.code, role=OfficerRole.SUPERVISOR)
    number = file_report("ZZ-TEST-DISTRICT", places.village.code)["tracking_number"]
    session.execute(
        update(Report)
        .where(Report.tracking_number == number)
        .values(due_at=utcnow() - timedelta(days=2))
    )
    session.commit()
    zone = test_profile.province.timezone
    # tomorrow's noon: past the digest hour, and later than the messages queued now (today's
    # noon is earlier than they are for half of the day)
    tomorrow = datetime.now(ZoneInfo(zone)) + timedelta(days=1)
    noon = tomorrow.replace(hour=12, minute=0).astimezone(UTC)
    queue_overdue_digests(session, now=noon, timezone=zone, hour=7)
    queue_overdue_digests(session, now=noon, timezone=zone, hour=7)
    outbox_worker(smtp.port).run_once(session, now=noon)
    digests = [m for m in smtp.inbox.to(boss.email) if "melewati tenggat" in m["Subject"]]
    assert len(digests) == 1
    assert number in digests[0].get_content()
    early = noon.astimezone(ZoneInfo(zone)).replace(hour=5).astimezone(UTC)  # before the hour
    assert queue_overdue_digests(session, now=early, timezone=zone, hour=7) == 0
