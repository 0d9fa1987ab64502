"""Citizen reports: file (with photos), list own, read own, rate, fetch photos."""

from __future__ import annotations

import json
import logging
from typing import Annotated

from fastapi import APIRouter, File, Form, Header, Response, UploadFile, status
from sqlalchemy import select

from app.api.deps import (
    CurrentCitizen,
    IdempotencyKeyDep,
    LookupLimit,
    OptionalCitizen,
    ProfileDep,
    ReportLimit,
    SessionDep,
    SettingsDep,
    StorageDep,
)
from app.api.photos import photo_response
from app.core.errors import InvalidError, NotFoundError
from app.custom import hooks
from app.domain.reports import (
    FiledReport,
    NewReport,
    check_reporter,
    file_report,
    get_by_number,
    rate,
)
from app.models import Report, utcnow
from app.schemas.report import RatingCreate, ReportCreated, ReportDetail

router = APIRouter(prefix="/reports", tags=["reports"])
logger = logging.getLogger(__name__)

AccessCode = Annotated[str | None, Header(alias="X-Access-Code")]


def _parse_attributes(raw: str | None) -> dict[str, str | list[str]]:
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        raise InvalidError("attributes must be a JSON object of attribute code to value.") from None
    if not isinstance(value, dict):
        raise InvalidError("attributes must be a JSON object of attribute code to value.")
    return {
        str(code): [str(v) for v in item] if isinstance(item, list) else str(item)
        for code, item in value.items()
    }


def _read_photos(photos: list[UploadFile] | None, limit: int) -> list[tuple[str, bytes]]:
    read = []
    for photo in photos or []:
        if not photo.filename and not photo.size:
            continue
        read.append((photo.filename or "photo", photo.file.read(limit + 1)))
    return read


def _created(filed: FiledReport) -> ReportCreated:
    report = filed.report
    return ReportCreated(
        tracking_number=report.tracking_number,
        status=report.status,
        created_at=report.created_at,
        due_at=report.due_at,
        outside_authority=report.outside_authority,
        handling_agency=report.handling_agency.name,
        handling_region_code=report.handling_region_code,
        access_code=filed.access_code,
    )


@router.post(
    "",
    response_model=ReportCreated,
    status_code=status.HTTP_201_CREATED,
    dependencies=[ReportLimit],
)
def create_report(
    response: Response,
    session: SessionDep,
    idempotency: IdempotencyKeyDep,
    settings: SettingsDep,
    profile: ProfileDep,
    storage: StorageDep,
    citizen: OptionalCitizen,
    service_code: Annotated[str, Form()],
    description: Annotated[str, Form()],
    region_code: Annotated[str | None, Form(description="Village (or other region) code.")] = None,
    lat: Annotated[float | None, Form()] = None,
    long: Annotated[float | None, Form()] = None,
    address: Annotated[str | None, Form(max_length=500)] = None,
    attributes: Annotated[str | None, Form(description="JSON object: code -> value.")] = None,
    is_public: Annotated[bool, Form()] = False,
    exact_location_public: Annotated[
        bool, Form(description="Show exact coordinates and address in the public report.")
    ] = False,
    anonymous: Annotated[bool, Form()] = False,
    contact_name: Annotated[str | None, Form(max_length=200)] = None,
    contact_email: Annotated[str | None, Form(max_length=320)] = None,
    contact_phone: Annotated[str | None, Form(max_length=32)] = None,
    photos: Annotated[list[UploadFile] | None, File(description="Up to 3 photos.")] = None,
) -> ReportCreated:
    """File a report as a logged-in citizen or as a guest with a contact; private by default."""
    data = NewReport(
        service_code=service_code,
        description=description,
        region_code=region_code or None,
        lat=lat,
        long=long,
        address=address,
        attributes=_parse_attributes(attributes),
        photos=_read_photos(photos, settings.upload_max_bytes),
        is_public=is_public,
        exact_location_public=exact_location_public,
        anonymous=anonymous,
        citizen=citizen,
        contact_name=contact_name or (citizen.full_name if citizen else None),
        contact_email=contact_email or (citizen.email if citizen else None),
        contact_phone=contact_phone or (citizen.phone if citizen else None),
        idempotency_key=idempotency,
        idempotency_scope=f"citizen:{citizen.id}" if citizen else "guest",
    )
    filed = file_report(session, data, settings=settings, profile=profile, storage=storage)
    report = filed.report
    if filed.replayed:
        response.headers["Idempotent-Replayed"] = "true"
        return _created(filed)
    try:
        hooks.on_report_created(report)
    except Exception:
        logger.exception("custom on_report_created hook failed", extra={"report": report.id})
    logger.info(
        "report filed",
        extra={"tracking_number": report.tracking_number, "service": report.service_code},
    )
    return _created(filed)


@router.get("/mine", response_model=list[ReportDetail])
def read_my_reports(session: SessionDep, citizen: CurrentCitizen) -> list[ReportDetail]:
    """The logged-in citizen's reports, newest first."""
    stmt = (
        select(Report)
        .where(Report.citizen_id == citizen.id)
        .order_by(Report.created_at.desc(), Report.id.desc())
    )
    now = utcnow()
    return [ReportDetail.of(r, now=now) for r in session.scalars(stmt).unique()]


@router.get("/{number}", response_model=ReportDetail, dependencies=[LookupLimit])
def read_report(
    session: SessionDep, number: str, citizen: OptionalCitizen, access_code: AccessCode = None
) -> ReportDetail:
    """A report, for its reporter (logged in, or with the X-Access-Code header)."""
    report = get_by_number(session, number)
    check_reporter(report, citizen=citizen, access_code=access_code)
    return ReportDetail.of(report, now=utcnow())


@router.post("/{number}/rating", response_model=ReportDetail)
def rate_report(
    session: SessionDep, number: str, citizen: OptionalCitizen, body: RatingCreate
) -> ReportDetail:
    """Rate the follow-up (1-5 and a comment), once, after the report is Selesai."""
    report = get_by_number(session, number)
    check_reporter(report, citizen=citizen, access_code=body.access_code)
    rate(report, score=body.score, comment=body.comment)
    session.commit()
    return ReportDetail.of(report, now=utcnow())


@router.get("/{number}/photos/{photo_id}", response_class=Response, name="read_photo_public")
def read_photo(
    session: SessionDep,
    storage: StorageDep,
    number: str,
    photo_id: int,
    citizen: OptionalCitizen,
    access_code: AccessCode = None,
) -> Response:
    """A photo of a public report, or of the caller's own report."""
    report = get_by_number(session, number)
    if not report.is_public:
        check_reporter(report, citizen=citizen, access_code=access_code)
    photo = next((p for p in report.photos if p.id == photo_id), None)
    if photo is None:
        raise NotFoundError(f"Report {report.tracking_number} has no photo {photo_id}.")
    content = storage.load(photo.storage_key)
    return photo_response(content, photo.content_type, name=f"{report.tracking_number}-{photo.id}")
