"""Open311 GeoReport v2: discovery, services, service definitions, requests and tokens."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api.deps import (
    IdempotencyKeyDep,
    LookupLimit,
    ProfileDep,
    SessionDep,
    SettingsDep,
    StorageDep,
)
from app.api.open311 import Open311Error, check_format, respond
from app.core.config import Settings
from app.core.errors import AppError
from app.core.profile import Profile
from app.core.ratelimit import RateLimits
from app.core.security import hash_secret
from app.domain.catalogue import get_service, list_services, localise
from app.domain.reports import FiledReport, NewReport, file_report, public_location
from app.domain.storage import Storage
from app.domain.workflow import CLOSED_STATUSES, OPEN_STATUSES
from app.models import ApiKey, Report, Service, utcnow
from app.web.i18n import Translator

router = APIRouter(tags=["open311"])

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2025-05-01T00:00:00Z"
MAX_REQUESTS = 1000
MAX_FORM_FIELDS = 200
DEFAULT_WINDOW = timedelta(days=90)
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


def _iso(value: datetime | None, timezone: str) -> str | None:
    return value.astimezone(ZoneInfo(timezone)).isoformat(timespec="seconds") if value else None


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


def _request_doc(report: Report, *, request: Request, timezone: str, lang: str) -> dict[str, Any]:
    """A service request; private reports show status and dates but no content or place."""
    public = report.is_public
    place = public_location(report)
    media_url = report.media_url
    if report.photos:
        media_url = str(
            request.url_for(
                "read_photo_public", number=report.tracking_number, photo_id=report.photos[0].id
            )
        )
    notes = [t.note for t in report.transitions if t.note and t.note_public]
    return {
        "service_request_id": report.tracking_number,
        "status": "closed" if report.status in CLOSED_STATUSES else "open",
        "status_notes": notes[-1] if public and notes else None,
        "service_name": localise(report.service.name, lang),
        "service_code": report.service_code,
        "description": report.description if public else None,
        "agency_responsible": report.handling_agency.name,
        "service_notice": None,
        "requested_datetime": _iso(report.created_at, timezone),
        "updated_datetime": _iso(report.updated_at, timezone),
        "expected_datetime": _iso(report.due_at, timezone),
        "address": place.address if public else None,
        "address_id": report.region_code if public else None,
        "zipcode": None,
        "lat": place.lat if public else None,
        "long": place.long if public else None,
        "media_url": media_url if public else None,
    }


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


@router.get("/services.{fmt}")
def services(request: Request, session: SessionDep, fmt: str) -> Response:
    """Every service that accepts requests."""
    check_format(fmt)
    lang = _lang(request)
    docs = [_service_doc(s, lang) for s in list_services(session, requestable=True)]
    return respond(fmt, "services", docs)


@router.get("/services/{service_code}.{fmt}")
def service_definition(
    request: Request, session: SessionDep, service_code: str, fmt: str
) -> Response:
    """The attributes a request for one service carries."""
    check_format(fmt)
    lang = _lang(request)
    try:
        service = get_service(session, service_code, requestable=True)
    except AppError as error:
        raise Open311Error(error.status_code, _error_text(request, error), fmt) from None
    attributes = sorted(service.attributes, key=lambda item: item.get("order", 0))
    document = {
        "service_code": service.code,
        "attributes": [_attribute_doc(a, lang) for a in attributes],
    }
    return respond(fmt, "service_definition", document)


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
        raise Open311Error(400, "api_key is required to submit a service request.", fmt)
    key = session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_secret(api_key)))
    if key is None or not key.active:
        raise Open311Error(403, "The api_key is not valid.", fmt)
    limits.hit("open311_post", str(key.id))
    service_code = one("service_code")
    if service_code is None:
        raise Open311Error(400, "service_code is required.", fmt)
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
        status = 404 if error.status_code == 404 else 400
        translate = Translator(lang)
        raise Open311Error(status, error.text(translate, known=translate.has), fmt) from None


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
    document = [
        {
            "service_request_id": report.tracking_number,
            "token": report.token,
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


@router.get("/requests.{fmt}")
def list_requests(request: Request, session: SessionDep, profile: ProfileDep, fmt: str) -> Response:
    """Requests filtered by id list, service code, status and dates (default: last 90 days)."""
    check_format(fmt)
    params = request.query_params
    timezone = profile.province.timezone
    stmt = select(Report)
    ids = [i.strip().upper() for i in params.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        stmt = stmt.where(Report.tracking_number.in_(ids))
    else:
        # a list shows public reports only; a private one is found by its number alone
        stmt = stmt.where(Report.is_public.is_(True))
        codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
        if codes:
            stmt = stmt.where(Report.service_code.in_(codes))
        statuses = [s.strip() for s in params.get("status", "").split(",") if s.strip()]
        unknown = sorted(set(statuses) - {"open", "closed"})
        if unknown:
            raise Open311Error(400, f"status must be open or closed, not {unknown[0]!r}.", fmt)
        if statuses and set(statuses) != {"open", "closed"}:
            wanted = OPEN_STATUSES if statuses[0] == "open" else CLOSED_STATUSES
            stmt = stmt.where(Report.status.in_(wanted))
        if params.get("start_date"):
            start = _parse_datetime(params["start_date"], "start_date", fmt=fmt, timezone=timezone)
            stmt = stmt.where(Report.created_at >= start)
        if params.get("end_date"):
            end = _parse_datetime(params["end_date"], "end_date", fmt=fmt, timezone=timezone)
            stmt = stmt.where(Report.created_at <= end)
        if not params.get("start_date") and not params.get("end_date"):
            stmt = stmt.where(Report.created_at >= utcnow() - DEFAULT_WINDOW)
    stmt = stmt.order_by(Report.created_at.desc(), Report.id.desc()).limit(MAX_REQUESTS)
    lang = _lang(request)
    docs = [
        _request_doc(r, request=request, timezone=timezone, lang=lang)
        for r in session.scalars(stmt).unique()
    ]
    return respond(fmt, "service_requests", docs)


@router.get("/requests/{request_id}.{fmt}", dependencies=[LookupLimit])
def read_request(
    request: Request, session: SessionDep, profile: ProfileDep, request_id: str, fmt: str
) -> Response:
    """One request."""
    check_format(fmt)
    number = request_id.strip().upper()
    report = session.scalar(select(Report).where(Report.tracking_number == number))
    if report is None:
        raise Open311Error(404, f"Service request {request_id!r} does not exist.", fmt)
    doc = _request_doc(
        report, request=request, timezone=profile.province.timezone, lang=_lang(request)
    )
    return respond(fmt, "service_requests", [doc])


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
