"""Open311 GeoReport v2: discovery, services, service definitions, requests and tokens."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.api.deps import (
    CatalogueDep,
    IdempotencyKeyDep,
    LookupLimit,
    ProfileDep,
    SessionDep,
    SettingsDep,
    StorageDep,
)
from app.api.open311 import Open311Error, check_format, media_type, render, respond
from app.api.recent import RecentBodies
from app.core.config import Settings
from app.core.errors import AppError
from app.core.profile import Profile
from app.core.ratelimit import RateLimits
from app.core.security import hash_secret
from app.domain.catalogue import checked_service, filter_services, get_service, localise
from app.domain.catalogue_cache import Snapshot
from app.domain.reports import FiledReport, NewReport, file_report, public_place
from app.domain.storage import Storage
from app.domain.workflow import CLOSED_STATUSES, OPEN_STATUSES
from app.models import ApiKey, Report, ReportPhoto, ReportTransition, Service, utcnow
from app.web.i18n import Translator

router = APIRouter(tags=["open311"])

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2025-05-01T00:00:00Z"
MAX_REQUESTS = 1000
MAX_FORM_FIELDS = 200
MAX_WINDOW = timedelta(days=90)  # the spec's longest start_date..end_date span
# what a listed request shows, read as plain rows (in the order _request_docs unpacks them)
LIST_COLUMNS = (
    Report.id,
    Report.tracking_number,
    Report.status,
    Report.service_code,
    Report.description,
    Report.is_public,
    Report.exact_location_public,
    Report.lat,
    Report.long,
    Report.address,
    Report.region_code,
    Report.media_url,
    Report.handling_agency_code,
    Report.created_at,
    Report.updated_at,
    Report.due_at,
)
# Building a page of up to 1,000 requests is CPU-bound (one core per process): a few at a time
# answer as fast as all at once, and a process never holds many such pages in memory together.
_LIST_SLOTS = threading.BoundedSemaphore(2)
_ATTRIBUTE_FIELD = re.compile(r"^attribute\[([^\]]+)\](?:\[\])?$")
_DATATYPE_DESCRIPTIONS = {
    "string": {"id": "Teks singkat", "en": "Short text"},
    "text": {"id": "Teks panjang", "en": "Long text"},
    "number": {"id": "Angka", "en": "A number"},
    "datetime": {"id": "Tanggal dan waktu ISO 8601", "en": "ISO 8601 date and time"},
    "singlevaluelist": {"id": "Pilih satu nilai", "en": "Choose one value"},
    "multivaluelist": {"id": "Pilih satu atau lebih nilai", "en": "Choose one or more values"},
}


def _lang(request: Request) -> str:
    """`?lang=`, else the first of `id` / `en` in Accept-Language, else Indonesian."""
    asked = request.query_params.get("lang")
    if asked in ("id", "en"):
        return asked
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower().split("-")[0]
        if tag in ("id", "en"):
            return tag
    return "id"


def _error_text(request: Request, error: AppError) -> str:
    """The message of `error` in the client's language."""
    translate = Translator(_lang(request))
    return error.text(translate, known=translate.has)


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _service_doc(service: Service, lang: str) -> dict[str, Any]:
    return {
        "service_code": service.code,
        "service_name": localise(service.name, lang),
        "description": localise(service.description, lang),
        "metadata": bool(service.attributes),
        "type": "realtime",
        "keywords": ",".join(service.keywords),
        "group": localise(service.group.name, lang),
    }


def _attribute_doc(attribute: dict[str, Any], lang: str) -> dict[str, Any]:
    return {
        "variable": True,
        "code": attribute["code"],
        "datatype": attribute["datatype"],
        "required": bool(attribute.get("required")),
        "datatype_description": _DATATYPE_DESCRIPTIONS[attribute["datatype"]][lang],
        "order": attribute.get("order", 0),
        "description": localise(attribute["description"], lang),
        "values": [
            {"key": value["key"], "name": localise(value["name"], lang)}
            for value in attribute.get("values", [])
        ],
    }


class PhotoUrls:
    """Public photo URLs built from one `url_for` (it is slow to call per report of a list)."""

    _NUMBER, _PHOTO = "NUMBER-0", 987654321

    def __init__(self, request: Request) -> None:
        self.pattern = str(
            request.url_for("read_photo_public", number=self._NUMBER, photo_id=self._PHOTO)
        )

    def __call__(self, number: str, photo_id: int) -> str:
        """The URL of photo `photo_id` of report `number` (numbers are URL-safe)."""
        return self.pattern.replace(str(self._PHOTO), str(photo_id)).replace(self._NUMBER, number)


