"""Filing reports (validation, routing, SLA, photos, forwarding) and officers' views of them."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.errors import ConflictError, ForbiddenError, InvalidError, NotFoundError
from app.core.profile import Profile
from app.core.security import hash_secret, new_secret
from app.domain import regions
from app.domain.attributes import attribute_summary, validate_attributes
from app.domain.catalogue import get_service
from app.domain.changes import Watch
from app.domain.sla import add_working_days
from app.domain.storage import Storage
from app.domain.tracking import new_tracking_number, tracking_prefix
from app.domain.uploads import EXTENSIONS, clean_photo
from app.domain.workflow import OPEN_STATUSES, forward_record, record_transition
from app.models import (
    Agency,
    Citizen,
    Officer,
    Region,
    Report,
    ReportPhoto,
    ReportSource,
    ReportStatus,
    ReportTransition,
    Service,
    utcnow,
)
from app.outbox import events

MAX_DESCRIPTION = 5000
PUBLIC_COORDINATE_DECIMALS = 3  # 0.001 degree: about 110 m
# Channels where a reporter who is not logged in must leave a contact (Open311 clients are
# identified by their API key instead).
GUEST_CONTACT_SOURCES: frozenset[ReportSource] = frozenset({ReportSource.API, ReportSource.WEB})
# what public report lists show: a committed change to one of these makes cached lists stale
REPORT_LISTS = Watch("report lists", (Report, ReportTransition, ReportPhoto))


@dataclass(frozen=True)
class Route:
    """The handling unit of a report: an agency in a region."""

    agency: Agency
    region: Region
    outside_authority: bool


@dataclass
class NewReport:
    """Everything a reporter submits."""

    service_code: str
    description: str
    region_code: str | None = None
    lat: float | None = None
    long: float | None = None
    address: str | None = None
    attributes: dict[str, str | list[str]] = field(default_factory=dict)
    photos: list[tuple[str, bytes]] = field(default_factory=list)
    media_url: str | None = None
    is_public: bool = False
    exact_location_public: bool = False
    anonymous: bool = False
    citizen: Citizen | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    source: str = ReportSource.API
    api_key_id: int | None = None
    # a client's Idempotency-Key and whose it is (API key, citizen or guests)
    idempotency_key: str | None = None
    idempotency_scope: str | None = None

    def fingerprint(self) -> str:
        """A digest of everything submitted: a retry must send the same."""
        content = {
            name: getattr(self, name)
            for name in (
                "service_code",
                "description",
                "region_code",
                "lat",
                "long",
                "address",
                "attributes",
                "media_url",
                "is_public",
                "exact_location_public",
                "anonymous",
                "contact_name",
                "contact_email",
                "contact_phone",
                "source",
                "api_key_id",
            )
        }
        content["citizen"] = self.citizen.id if self.citizen else None
        content["photos"] = [hashlib.sha256(data).hexdigest() for _, data in self.photos]
        canonical = json.dumps(content, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class FiledReport:
    """A stored report and, for guest reports, the access code shown to the reporter once.

    `replayed` is true when an Idempotency-Key matched a report filed before: the same report
    is answered again (a guest gets a fresh access code, the first answer may have been lost).
    """

    report: Report
    access_code: str | None
    replayed: bool = False


def _replay(session: Session, data: NewReport, fingerprint: str) -> FiledReport | None:
    """The earlier report filed with the same Idempotency-Key, or None."""
    if data.idempotency_key is None:
        return None
    report = session.scalar(
        select(Report).where(
            Report.idempotency_scope == data.idempotency_scope,
            Report.idempotency_key == data.idempotency_key,
        )
    )
    if report is None:
        return None
    if report.idempotency_fingerprint != fingerprint:
        raise InvalidError(
            "This Idempotency-Key was already used for a different report; "
            "use a new key for a new report."
        )
    access_code = None
    if report.access_code_hash is not None:
        access_code = new_secret(9)
        report.access_code_hash = hash_secret(access_code)
        session.commit()
    return FiledReport(report=report, access_code=access_code, replayed=True)


def route(session: Session, service: Service, *, location: Region | None, province: str) -> Route:
    """Agency = the service's agency; region = the location's ancestor at the service's level.

    Without a known location the report goes to the province. Services of an external agency
    are outside the province's authority: they are routed the same way and then forwarded.
    """
    agency = service.agency
    if location is None:
        region = regions.get_region(session, province)
    else:
        region = regions.ancestor_at_level(session, location, level=regions.LEVELS[service.level])
    return Route(agency=agency, region=region, outside_authority=agency.external)


def _check_location(session: Session, data: NewReport, province: str) -> Region | None:
    if (data.lat is None) != (data.long is None):
        raise InvalidError("Give both lat and long, or neither.", key="lat_long_pair")
    if data.lat is not None and not -90 <= data.lat <= 90:
        raise InvalidError("lat must be between -90 and 90.", key="lat_range")
    if data.long is not None and not -180 <= data.long <= 180:
        raise InvalidError("long must be between -180 and 180.", key="long_range")
    location = None
    if data.region_code:
        location = regions.get_region(session, data.region_code)
        if not regions.contains(province, location.code):
            raise InvalidError(
                f"Region {location.code!r} is outside this province.",
                key="region_outside",
                code=location.code,
            )
    if location is None and data.lat is None and not (data.address and data.address.strip()):
        raise InvalidError(
            "A location is required: a village code, lat/long or an address.",
            key="location_required",
        )
    return location


def _check_reporter(data: NewReport) -> None:
    if data.source not in set(ReportSource):
        options = ", ".join(s.value for s in ReportSource)
        raise InvalidError(f"Unknown report source {data.source!r}; use one of: {options}.")
    if (
        data.source in GUEST_CONTACT_SOURCES
        and data.citizen is None
        and not (data.contact_email or data.contact_phone)
    ):
        raise InvalidError(
            "Log in, or give a contact e-mail or phone number so the office can reach you.",
            key="contact_required",
        )


def _unique_tracking_number(session: Session, prefix: str, year: int) -> str:
    while True:
        number = new_tracking_number(prefix, year)
        if session.scalar(select(Report.id).where(Report.tracking_number == number)) is None:
            return number


def file_report(
    session: Session,
    data: NewReport,
    *,
    settings: Settings,
    profile: Profile,
    storage: Storage,
    now: datetime | None = None,
) -> FiledReport:
    """Validate, route and store a new report (status Menunggu) with its photos."""
    now = now or utcnow()
    fingerprint = data.fingerprint()
    replayed = _replay(session, data, fingerprint)
    if replayed is not None:
        return replayed
    service = get_service(session, data.service_code, requestable=True)
    description = data.description.strip()
    # Open311 makes the description optional: the service's attributes may carry the report
    if not description and not (service.attributes and data.attributes):
        raise InvalidError("A description is required.", key="description_required")
    if len(description) > MAX_DESCRIPTION:
        raise InvalidError(
            f"The description is longer than {MAX_DESCRIPTION} characters.",
            key="description_long",
            limit=MAX_DESCRIPTION,
        )
    location = _check_location(session, data, profile.province.code)
    _check_reporter(data)
    if len(data.photos) > settings.max_photos:
        raise InvalidError(
            f"At most {settings.max_photos} photos can be attached to a report.",
            key="too_many_photos",
            limit=settings.max_photos,
        )
    photos = [
        clean_photo(
            content,
            filename=name,
            max_bytes=settings.upload_max_bytes,
            max_pixels=settings.upload_max_pixels,
            max_side=settings.photo_max_side,
        )
        for name, content in data.photos
    ]
    attributes = validate_attributes(service.attributes, data.attributes)
    if not description:
        description = attribute_summary(service.attributes, attributes)[:MAX_DESCRIPTION]
        if not description:
            raise InvalidError("A description is required.")
    handling = route(session, service, location=location, province=profile.province.code)
    prefix = tracking_prefix(profile.app.slug, settings.tracking_prefix)
    access_code = None if data.citizen else new_secret(9)
    report = Report(
        tracking_number=_unique_tracking_number(session, prefix, now.year),
        token=secrets.token_hex(16),
        service_code=service.code,
        description=description,
        attributes=attributes,
        region_code=location.code if location else None,
        lat=data.lat,
        long=data.long,
        address=(data.address or "").strip() or None,
        media_url=data.media_url,
        handling_agency_code=handling.agency.code,
        # loaded already: the answer after commit needs no further query
        service=service,
        handling_agency=handling.agency,
        handling_region_code=handling.region.code,
        outside_authority=handling.outside_authority,
        is_public=data.is_public,
        exact_location_public=data.exact_location_public,
        anonymous=data.anonymous,
        citizen_id=data.citizen.id if data.citizen else None,
        contact_name=data.contact_name,
        contact_email=data.contact_email,
        contact_phone=data.contact_phone,
        access_code_hash=hash_secret(access_code) if access_code else None,
        source=ReportSource(data.source).value,
        api_key_id=data.api_key_id,
        created_at=now,
        updated_at=now,
        due_at=add_working_days(now, service.sla_days, timezone=profile.province.timezone),
        idempotency_scope=data.idempotency_scope if data.idempotency_key else None,
        idempotency_key=data.idempotency_key,
        idempotency_fingerprint=fingerprint if data.idempotency_key else None,
    )
    record_transition(report, ReportStatus.MENUNGGU, note=None, actor="reporter")
    report.transitions[0].created_at = now
    report.updated_at = now
    if handling.outside_authority:
        report.forwards.append(forward_record(handling.agency, now=now))
    saved: list[str] = []
    try:
        for index, (media_type, content) in enumerate(photos, start=1):
            key = f"reports/{report.tracking_number}/{index}.{EXTENSIONS[media_type]}"
            saved.append(key)  # before the write: a half-written file is cleaned up too
            storage.save(key, content, content_type=media_type)
            report.photos.append(
                ReportPhoto(storage_key=key, content_type=media_type, size=len(content))
            )
        session.add(report)
        events.report_filed(session, report)
        session.commit()
    except Exception as error:
        session.rollback()
        for key in saved:
            storage.delete(key)
        if isinstance(error, IntegrityError) and data.idempotency_key:
            # the same key was filed concurrently: answer with that report
            replayed = _replay(session, data, fingerprint)
            if replayed is not None:
                return replayed
        raise
    return FiledReport(report=report, access_code=access_code)


@dataclass(frozen=True)
class PublicLocation:
    """Where a public report is, as anyone may see it."""

    lat: float | None
    long: float | None
    address: str | None


def public_place(
    lat: float | None, long: float | None, address: str | None, *, exact: bool
) -> tuple[float | None, float | None, str | None]:
    """Coordinates rounded to about 100 m and no street address, unless the reporter allowed."""
    if exact:
        return lat, long, address
    return (
        None if lat is None else round(lat, PUBLIC_COORDINATE_DECIMALS),
        None if long is None else round(long, PUBLIC_COORDINATE_DECIMALS),
        None,
    )


def public_location(report: Report) -> PublicLocation:
    """Where a public report is, as anyone may see it (see `public_place`)."""
    exact = report.exact_location_public
    return PublicLocation(*public_place(report.lat, report.long, report.address, exact=exact))


def get_by_number(session: Session, number: str) -> Report:
    """The report with tracking number `number`; NotFoundError otherwise."""
    report = session.scalar(select(Report).where(Report.tracking_number == number.strip().upper()))
    if report is None:
        raise NotFoundError(
            f"No report has tracking number {number!r}.", key="no_report", number=number
        )
    return report


def officer_can_see(officer: Officer, report: Report) -> bool:
    """Handling region inside the officer's region and, for agency officers, their agency."""
    if not regions.contains(officer.region_code, report.handling_region_code):
        return False
    return officer.agency_code is None or officer.agency_code == report.handling_agency_code


