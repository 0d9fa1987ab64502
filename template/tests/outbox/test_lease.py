"""The lease that lets one `serve` process at a time run the in-process outbox worker."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.models import WorkerLease, utcnow
from app.outbox.worker import hold_lease


def test_one_holder_at_a_time_and_an_expired_lease_moves_on(session: Session) -> None:
    name = "outbox-test-lease"
    assert hold_lease(session, holder="proses-a", seconds=30, name=name) is True
    assert hold_lease(session, holder="proses-b", seconds=30, name=name) is False
    assert hold_lease(session, holder="proses-a", seconds=30, name=name) is True  # renewed
    session.execute(
        update(WorkerLease)
        .where(WorkerLease.name == name)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    session.commit()
    assert hold_lease(session, holder="proses-b", seconds=30, name=name) is True
    assert hold_lease(session, holder="proses-a", seconds=30, name=name) is False