@router.get("/discovery.{fmt}")
def discovery(request: Request, profile: ProfileDep, settings: SettingsDep, fmt: str) -> Response:
    """Where the endpoint is and which formats it speaks."""
    check_format(fmt)
    base = str(request.url_for("discovery", fmt=fmt)).rsplit("/", 1)[0] + "/"
    contact = settings.open311_contact or (
        f"https://{profile.app.domain}" if profile.app.domain else profile.app.name
    )
    document = {
        "changeset": CHANGESET,
        "contact": contact,
        "key_service": f"API keys are issued by the {profile.app.name} administrators.",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", document)


def _cached(snapshot: Snapshot, key: tuple[str, ...], build: Callable[[], Response]) -> Response:
    """A copy of the response `build` makes, built once per catalogue version."""
    body, status_code, media_type = snapshot.derived(("open311", *key), lambda: _parts(build()))
    return Response(body, status_code, media_type=media_type)


def _parts(response: Response) -> tuple[bytes, int, str | None]:
    return bytes(response.body), response.status_code, response.media_type


@router.get("/services.{fmt}")
async def services(request: Request, catalogue: CatalogueDep, fmt: str) -> Response:
    """Every service that accepts requests."""
    check_format(fmt)
    lang = _lang(request)

    def build() -> Response:
        requestable = filter_services(catalogue.services, requestable=True)
        return respond(fmt, "services", [_service_doc(s, lang) for s in requestable])

    return _cached(catalogue, ("services", fmt, lang), build)


@router.get("/services/{service_code}.{fmt}")
async def service_definition(
    request: Request, catalogue: CatalogueDep, service_code: str, fmt: str
) -> Response:
    """The attributes a request for one service carries."""
    check_format(fmt)
    lang = _lang(request)
    try:
        service = checked_service(
            catalogue.by_code.get(service_code), service_code, requestable=True
        )
    except AppError as error:
        raise Open311Error(error.status_code, _error_text(request, error), fmt) from None

    def build() -> Response:
        attributes = sorted(service.attributes, key=lambda item: item.get("order", 0))
        document = {
            "service_code": service.code,
            "attributes": [_attribute_doc(a, lang) for a in attributes],
        }
        return respond(fmt, "service_definition", document)

    return _cached(catalogue, ("definition", service.code, fmt, lang), build)


def _float(value: str | None, name: str, fmt: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except ValueError:
        raise Open311Error(400, f"{name} must be a decimal number, not {value!r}.", fmt) from None


def _file_request(
    session: Session,
    form: dict[str, list[str]],
    *,
    fmt: str,
    settings: Settings,
    profile: Profile,
    storage: Storage,
    limits: RateLimits,
    idempotency: str | None,
    lang: str = "id",
) -> FiledReport:
    def one(name: str) -> str | None:
        values = form.get(name)
        return values[0].strip() if values and values[0].strip() else None

    api_key = one("api_key")
    if api_key is None:
        raise Open311Error(403, "api_key is required to submit a service request.", fmt)
    key = session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_secret(api_key)))
    if key is None or not key.active:
        raise Open311Error(403, "The api_key is not valid.", fmt)
    limits.hit("open311_post", str(key.id))
    service_code = one("service_code")
    if service_code is None:
        raise Open311Error(400, "service_code is required.", fmt)
    try:
        # the spec answers 404 for an unknown service only; anything else is a 400
        get_service(session, service_code, requestable=True)
    except AppError as error:
        raise Open311Error(error.status_code, error.message, fmt) from None
    lat, long = _float(one("lat"), "lat", fmt), _float(one("long"), "long", fmt)
    address_id = one("address_id")
    if lat is None and one("address_string") is None and address_id is None:
        raise Open311Error(
            400, "A location is required: lat/long, address_string or address_id.", fmt
        )
    attributes: dict[str, str | list[str]] = {}
    for name, values in form.items():
        match = _ATTRIBUTE_FIELD.match(name)
        if match:
            attributes[match.group(1)] = (
                values if name.endswith("[]") or len(values) > 1 else values[0]
            )
    names = [one("first_name"), one("last_name")]
    data = NewReport(
        service_code=service_code,
        description=one("description") or "",
        region_code=address_id,
        lat=lat,
        long=long,
        address=one("address_string"),
        attributes=attributes,
        media_url=one("media_url"),
        contact_name=" ".join(n for n in names if n) or None,
        contact_email=one("email"),
        contact_phone=one("phone"),
        source="open311",
        api_key_id=key.id,
        idempotency_key=idempotency,
        idempotency_scope=f"open311:{key.id}",
    )
    try:
        return file_report(session, data, settings=settings, profile=profile, storage=storage)
    except AppError as error:
        translate = Translator(lang)
        raise Open311Error(400, error.text(translate, known=translate.has), fmt) from None


