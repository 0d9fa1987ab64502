"""The outbox queue: add messages in the caller's transaction, claim them safely, settle them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import Channel, OutboxMessage, OutboxState, utcnow

MAX_ERROR = 2000


def enqueue(
    session: Session,
    *,
    channel: Channel,
    topic: str,
    recipient: str,
    report_id: int | None = None,
    payload: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> OutboxMessage:
    """Add a message to the session (committed with the caller's change, or not at all)."""
    message = OutboxMessage(
        channel=channel.value,
        topic=topic,
        recipient=recipient,
        report_id=report_id,
        payload=payload or {},
        state=OutboxState.PENDING.value,
        attempts=0,
        next_attempt_at=now or utcnow(),
        created_at=now or utcnow(),
    )
    session.add(message)
    return message


def enqueue_once(
    session: Session,
    *,
    dedupe_key: str,
    channel: Channel,
    topic: str,
    recipient: str,
    payload: dict[str, Any] | None = None,
) -> bool:
    """Add and commit a message unless one with `dedupe_key` exists; whether it was added."""
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)):
        return False
    message = enqueue(session, channel=channel, topic=topic, recipient=recipient, payload=payload)
    message.dedupe_key = dedupe_key
    try:
        session.commit()
    except IntegrityError:  # another worker added it first
        session.rollback()
        return False
    return True


def _due(now: datetime) -> Any:
    return and_(
        OutboxMessage.state == OutboxState.PENDING.value,
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
    )


def claim(
    session: Session, *, worker: str, limit: int, lease_seconds: float, now: datetime | None = None
) -> list[OutboxMessage]:
    """Claim up to `limit` due messages for `worker` and commit the claim.

    PostgreSQL: the rows are picked with FOR UPDATE SKIP LOCKED, so concurrent workers never
    pick the same row. SQLite: one UPDATE sets the claim columns (SQLite runs one writer at a
    time, and the UPDATE re-checks that the row is unclaimed), then the claimed rows are read.
    A claim expires after `lease_seconds`, so a crashed worker's messages are taken again.
    """
    now = now or utcnow()
    until = now + timedelta(seconds=lease_seconds)
    if session.get_bind().dialect.name == "postgresql":
        stmt = (
            select(OutboxMessage)
            .where(_due(now))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        messages = list(session.scalars(stmt))
        for message in messages:
            message.claimed_by = worker
            message.claimed_until = until
        session.commit()
        return messages
    ids = (
        select(OutboxMessage.id)
        .where(_due(now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .scalar_subquery()
    )
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), _due(now))
        .values(claimed_by=worker, claimed_until=until)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    stmt = select(OutboxMessage).where(
        OutboxMessage.claimed_by == worker, OutboxMessage.claimed_until == until
    )
    return list(session.scalars(stmt.order_by(OutboxMessage.id)))


def backoff(attempts: int, *, base_seconds: float, max_seconds: float) -> float:
    """Seconds to wait before attempt `attempts + 1`: doubling from `base_seconds`, capped."""
    return float(min(max_seconds, base_seconds * 2 ** max(attempts - 1, 0)))


def mark_sent(session: Session, message: OutboxMessage, *, now: datetime | None = None) -> None:
    """Record a delivery and release the claim (committed)."""
    message.state = OutboxState.SENT.value
    message.attempts += 1
    message.sent_at = now or utcnow()
    message.claimed_by = message.claimed_until = None
    message.last_error = None
    session.commit()


def mark_failed(
    session: Session,
    message: OutboxMessage,
    error: str,
    *,
    max_attempts: int,
    base_seconds: float,
    max_seconds: float,
    now: datetime | None = None,
) -> None:
    """Record a failed attempt: retry later with back-off, or give up after `max_attempts`."""
    now = now or utcnow()
    message.attempts += 1
    message.last_error = error[:MAX_ERROR]
    message.claimed_by = message.claimed_until = None
    if message.attempts >= max_attempts:
        message.state = OutboxState.FAILED.value
    else:
        wait = backoff(message.attempts, base_seconds=base_seconds, max_seconds=max_seconds)
        message.next_attempt_at = now + timedelta(seconds=wait)
    session.commit()


def retry_now(session: Session, message: OutboxMessage) -> None:
    """Put a failed or waiting message back at the front of the queue (committed)."""
    message.state = OutboxState.PENDING.value
    message.next_attempt_at = utcnow()
    message.claimed_by = message.claimed_until = None
    session.commit()


def state_counts(session: Session) -> dict[str, int]:
    """Messages per state."""
    stmt = select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
    counts: dict[str, int] = {}
    for state, count in session.execute(stmt):
        counts[state] = count
    return {state.value: counts.get(state.value, 0) for state in OutboxState}
