"""Who is told what: the messages a filed report or a move puts into the outbox."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import (
    Agency,
    Channel,
    Officer,
    OfficerRole,
    PushSubscription,
    Report,
    ReportStatus,
    ReportTransition,
)
from app.outbox.store import enqueue, enqueue_once

REPORT_FILED = "report.filed"
REPORT_MOVED = "report.moved"
UNIT_RECEIVED = "unit.received"
OVERDUE_DIGEST = "digest.overdue"
FORWARD = "report.forward"
OPEN = (ReportStatus.MENUNGGU, ReportStatus.KOORDINASI, ReportStatus.DISPOSISI, ReportStatus.PROSES)


def _looks_like_email(value: str | None) -> bool:
    return bool(value) and "@" in str(value) and " " not in str(value).strip()


def unit_recipients(session: Session, report: Report) -> list[str]:
    """E-mail addresses of the unit handling `report`: its officers and the agency's contact.

    Officers of the unit are the active ones whose region is the handling region and whose
    agency is the handling agency or none.
    """
    stmt = select(Officer.email).where(
        Officer.active.is_(True),
        Officer.region_code == report.handling_region_code,
        (Officer.agency_code.is_(None)) | (Officer.agency_code == report.handling_agency_code),
    )
    found = list(session.scalars(stmt.order_by(Officer.id)))
    agency = session.get(Agency, report.handling_agency_code)
    if agency is not None and not agency.external and _looks_like_email(agency.contact):
        found.append(str(agency.contact).strip())
    return list(dict.fromkeys(found))


def _tell_unit(session: Session, report: Report) -> None:
    for address in unit_recipients(session, report):
        enqueue(
            session,
            channel=Channel.EMAIL,
            topic=UNIT_RECEIVED,
            recipient=address,
            report_id=report.id,
        )


QUEUED = "queued"


def _forward_new(session: Session, report: Report) -> None:
    """Queue the delivery of each forward not queued yet (the transport is picked when sent)."""
    for forward in report.forwards:
        if forward.transport is None:
            forward.transport = QUEUED
            enqueue(
                session,
                channel=Channel.FORWARD,
                topic=FORWARD,
                recipient=forward.agency_code,
                report_id=report.id,
                payload={"forward_id": forward.id},
            )


def report_filed(session: Session, report: Report) -> None:
    """Queue the reporter's confirmation, the unit's notice and any forward (not committed)."""
    session.flush()
    _forward_new(session, report)
    if _looks_like_email(report.contact_email):
        enqueue(
            session,
            channel=Channel.EMAIL,
            topic=REPORT_FILED,
            recipient=str(report.contact_email),
            report_id=report.id,
        )
    _tell_unit(session, report)


def report_moved(session: Session, report: Report, transition: ReportTransition) -> None:
    """Queue the reporter's e-mail and push messages and, on a handover, the new unit's notice."""
    session.flush()
    _forward_new(session, report)
    payload = {"transition_id": transition.id}
    if _looks_like_email(report.contact_email):
        enqueue(
            session,
            channel=Channel.EMAIL,
            topic=REPORT_MOVED,
            recipient=str(report.contact_email),
            report_id=report.id,
            payload=payload,
        )
    subscriptions = session.scalars(
        select(PushSubscription).where(PushSubscription.report_id == report.id)
    )
    for subscription in subscriptions:
        enqueue(
            session,
            channel=Channel.PUSH,
            topic=REPORT_MOVED,
            recipient=subscription.endpoint,
            report_id=report.id,
            payload={**payload, "subscription_id": subscription.id},
        )
    if transition.moved_unit and not report.outside_authority:
        _tell_unit(session, report)


def queue_overdue_digests(session: Session, *, now: datetime, timezone: str, hour: int) -> int:
    """From `hour` (province time) on, one digest a day per supervisor with overdue reports.

    Returns how many digests were queued (each committed on its own; a digest another worker
    queued first is skipped through its unique key).
    """
    from app.domain.reports import visible_reports

    local = now.astimezone(ZoneInfo(timezone))
    if local.hour < hour:
        return 0
    day = local.date().isoformat()
    queued = 0
    supervisors = session.scalars(
        select(Officer).where(
            Officer.active.is_(True),
            Officer.role.in_([OfficerRole.SUPERVISOR, OfficerRole.ADMIN]),
        )
    ).all()
    for officer in supervisors:
        count_stmt = (
            visible_reports(officer)
            .with_only_columns(func.count())
            .where(Report.status.in_(OPEN), Report.due_at < now)
        )
        if not session.scalar(count_stmt):
            continue
        if enqueue_once(
            session,
            dedupe_key=f"digest:{day}:{officer.id}",
            channel=Channel.EMAIL,
            topic=OVERDUE_DIGEST,
            recipient=officer.email,
            payload={"officer_id": officer.id, "day": day},
        ):
            queued += 1
    return queued
