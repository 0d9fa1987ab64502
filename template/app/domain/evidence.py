"""Officers' completion evidence: "after" photos, re-encoded like citizens' photos."""

from __future__ import annotations

import secrets

from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.errors import InvalidError
from app.domain.storage import Storage
from app.domain.uploads import EXTENSIONS, clean_photo
from app.models import Officer, Report, ReportEvidence, ReportStatus, utcnow

MAX_PENDING = 3


def add_evidence(
    session: Session,
    report: Report,
    *,
    officer: Officer,
    filename: str,
    data: bytes,
    settings: Settings,
    storage: Storage,
) -> ReportEvidence:
    """Store a photo of the finished work for the report's coming Selesai move (not committed)."""
    if report.is_closed:
        raise InvalidError(
            f"Report {report.tracking_number} is {report.status.value}; evidence can only be "
            "added before it is closed."
        )
    if report.status != ReportStatus.PROSES:
        raise InvalidError(
            "Evidence of the finished work is added when the report is in Proses and moves "
            f"to Selesai; this one is {report.status.value}."
        )
    pending = [item for item in report.evidence if item.transition_id is None]
    if len(pending) >= MAX_PENDING:
        raise InvalidError(f"At most {MAX_PENDING} evidence photos can be attached to a move.")
    media_type, content = clean_photo(
        data,
        filename=filename,
        max_bytes=settings.upload_max_bytes,
        max_pixels=settings.upload_max_pixels,
        max_side=settings.photo_max_side,
    )
    name = f"evidence-{secrets.token_hex(6)}.{EXTENSIONS[media_type]}"
    key = f"reports/{report.tracking_number}/{name}"
    storage.save(key, content, content_type=media_type)
    item = ReportEvidence(
        storage_key=key,
        content_type=media_type,
        size=len(content),
        officer_id=officer.id,
        created_at=utcnow(),
    )
    report.evidence.append(item)
    session.flush()
    return item


def public_evidence(report: Report) -> list[ReportEvidence]:
    """Evidence photos attached to a move (what the tracking page shows)."""
    return [item for item in report.evidence if item.transition_id is not None]
