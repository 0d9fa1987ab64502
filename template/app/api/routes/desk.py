"""The officers' desk: reports in scope, transitions, closure verification, photos."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, UploadFile

from app.api.deps import (
    CurrentOfficer,
    CurrentSupervisor,
    SessionDep,
    SettingsDep,
    StorageDep,
)
from app.api.photos import photo_response
from app.core.errors import NotFoundError
from app.domain import workflow
from app.domain.evidence import add_evidence
from app.domain.reports import get_for_officer, list_for_officer
from app.models import ReportStatus, utcnow
from app.schemas.report import ReportDetail, ReportSummary, TransitionCreate

router = APIRouter(prefix="/desk/reports", tags=["desk"])


@router.get("", response_model=list[ReportSummary])
def read_reports(
    session: SessionDep,
    officer: CurrentOfficer,
    status: ReportStatus | None = None,
    overdue: Annotated[bool | None, Query(description="Only overdue (or on-time) reports.")] = None,
    service_code: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[ReportSummary]:
    """Reports handled inside the officer's scope, newest first."""
    now = utcnow()
    found = list_for_officer(
        session,
        officer,
        status=status,
        overdue=overdue,
        service_code=service_code,
        now=now,
        limit=limit,
        offset=offset,
    )
    return [ReportSummary.of(r, now=now) for r in found]


@router.get("/{number}", response_model=ReportDetail)
def read_report(session: SessionDep, officer: CurrentOfficer, number: str) -> ReportDetail:
    """A report in scope; anonymous reporters' contacts stay hidden."""
    report = get_for_officer(session, officer, number=number)
    return ReportDetail.of(report, now=utcnow(), hide_reporter=True)


@router.post("/{number}/transitions", response_model=ReportDetail)
def move_report(
    session: SessionDep, officer: CurrentOfficer, number: str, body: TransitionCreate
) -> ReportDetail:
    """Move a report along the workflow (409 when the move is not allowed).

    Koordinasi and Disposisi may hand the report to another unit (422 for an unknown
    agency or region, or a Disposisi region that is not below the current one).
    """
    report = get_for_officer(session, officer, number=number)
    workflow.transition(
        session,
        report,
        target=body.to_status,
        note=body.note,
        officer=officer,
        agency_code=body.agency_code,
        region_code=body.region_code,
        note_public=body.note_public,
    )
    return ReportDetail.of(report, now=utcnow(), hide_reporter=True)


@router.post("/{number}/evidence", response_model=ReportDetail, status_code=201)
def upload_evidence(
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    officer: CurrentOfficer,
    number: str,
    photo: UploadFile,
) -> ReportDetail:
    """Attach a photo of the finished work to a report in Proses; Selesai needs one.

    The photo stays internal until the Selesai move, which shows it on the tracking page.
    """
    report = get_for_officer(session, officer, number=number)
    item = add_evidence(
        session,
        report,
        officer=officer,
        filename=photo.filename or "photo",
        data=photo.file.read(settings.upload_max_bytes + 1),
        settings=settings,
        storage=storage,
    )
    try:
        session.commit()
    except Exception:
        session.rollback()
        storage.delete(item.storage_key)
        raise
    return ReportDetail.of(report, now=utcnow(), hide_reporter=True)


@router.post("/{number}/verify", response_model=ReportDetail)
def verify_report(session: SessionDep, officer: CurrentSupervisor, number: str) -> ReportDetail:
    """A supervisor confirms the closure of a Selesai report."""
    report = get_for_officer(session, officer, number=number)
    workflow.verify_closure(session, report, supervisor=officer)
    return ReportDetail.of(report, now=utcnow(), hide_reporter=True)


@router.get("/{number}/photos/{photo_id}", response_class=Response)
def read_photo(
    session: SessionDep, storage: StorageDep, officer: CurrentOfficer, number: str, photo_id: int
) -> Response:
    """A photo of a report in scope."""
    report = get_for_officer(session, officer, number=number)
    photo = next((p for p in report.photos if p.id == photo_id), None)
    if photo is None:
        raise NotFoundError(
            f"Report {report.tracking_number} has no photo {photo_id}.",
            key="no_photo",
            photo=photo_id,
        )
    content = storage.load(photo.storage_key)
    return photo_response(content, photo.content_type, name=f"{report.tracking_number}-{photo.id}")
