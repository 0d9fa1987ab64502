"""The report flow: choose a service, fill its attributes, pick the place, attach photos, submit."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from app.api.deps import CatalogueDep, ReportLimit
from app.core.errors import AppError, InvalidError
from app.custom import hooks
from app.domain import regions
from app.domain.catalogue import filter_services, get_service
from app.domain.reports import NewReport, file_report
from app.models import Region, ReportSource, Service
from app.web.context import CheckedForm, Web, WebContext, WebRoute
from app.web.routes.home import by_group

router = APIRouter(route_class=WebRoute, include_in_schema=False)
logger = logging.getLogger(__name__)
LEVEL_FIELDS = {2: "regency", 3: "district", 4: "village"}
PLACE_RESULTS = 10


def sorted_attributes(service: Service) -> list[dict[str, Any]]:
    """The service's Open311 attributes in display order."""
    return sorted(service.attributes, key=lambda item: item.get("order", 0))


def place(session: Session, region: Region) -> dict[str, Any]:
    """A region with the names and codes of its ancestors below the province."""
    chain = [r for r in regions.ancestors(session, region) if r.level >= 2] + [region]
    return {
        "code": region.code,
        "name": region.name,
        "kind": region.kind,
        "level": region.level,
        "path": ", ".join(r.name for r in reversed(chain[:-1])),
        "chain": {LEVEL_FIELDS[r.level]: r.code for r in chain if r.level in LEVEL_FIELDS},
    }


def find_places(session: Session, query: str) -> list[dict[str, Any]]:
    """Regions below the province whose names match `query`, with their paths."""
    try:
        found = regions.search(session, query, limit=PLACE_RESULTS + 1)
    except InvalidError:
        return []
    return [place(session, r) for r in found if r.level >= 2][:PLACE_RESULTS]


def location_choices(web: WebContext, values: Any) -> dict[str, Any]:
    """Options of the regency, district and village lists for the chosen values."""
    session = web.session
    lists: dict[str, list[Region]] = {
        "regency": regions.children(session, web.profile.province.code),
        "district": [],
        "village": [],
    }
    chosen = {field: (values.get(field) or "") for field in LEVEL_FIELDS.values()}
    if chosen["regency"] in {r.code for r in lists["regency"]}:
        lists["district"] = regions.children(session, chosen["regency"])
    if chosen["district"] in {r.code for r in lists["district"]}:
        lists["village"] = regions.children(session, chosen["district"])
    query = (values.get("region_q") or "").strip()
    return {
        "lists": lists,
        "chosen": chosen,
        "region_q": query,
        "places": find_places(session, query) if query else None,
    }


def render_form(
    web: WebContext,
    service: Service,
    values: Any,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    """The report form of `service`, filled with `values`."""
    return web.render(
        "report_form.html",
        status_code=status_code,
        service=service,
        attributes=sorted_attributes(service),
        values=values,
        error=error,
        max_photos=web.settings.max_photos,
        max_megabytes=round(web.settings.upload_max_bytes / 1024 / 1024, 1),
        **location_choices(web, values),
    )


@router.get("/report")
def choose_service(
    web: Web, catalogue: CatalogueDep, q: Annotated[str | None, Query(max_length=100)] = None
) -> Response:
    """Step one: the services that take reports or applications."""
    query = (q or "").strip()
    found = filter_services(catalogue.services, query=query or None, requestable=True)
    return web.render("report_choose.html", sections=by_group(catalogue.groups, found), q=query)


@router.get("/report/places")
def search_places(web: Web, q: Annotated[str, Query(max_length=100)] = "") -> Response:
    """Region search for the location picker (JSON, with each result's path)."""
    return JSONResponse(find_places(web.session, q) if q.strip() else [])


@router.get("/report/{code}")
def report_form(web: Web, code: str) -> Response:
    """Step two: attributes, location, photos and contact, for one service."""
    service = get_service(web.session, code, requestable=True)
    return render_form(web, service, web.request.query_params)


def _text(form: Any, name: str) -> str | None:
    value = form.get(name)
    return value.strip() or None if isinstance(value, str) else None


def _float(form: Any, name: str) -> float | None:
    value = _text(form, name)
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        raise InvalidError(f"{name} must be a number, not {value!r}.") from None


def _attributes(service: Service, form: Any) -> dict[str, str | list[str]]:
    values: dict[str, str | list[str]] = {}
    for definition in service.attributes:
        name = f"attr.{definition['code']}"
        if definition["datatype"] == "multivaluelist":
            chosen = [v for v in form.getlist(name) if isinstance(v, str) and v]
            if chosen:
                values[definition["code"]] = chosen
        elif text := _text(form, name):
            values[definition["code"]] = text
    return values


def _photos(form: Any, limit: int) -> list[tuple[str, bytes]]:
    photos = []
    for item in form.getlist("photos"):
        if isinstance(item, UploadFile) and item.filename:
            content = item.file.read(limit + 1)
            if content:
                photos.append((item.filename, content))
    return photos


def _location(form: Any) -> str | None:
    for name in ("region_code", "village", "district", "regency"):
        if code := _text(form, name):
            return code
    return None


@router.post("/report/{code}", dependencies=[ReportLimit])
def submit_report(web: Web, code: str, form: CheckedForm) -> Response:
    """File the report with the domain rules, then show its tracking number."""
    service = get_service(web.session, code, requestable=True)
    citizen = web.citizen
    try:
        data = NewReport(
            service_code=service.code,
            description=_text(form, "description") or "",
            region_code=_location(form),
            lat=_float(form, "lat"),
            long=_float(form, "long"),
            address=_text(form, "address"),
            attributes=_attributes(service, form),
            photos=_photos(form, web.settings.upload_max_bytes),
            is_public=form.get("is_public") == "on",
            exact_location_public=form.get("exact_location_public") == "on",
            anonymous=form.get("anonymous") == "on",
            citizen=citizen,
            contact_name=_text(form, "contact_name") or (citizen.full_name if citizen else None),
            contact_email=_text(form, "contact_email") or (citizen.email if citizen else None),
            contact_phone=_text(form, "contact_phone") or (citizen.phone if citizen else None),
            source=ReportSource.WEB,
        )
        filed = file_report(
            web.session,
            data,
            settings=web.settings,
            profile=web.profile,
            storage=web.request.app.state.storage,
        )
    except AppError as error:
        web.session.rollback()
        return render_form(
            web, service, form, error=web.error_text(error), status_code=error.status_code
        )
    report = filed.report
    try:
        hooks.on_report_created(report)
    except Exception:
        logger.exception("custom on_report_created hook failed", extra={"report": report.id})
    if filed.access_code:
        web.remember_guest_code(report.tracking_number, filed.access_code)
    return web.redirect(f"/track/{report.tracking_number}?filed=1")
