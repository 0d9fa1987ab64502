"""Web-push subscriptions of reporters' browsers, one per report and browser."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.models import PushSubscription, Report, utcnow
from app.outbox import vapid

logger = logging.getLogger(__name__)


def add_subscription(
    session: Session, report: Report, *, endpoint: str, p256dh: str, auth: str
) -> PushSubscription:
    """Store (or refresh the keys of) the browser's subscription for `report` (committed)."""
    stmt = select(PushSubscription).where(
        PushSubscription.report_id == report.id, PushSubscription.endpoint == endpoint
    )
    found = session.scalars(stmt).first()
    if found is None:
        found = PushSubscription(report_id=report.id, endpoint=endpoint, created_at=utcnow())
        session.add(found)
    found.p256dh, found.auth = p256dh, auth
    try:
        session.commit()
    except IntegrityError:  # the same browser subscribed twice at once
        session.rollback()
        found = session.scalars(stmt).one()
    return found


def application_server_key(settings: Settings) -> str | None:
    """The VAPID public key for the page, or None when no key can be read or made."""
    try:
        return vapid.public_key(settings)
    except (OSError, ValueError):
        logger.exception("no VAPID key: web push is off")
        return None