async def read_form(request: Request) -> dict[str, list[str]]:
    """The posted form's text fields (files are not part of Open311 requests)."""
    form_data = await request.form(max_files=0, max_fields=MAX_FORM_FIELDS)
    return {name: [str(v) for v in form_data.getlist(name)] for name in form_data}


FormDep = Annotated[dict[str, list[str]], Depends(read_form)]


@router.post("/requests.{fmt}")
def create_request(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    profile: ProfileDep,
    storage: StorageDep,
    form: FormDep,
    idempotency: IdempotencyKeyDep,
    fmt: str,
) -> Response:
    """Submit a service request (form-encoded, api_key required)."""
    check_format(fmt)
    filed = _file_request(
        session,
        form,
        fmt=fmt,
        settings=settings,
        profile=profile,
        storage=storage,
        limits=request.app.state.limits,
        idempotency=idempotency,
        lang=_lang(request),
    )
    report = filed.report
    translate = Translator(_lang(request))
    notice = translate(
        "open311.notice_forwarded" if report.outside_authority else "open311.notice_handled",
        agency=report.handling_agency.name,
    )
    # every service is `realtime`: the answer carries the request id and no token (the spec
    # gives one or the other)
    document = [
        {
            "service_request_id": report.tracking_number,
            "service_notice": notice,
            "account_id": None,
        }
    ]
    answer = respond(fmt, "service_requests", document, status_code=201)
    if filed.replayed:
        answer.headers["Idempotent-Replayed"] = "true"
    return answer


def _parse_datetime(value: str, name: str, *, fmt: str, timezone: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise Open311Error(400, f"{name} must be a W3C date-time, not {value!r}.", fmt) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=ZoneInfo(timezone))


def _date_range(params: Any, *, fmt: str, timezone: str) -> tuple[datetime | None, datetime | None]:
    """start_date and end_date: one alone opens a 90-day window; a range spans 90 days at most."""
    start = end = None
    if params.get("start_date"):
        start = _parse_datetime(params["start_date"], "start_date", fmt=fmt, timezone=timezone)
    if params.get("end_date"):
        end = _parse_datetime(params["end_date"], "end_date", fmt=fmt, timezone=timezone)
    if start is not None and end is not None:
        if end < start:
            raise Open311Error(400, "end_date must not be before start_date.", fmt)
        if end - start > MAX_WINDOW:
            raise Open311Error(
                400,
                f"start_date and end_date may not span more than {MAX_WINDOW.days} days; "
                "ask for a shorter range.",
                fmt,
            )
        return start, end
    if start is not None:
        return start, start + MAX_WINDOW
    if end is not None:
        return end - MAX_WINDOW, end
    return utcnow() - MAX_WINDOW, None


