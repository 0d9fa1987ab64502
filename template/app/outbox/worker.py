"""The outbox worker: claims due messages, sends them, retries with back-off; digests daily."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.profile import Profile
from app.models import Channel, OutboxMessage, PushSubscription, WorkerLease, utcnow
from app.outbox import events, forwarding, messages, transports, vapid
from app.outbox.store import claim, mark_failed, mark_sent

logger = logging.getLogger(__name__)
LEASE_NAME = "outbox"
DIGEST_CHECK = timedelta(minutes=10)  # how often a worker looks for digests to queue
Deliver = Callable[[Session, OutboxMessage], None]


def worker_id() -> str:
    """A name for this worker: host, process and a random part."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{secrets.token_hex(3)}"


class Outbox:
    """Sends the outbox of one database with the settings and profile of the replica."""

    def __init__(self, *, settings: Settings, profile: Profile, name: str | None = None) -> None:
        self.settings = settings
        self.profile = profile
        self.name = name or worker_id()
        self.digests_checked_at: datetime | None = None

    def deliver(self, session: Session, message: OutboxMessage) -> None:
        """Send one message; raises TransportError (retry) or Undeliverable / Gone (give up)."""
        if message.channel == Channel.EMAIL.value:
            text = messages.render(session, message, settings=self.settings, profile=self.profile)
            mail = messages.email(
                message.recipient,
                text,
                message_id=message.id,
                settings=self.settings,
                profile=self.profile,
            )
            transports.send_email(mail, settings=self.settings)
        elif message.channel == Channel.PUSH.value:
            self._push(session, message)
        elif message.channel == Channel.FORWARD.value:
            forwarding.deliver(session, message, settings=self.settings, profile=self.profile)
        else:
            raise transports.Undeliverable(f"unknown channel {message.channel!r}")

    def _push(self, session: Session, message: OutboxMessage) -> None:
        subscription = session.get(PushSubscription, message.payload.get("subscription_id"))
        if subscription is None:
            raise messages.Gone("the push subscription was removed")
        text = messages.render(session, message, settings=self.settings, profile=self.profile)
        info = {
            "endpoint": subscription.endpoint,
            "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
        }
        subject = self.settings.vapid_subject or f"mailto:{self.settings.mail_from}"
        try:
            transports.send_push(
                info,
                {"title": text.subject, "body": text.body, "url": text.url},
                private_pem=vapid.private_pem(self.settings),
                subject=subject,
            )
        except transports.Undeliverable:
            session.delete(subscription)
            session.commit()
            raise

    def run_once(self, session: Session, *, now: datetime | None = None) -> dict[str, int]:
        """Queue today's digests, then send one batch of due messages; counts per outcome."""
        now = now or utcnow()
        settings = self.settings
        checked = self.digests_checked_at
        if checked is None or now - checked >= DIGEST_CHECK or now < checked:
            events.queue_overdue_digests(
                session, now=now, timezone=self.profile.province.timezone, hour=settings.digest_hour
            )
            self.digests_checked_at = now
        forwarding.poll_remote_statuses(session, settings=settings, profile=self.profile, now=now)
        done = {"sent": 0, "retry": 0, "failed": 0}
        batch = claim(
            session,
            worker=self.name,
            limit=settings.outbox_batch,
            lease_seconds=settings.outbox_lease_seconds,
            now=now,
        )
        for message in batch:
            try:
                self.deliver(session, message)
            except (transports.Undeliverable, messages.Gone) as error:
                session.rollback()
                mark_failed(session, message, str(error), max_attempts=1, **self._backoff())
                done["failed"] += 1
            except Exception as error:  # any other failure: keep the message and retry later
                session.rollback()
                if not isinstance(error, transports.TransportError):
                    logger.exception("outbox message %s failed", message.id)
                mark_failed(
                    session,
                    message,
                    str(error) or type(error).__name__,
                    max_attempts=settings.outbox_max_attempts,
                    **self._backoff(),
                )
                done["failed" if message.state == "failed" else "retry"] += 1
            else:
                mark_sent(session, message)
                done["sent"] += 1
        return done

    def _backoff(self) -> dict[str, float]:
        return {
            "base_seconds": self.settings.outbox_retry_base_seconds,
            "max_seconds": self.settings.outbox_retry_max_seconds,
        }


def hold_lease(session: Session, *, holder: str, seconds: float, name: str = LEASE_NAME) -> bool:
    """Take or renew the named lease for `holder`; whether `holder` has it now."""
    now = utcnow()
    until = now + timedelta(seconds=seconds)
    taken = session.execute(
        update(WorkerLease)
        .where(
            WorkerLease.name == name,
            or_(WorkerLease.holder == holder, WorkerLease.expires_at < now),
        )
        .values(holder=holder, expires_at=until)
    )
    if taken.rowcount == 1:  # type: ignore[attr-defined]
        session.commit()
        return True
    session.rollback()
    if session.get(WorkerLease, name) is not None:
        return False
    session.add(WorkerLease(name=name, holder=holder, expires_at=until))
    try:
        session.commit()
    except IntegrityError:  # another process created it first
        session.rollback()
        return False
    return True


async def run_in_background(
    outbox: Outbox, session_factory: Callable[[], Session], *, interval: float
) -> None:
    """`serve`'s background task: whoever holds the lease sends the outbox every `interval` s."""
    lease = max(interval * 6, 30.0)
    while True:
        try:
            await asyncio.to_thread(_tick, outbox, session_factory, lease)
        except Exception:
            logger.exception("the outbox worker failed; trying again")
        await asyncio.sleep(interval)


def _tick(outbox: Outbox, session_factory: Callable[[], Session], lease: float) -> None:
    with session_factory() as session:
        if hold_lease(session, holder=outbox.name, seconds=lease):
            while sum(outbox.run_once(session).values()) >= outbox.settings.outbox_batch:
                pass
