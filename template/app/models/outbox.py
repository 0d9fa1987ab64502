"""The notification outbox, citizens' web-push subscriptions and worker leases."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class Channel(enum.StrEnum):
    """How an outbox message leaves: e-mail, web push, or a forward to an outside agency.

    A forward's transport (e-mail, signed webhook or Open311) is chosen when it is sent,
    from the `forwarding` setting, so a changed setting applies to waiting forwards too.
    """

    EMAIL = "email"
    PUSH = "push"
    FORWARD = "forward"


class OutboxState(enum.StrEnum):
    """Pending (waiting or retrying), sent, or failed (gave up after the last attempt)."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(Base):
    """One message to deliver, written in the same transaction as the event that caused it.

    The text is rendered when it is sent (`topic`, `report_id`, `payload`), so a message waiting
    for a mail server that is down is sent as soon as it is back. A worker claims a message by
    setting `claimed_by` / `claimed_until`; an expired claim may be taken again.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str] = mapped_column(String(1000))
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), index=True
    )
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # e.g. one overdue digest per supervisor and day
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    state: Mapped[str] = mapped_column(String(16), default=OutboxState.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_outbox_due", "state", "next_attempt_at"),)


class PushSubscription(Base):
    """A browser that asked for web-push news about one report (its reporter's device)."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000))
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("uq_push_subscriptions_report_endpoint", "report_id", "endpoint", unique=True),
    )


class WorkerLease(Base):
    """A named lease: the one process that holds it runs the in-process outbox worker."""

    __tablename__ = "worker_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]
