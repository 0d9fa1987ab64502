"""Report schemas: creation result, public tracking view, officer views, transitions, rating."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from app.domain.catalogue import localise
from app.models import Report, ReportStatus, ReportTransition
from app.schemas.common import ORMModel


class ReportCreated(BaseModel):
    """Answer to a new report; `access_code` (guests only) is shown once, keep it to rate."""

    tracking_number: str
    status: ReportStatus
    created_at: datetime
    due_at: datetime
    outside_authority: bool
    handling_agency: str
    handling_region_code: str
    access_code: str | None = None


class StatusStep(BaseModel):
    """One status the report went through, with its public note and evidence photos."""

    status: ReportStatus
    at: datetime
    note: str | None = None
    handed_to: str | None = None
    evidence: list[int] = []


class ReportTrack(BaseModel):
    """Public view: status, handling unit and the public timeline; no description or reporter.

    Notes appear only when the officer made them public (a rejection reason and the
    completion note always are); the due date is left out once the report is closed.
    """

    tracking_number: str
    service_code: str
    service_name: str
    status: ReportStatus
    created_at: datetime
    updated_at: datetime
    due_at: datetime | None
    is_overdue: bool
    outside_authority: bool
    forwarded_to: str | None
    handling_unit: str
    verified: bool
    history: list[StatusStep]

    @classmethod
    def of(
        cls, report: Report, *, now: datetime, lang: str, names: dict[str, str] | None = None
    ) -> ReportTrack:
        """Build the public view of `report`; `names` maps agency and region codes to names."""
        names = names or {}
        forwarded = (
            report.handling_agency.name if report.outside_authority and report.forwards else None
        )
        unit = report.handling_agency.name
        region = names.get(report.handling_region_code)
        return cls(
            tracking_number=report.tracking_number,
            service_code=report.service_code,
            service_name=localise(report.service.name, lang),
            status=report.status,
            created_at=report.created_at,
            updated_at=report.updated_at,
            due_at=None if report.is_closed else report.due_at,
            is_overdue=report.overdue_at(now),
            outside_authority=report.outside_authority,
            forwarded_to=forwarded,
            handling_unit=f"{unit} · {region}" if region else unit,
            verified=report.verified_at is not None,
            history=[_step(t, names) for t in report.transitions],
        )


def _step(transition: ReportTransition, names: dict[str, str]) -> StatusStep:
    handed = None
    if transition.moved_unit and transition.to_agency_code:
        agency = names.get(transition.to_agency_code, transition.to_agency_code)
        region = names.get(transition.to_region_code or "")
        handed = f"{agency} · {region}" if region else agency
    return StatusStep(
        status=transition.to_status,
        at=transition.created_at,
        note=transition.note if transition.note_public else None,
        handed_to=handed,
        evidence=[item.id for item in transition.evidence],
    )


class TransitionPublic(ORMModel):
    """An audit record of a status change, with the handling unit before and after it."""

    from_status: ReportStatus | None
    to_status: ReportStatus
    note: str | None
    note_public: bool = False
    actor: str
    officer_id: int | None
    created_at: datetime
    from_agency_code: str | None = None
    from_region_code: str | None = None
    to_agency_code: str | None = None
    to_region_code: str | None = None


class ForwardPublic(ORMModel):
    """A forward to an agency outside the province's authority."""

    agency_code: str
    contact: str | None
    note: str | None
    created_at: datetime
    transport: str | None = None
    delivered_at: datetime | None = None
    remote_id: str | None = None
    remote_status: str | None = None


class PhotoPublic(ORMModel):
    """A stored photo."""

    id: int
    content_type: str
    size: int


class ReportSummary(BaseModel):
    """A report in a list."""

    tracking_number: str
    service_code: str
    status: ReportStatus
    handling_agency_code: str
    handling_region_code: str
    outside_authority: bool
    created_at: datetime
    due_at: datetime
    is_overdue: bool

    @classmethod
    def of(cls, report: Report, *, now: datetime) -> ReportSummary:
        """Build the summary of `report`."""
        return cls(
            tracking_number=report.tracking_number,
            service_code=report.service_code,
            status=report.status,
            handling_agency_code=report.handling_agency_code,
            handling_region_code=report.handling_region_code,
            outside_authority=report.outside_authority,
            created_at=report.created_at,
            due_at=report.due_at,
            is_overdue=report.overdue_at(now),
        )


class ReportDetail(ReportSummary):
    """Everything the handling office (or the reporter) may see."""

    description: str
    attributes: dict[str, Any]
    region_code: str | None
    lat: float | None
    long: float | None
    address: str | None
    is_public: bool
    anonymous: bool
    contact_name: str | None
    contact_email: str | None
    contact_phone: str | None
    photos: list[PhotoPublic]
    transitions: list[TransitionPublic]
    forwards: list[ForwardPublic]
    closed_at: datetime | None
    verified_at: datetime | None
    verified_by_id: int | None
    rating_score: int | None
    rating_comment: str | None

    @classmethod
    def of(cls, report: Report, *, now: datetime, hide_reporter: bool = False) -> ReportDetail:
        """Build the detail view; `hide_reporter` blanks the contact of anonymous reports."""
        hidden = hide_reporter and report.anonymous
        return cls(
            **ReportSummary.of(report, now=now).model_dump(),
            description=report.description,
            attributes=report.attributes,
            region_code=report.region_code,
            lat=report.lat,
            long=report.long,
            address=report.address,
            is_public=report.is_public,
            anonymous=report.anonymous,
            contact_name=None if hidden else report.contact_name,
            contact_email=None if hidden else report.contact_email,
            contact_phone=None if hidden else report.contact_phone,
            photos=[PhotoPublic.model_validate(p) for p in report.photos],
            transitions=[TransitionPublic.model_validate(t) for t in report.transitions],
            forwards=[ForwardPublic.model_validate(f) for f in report.forwards],
            closed_at=report.closed_at,
            verified_at=report.verified_at,
            verified_by_id=report.verified_by_id,
            rating_score=report.rating_score,
            rating_comment=report.rating_comment,
        )


class TransitionCreate(BaseModel):
    """Move a report to another status; a note is required for Koordinasi and Ditolak.

    Koordinasi may hand the report to another agency (`agency_code`, optionally with a
    `region_code`); Disposisi may hand it down to a region below the current one
    (`region_code`) and optionally to another agency.
    """

    to_status: ReportStatus
    note: Annotated[str | None, Field(max_length=2000)] = None
    note_public: bool = False
    agency_code: Annotated[str | None, Field(max_length=64)] = None
    region_code: Annotated[str | None, Field(max_length=64)] = None


class RatingCreate(BaseModel):
    """The reporter's rating of the follow-up."""

    score: Annotated[int, Field(ge=1, le=5)]
    comment: Annotated[str | None, Field(max_length=2000)] = None
    access_code: str | None = None