def _request_filter(params: Any, *, fmt: str, timezone: str) -> list[ColumnElement[bool]]:
    """The conditions of a request list: ids, or public reports by service, status and dates."""
    ids = [i.strip().upper() for i in params.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        return [Report.tracking_number.in_(ids[:MAX_REQUESTS])]
    # a list shows public reports only; a private one is found by its number alone
    where = [Report.is_public.is_(True)]
    codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
    if codes:
        where.append(Report.service_code.in_(codes))
    statuses = [s.strip() for s in params.get("status", "").split(",") if s.strip()]
    unknown = sorted(set(statuses) - {"open", "closed"})
    if unknown:
        raise Open311Error(400, f"status must be open or closed, not {unknown[0]!r}.", fmt)
    if statuses and set(statuses) != {"open", "closed"}:
        wanted = OPEN_STATUSES if statuses[0] == "open" else CLOSED_STATUSES
        where.append(Report.status.in_(sorted(wanted)))
    start, end = _date_range(params, fmt=fmt, timezone=timezone)
    if start is not None:
        where.append(Report.created_at >= start)
    if end is not None:
        where.append(Report.created_at <= end)
    return where


@router.get("/requests.{fmt}")
async def list_requests(
    request: Request, catalogue: CatalogueDep, profile: ProfileDep, fmt: str
) -> Response:
    """Requests filtered by id list, service code, status and dates (default: last 90 days).

    A constant number of queries whatever the number of reports: the reports' columns (no ORM
    objects), then their first photos and their latest notes in one query each; service and
    agency names come from the catalogue. The same list asked for again within a moment comes
    from `RecentBodies` (until a report changes) without leaving the event loop.
    """
    check_format(fmt)
    timezone = profile.province.timezone
    where = _request_filter(request.query_params, fmt=fmt, timezone=timezone)
    lang = _lang(request)
    query = tuple(sorted(request.query_params.multi_items()))
    key = ("requests", fmt, lang, str(request.base_url), catalogue.version, query)
    recent: RecentBodies = request.app.state.recent_lists

    def build() -> bytes:
        with _LIST_SLOTS, request.app.state.sessionmaker() as session:
            docs = _request_docs(
                session,
                catalogue,
                where,
                lang=lang,
                photo_url=PhotoUrls(request),
                timezone=timezone,
            )
        return render(fmt, "service_requests", docs)

    return Response(await recent.answer(key, build), media_type=media_type(fmt))


def _request_docs(
    session: Session,
    catalogue: Snapshot,
    where: list[ColumnElement[bool]],
    *,
    lang: str,
    photo_url: PhotoUrls,
    timezone: str,
) -> list[dict[str, Any]]:
    """Service requests, newest first (at most MAX_REQUESTS); private ones show status and dates.

    This loop builds up to 1,000 documents per call: it reads plain rows and calls nothing per
    report but the date formatting and the public-place rule.
    """
    stmt = (
        select(*LIST_COLUMNS)
        .where(*where)
        .order_by(Report.created_at.desc(), Report.id.desc())
        .limit(MAX_REQUESTS)
    )
    rows = session.connection().execute(stmt).all()
    photos, notes = _photos_and_notes(session, [row[0] for row in rows])
    zone = _zone(timezone)
    service_names = catalogue.derived(
        ("service-names", lang),
        lambda: {code: localise(name, lang) for code, name in catalogue.service_names.items()},
    )
    agency_names = catalogue.agency_names

    def iso(value: datetime) -> str:
        return value.astimezone(zone).isoformat(timespec="seconds")

    docs = []
    for (
        report_id,
        number,
        status,
        service_code,
        description,
        public,
        exact,
        lat,
        long,
        address,
        region_code,
        media_url,
        agency_code,
        created,
        updated,
        due,
    ) in rows:
        if public:
            lat, long, address = public_place(lat, long, address, exact=exact)
        photo = photos.get(report_id)
        docs.append(
            {
                "service_request_id": number,
                "status": "closed" if status in CLOSED_STATUSES else "open",
                "status_notes": notes.get(report_id) if public else None,
                "service_name": service_names.get(service_code, ""),
                "service_code": service_code,
                "description": description if public else None,
                "agency_responsible": agency_names.get(agency_code, ""),
                "service_notice": None,
                "requested_datetime": iso(created),
                "updated_datetime": iso(updated),
                "expected_datetime": iso(due) if due else None,
                "address": address if public else None,
                "address_id": region_code if public else None,
                "zipcode": None,
                "lat": lat if public else None,
                "long": long if public else None,
                "media_url": (
                    (photo_url(number, photo) if photo is not None else media_url)
                    if public
                    else None
                ),
            }
        )
    return docs


def _photos_and_notes(
    session: Session, report_ids: list[int]
) -> tuple[dict[int, int], dict[int, str]]:
    """First photo id and latest public transition note per report: one query each."""
    if not report_ids:
        return {}, {}
    first_photos = (
        select(ReportPhoto.report_id, func.min(ReportPhoto.id))
        .where(ReportPhoto.report_id.in_(report_ids))
        .group_by(ReportPhoto.report_id)
    )
    latest = (
        select(func.max(ReportTransition.id))
        .where(
            ReportTransition.report_id.in_(report_ids),
            ReportTransition.note.is_not(None),
            ReportTransition.note_public.is_(True),
        )
        .group_by(ReportTransition.report_id)
    )
    notes = select(ReportTransition.report_id, ReportTransition.note).where(
        ReportTransition.id.in_(latest.scalar_subquery())
    )
    connection = session.connection()
    return (
        dict(connection.execute(first_photos).all()),
        dict(connection.execute(notes).all()),
    )


@router.get("/requests/{request_id}.{fmt}", dependencies=[LookupLimit])
def read_request(
    request: Request,
    session: SessionDep,
    catalogue: CatalogueDep,
    profile: ProfileDep,
    request_id: str,
    fmt: str,
) -> Response:
    """One request (a private one too: its number is its key)."""
    check_format(fmt)
    docs = _request_docs(
        session,
        catalogue,
        [Report.tracking_number == request_id.strip().upper()],
        lang=_lang(request),
        photo_url=PhotoUrls(request),
        timezone=profile.province.timezone,
    )
    if not docs:
        raise Open311Error(404, f"Service request {request_id!r} does not exist.", fmt)
    return respond(fmt, "service_requests", docs)


@router.get("/tokens/{token}.{fmt}", dependencies=[LookupLimit])
def read_token(session: SessionDep, token: str, fmt: str) -> Response:
    """The service request id behind a submission token."""
    check_format(fmt)
    report = session.scalar(select(Report).where(Report.token == token))
    if report is None:
        raise Open311Error(404, f"Token {token!r} does not exist.", fmt)
    return respond(
        fmt, "service_requests", [{"service_request_id": report.tracking_number, "token": token}]
    )