def visible_reports(officer: Officer) -> Select[tuple[Report]]:
    """SELECT of the reports `officer` may see and act on."""
    stmt = select(Report).where(
        regions.contains_clause(officer.region_code, Report.handling_region_code)
    )
    if officer.agency_code is not None:
        stmt = stmt.where(Report.handling_agency_code == officer.agency_code)
    return stmt


def get_for_officer(session: Session, officer: Officer, *, number: str) -> Report:
    """A report the officer may see; reports outside their scope look absent (404)."""
    report = get_by_number(session, number)
    if not officer_can_see(officer, report):
        raise NotFoundError(f"No report has tracking number {number!r} in your area.")
    return report


def list_for_officer(
    session: Session,
    officer: Officer,
    *,
    status: ReportStatus | None = None,
    overdue: bool | None = None,
    service_code: str | None = None,
    number: str | None = None,
    now: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Report]:
    """Reports in the officer's scope, newest first, optionally only overdue ones.

    `number` keeps the reports whose tracking number starts with it (any letter case).
    """
    now = now or utcnow()
    stmt = visible_reports(officer)
    if number:
        stmt = stmt.where(Report.tracking_number.startswith(number.upper(), autoescape=True))
    if status is not None:
        stmt = stmt.where(Report.status == status)
    if service_code:
        stmt = stmt.where(Report.service_code == service_code)
    if overdue is True:
        stmt = stmt.where(Report.status.in_(OPEN_STATUSES), Report.due_at < now)
    elif overdue is False:
        stmt = stmt.where(~(Report.status.in_(OPEN_STATUSES) & (Report.due_at < now)))
    stmt = stmt.order_by(Report.created_at.desc(), Report.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(stmt).unique())


def check_reporter(report: Report, *, citizen: Citizen | None, access_code: str | None) -> None:
    """The caller is the report's citizen, or holds the guest access code."""
    if citizen is not None and report.citizen_id == citizen.id:
        return
    if (
        access_code
        and report.access_code_hash
        and secrets.compare_digest(report.access_code_hash, hash_secret(access_code))
    ):
        return
    raise ForbiddenError(
        "Only the reporter can do this (log in or give the access code).", key="only_reporter"
    )


def rate(report: Report, *, score: int, comment: str | None, now: datetime | None = None) -> Report:
    """Record the reporter's rating once, only after Selesai."""
    if report.status != ReportStatus.SELESAI:
        raise ConflictError(
            f"A report can be rated only once it is Selesai; this one is {report.status.value}.",
            key="rate_not_finished",
            status=report.status.value,
        )
    if report.rated_at is not None:
        raise ConflictError("This report has already been rated.", key="already_rated")
    if not 1 <= score <= 5:
        raise InvalidError("The score must be between 1 and 5.", key="score_range")
    report.rating_score = score
    report.rating_comment = (comment or "").strip() or None
    report.rated_at = now or utcnow()
    return report
