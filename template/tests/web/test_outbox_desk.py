"""The desk's outbox page: supervisors see waiting messages with their errors and retry them."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import OfficerRole, OutboxMessage, Report, utcnow
from tests.conftest import Places, ReportFactory
from tests.smtp import WorkerFactory, free_port
from tests.web.conftest import Login, post_form


def test_the_desk_shows_waiting_messages_and_retries_them(
    browser: TestClient,
    session: Session,
    officer_login: Login,
    file_report: ReportFactory,
    places: Places,
    outbox_worker: WorkerFactory,
    quiet_outbox: None,
) -> None:
    number = file_report(
        "ZZ-TEST-VILLAGE", places.village.code, contact_email="pelapor-4@example.org"
    )["tracking_number"]
    outbox_worker(free_port()).run_once(session)  # the mail server is down
    officer_login(browser, places.village.code)
    assert browser.get("/desk/outbox").status_code == 403
    officer_login(browser, places.district.code, OfficerRole.SUPERVISOR)
    page = browser.get("/desk/outbox")
    assert page.status_code == 200
    assert "pelapor-4@example.org" in page.text
    assert "ConnectionRefusedError" in page.text
    message = session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == "pelapor-4@example.org")
    ).one()
    retried = post_form(browser, "/desk/outbox", f"/desk/outbox/{message.id}/retry", {})
    assert retried.status_code == 303
    session.refresh(message)
    assert message.next_attempt_at <= utcnow()
    assert message.report_id == session.scalar(
        select(Report.id).where(Report.tracking_number == number)
    )
