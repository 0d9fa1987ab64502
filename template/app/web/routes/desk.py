"""The officers' dashboard: login, reports in scope with filters and counters, report handling.

Scope and workflow rules come from `app.domain`: every report is read through
`get_for_officer` / `list_for_officer` / `visible_reports`, every move through `workflow`.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Response
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from app.api.deps import login_guard
from app.api.photos import photo_response
from app.core.errors import AppError, ForbiddenError, NotFoundError
from app.domain import regions, workflow
from app.domain.accounts import authenticate
from app.domain.catalogue import list_agencies, list_services
from app.domain.evidence import add_evidence
from app.domain.exports import EXPORT_LIMIT, reports_csv
from app.domain.locations import locations
from app.domain.reports import (
    get_for_officer,
    list_for_officer,
    officer_can_see,
    visible_reports,
)
from app.domain.tracking import normalise_tracking_number
from app.models import Agency, Officer, Region, Report, ReportStatus, utcnow
from app.schemas.account import LoginRequest
from app.schemas.report import ReportDetail
from app.web.context import CheckedForm, Web, WebContext, WebRoute, safe_next

router = APIRouter(prefix="/desk", route_class=WebRoute, include_in_schema=False)
PAGE_SIZE = 25
FILTER_DEPTH = 2  # region filter offers the officer's region and two levels below it
Text = Annotated[str | None, Query(max_length=64)]
FORM_LIMITS = {"to_status": 16, "note": 2000, "agency_code": 64, "region_code": 64}


def narrowed(officer: Officer, region_code: str | None) -> Officer:
    """The officer's scope narrowed to `region_code` when it lies inside it (never stored)."""
    if not region_code or region_code == officer.region_code:
        return officer
    if not regions.contains(officer.region_code, region_code):
        return officer
    return Officer(region_code=region_code, agency_code=officer.agency_code, role=officer.role)


def status_counts(session: Session, officer: Officer) -> dict[ReportStatus, int]:
    """Reports in scope per status."""
    stmt = (
        visible_reports(officer)
        .with_only_columns(Report.status, func.count())
        .group_by(Report.status)
    )
    counts = {ReportStatus(status): count for status, count in session.execute(stmt).all()}
    return {status: counts.get(status, 0) for status in ReportStatus}


def overdue_by_region(
    session: Session, officer: Officer, now: datetime
) -> list[tuple[str, str, int]]:
    """Overdue reports in scope per region one level below the officer's: (code, name, count)."""
    stmt = (
        visible_reports(officer)
        .with_only_columns(Report.handling_region_code, func.count())
        .where(Report.status.in_(workflow.OPEN_STATUSES), Report.due_at < now)
        .group_by(Report.handling_region_code)
    )
    depth = officer.region_code.count(".") + 2
    buckets: Counter[str] = Counter()
    for code, count in session.execute(stmt).all():
        buckets[".".join(code.split(".")[:depth])] += count
    names = dict(
        session.execute(
            select(Region.code, Region.name).where(Region.code.in_(list(buckets)))
        ).all()
    )
    return [(code, names.get(code, code), count) for code, count in buckets.most_common()]


def _regions_below(session: Session, code: str) -> list[Region]:
    """Region `code` and the active regions up to FILTER_DEPTH levels below, in code order."""
    own = regions.get_region(session, code)
    stmt = (
        select(Region)
        .where(
            regions.contains_clause(own.code, Region.code),
            Region.level <= own.level + FILTER_DEPTH,
            Region.active.is_(True),
        )
        .order_by(Region.code)
    )
    return list(session.scalars(stmt))


def region_choices(session: Session, officer: Officer) -> list[Region]:
    """The officer's region and the regions up to FILTER_DEPTH levels below, in code order."""
    return _regions_below(session, officer.region_code)


def handover_regions(session: Session, report: Report) -> list[Region]:
    """The report's handling region and the regions up to FILTER_DEPTH levels below it."""
    return _regions_below(session, report.handling_region_code)


def unit_names(session: Session, report: Report) -> dict[str, str]:
    """Names of the agencies and regions in the report's history, by code."""
    agencies = {c for t in report.transitions for c in (t.from_agency_code, t.to_agency_code) if c}
    places = {c for t in report.transitions for c in (t.from_region_code, t.to_region_code) if c}
    names = dict(
        session.execute(select(Agency.code, Agency.name).where(Agency.code.in_(agencies))).all()
    )
    return {**names, **{f"region:{k}": v for k, v in region_names(session, places).items()}}


def region_names(session: Session, codes: set[str]) -> dict[str, str]:
    """Names of regions by code."""
    return dict(
        session.execute(select(Region.code, Region.name).where(Region.code.in_(codes))).all()
    )


def render_login(
    web: WebContext, *, next_url: str, email: str = "", error: str | None = None
) -> Response:
    """The officer login form."""
    return web.render(
        "desk/login.html",
        status_code=401 if error else 200,
        next_url=next_url,
        email=email,
        error=error,
    )


@router.get("/login")
def login_form(
    web: Web, next_url: Annotated[str | None, Query(alias="next", max_length=500)] = None
) -> Response:
    """Officer login."""
    return render_login(web, next_url=safe_next(next_url, "/desk"))


@router.post("/login")
def login(web: Web, form: CheckedForm) -> Response:
    """Check the officer's e-mail and password and start the desk session."""
    next_url = safe_next(str(form.get("next") or ""), "/desk")
    email = str(form.get("email") or "")
    try:
        body = LoginRequest(email=email, password=str(form.get("password") or ""))
    except ValidationError:
        return render_login(web, next_url=next_url, email=email, error=web.t("login.failed"))
    guard = login_guard(web.request)
    officer = authenticate(web.session, Officer, body.email, body.password, guard=guard)
    if officer is None:
        return render_login(web, next_url=next_url, email=body.email, error=web.t("login.failed"))
    web.sign_in(officer)
    return web.redirect(next_url if next_url.startswith("/desk") else "/desk")


@router.post("/logout")
def logout(web: Web, form: CheckedForm) -> Response:
    """End the desk session."""
    web.sign_out("officer")
    return web.redirect("/desk/login")


@router.get("")
def reports(
    web: Web,
    status: Text = None,
    service: Text = None,
    region: Text = None,
    overdue: Text = None,
    q: Text = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """Reports in the officer's scope, filtered, with counters per status and overdue per region."""
    officer = web.require_officer()
    handed = web.request.query_params.get("handed", "")[:32]
    now = utcnow()
    filters = {
        "status": status or "",
        "service": service or "",
        "region": region or "",
        "overdue": overdue or "",
        "q": normalise_tracking_number(q or ""),
    }
    found = _filtered(web, officer, filters, now=now, limit=PAGE_SIZE + 1, page=page)
    names = region_names(web.session, {r.handling_region_code for r in found[:PAGE_SIZE]})
    return web.render(
        "desk/list.html",
        reports=found[:PAGE_SIZE],
        more=len(found) > PAGE_SIZE,
        page=page,
        now=now,
        names=names,
        filters=filters,
        counts=status_counts(web.session, officer),
        overdue_regions=overdue_by_region(web.session, officer, now),
        region_options=region_choices(web.session, officer),
        services=list_services(web.session, requestable=True),
        statuses=list(ReportStatus),
        scope_name=regions.get_region(web.session, officer.region_code).name,
        handed=handed,
        places=locations(web.session, found[:PAGE_SIZE]),
        export_query=urlencode({k: v for k, v in filters.items() if v}),
    )


def _filtered(
    web: WebContext,
    officer: Officer,
    filters: dict[str, str],
    *,
    now: datetime,
    limit: int,
    page: int = 1,
) -> list[Report]:
    """Reports in scope that pass the list filters, newest first."""
    status = filters["status"]
    return list_for_officer(
        web.session,
        narrowed(officer, filters["region"] or None),
        status=ReportStatus(status) if status in set(ReportStatus) else None,
        overdue={"yes": True, "no": False}.get(filters["overdue"]),
        service_code=filters["service"] or None,
        number=filters["q"] or None,
        now=now,
        limit=limit,
        offset=(page - 1) * PAGE_SIZE,
    )


@router.get("/reports.csv")
def export(
    web: Web,
    status: Text = None,
    service: Text = None,
    region: Text = None,
    overdue: Text = None,
    q: Text = None,
) -> Response:
    """The reports in scope that pass the filters, as CSV (no reporter's personal data)."""
    officer = web.require_officer()
    filters = {
        "status": status or "",
        "service": service or "",
        "region": region or "",
        "overdue": overdue or "",
        "q": normalise_tracking_number(q or ""),
    }
    now = utcnow()
    found = _filtered(web, officer, filters, now=now, limit=EXPORT_LIMIT)
    body = reports_csv(
        found,
        places=locations(web.session, found),
        handling=region_names(web.session, {r.handling_region_code for r in found}),
        now=now,
        lang=web.lang,
    )
    stamp = now.strftime("%Y%m%d-%H%M")
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="reports-{stamp}.csv"'},
    )


def _attribute_rows(web: WebContext, report: Report) -> list[tuple[str, str]]:
    definitions = {a["code"]: a for a in report.service.attributes}
    rows = []
    for code, value in report.attributes.items():
        definition = definitions.get(code, {})
        names = {v["key"]: web.text(v["name"]) for v in definition.get("values", [])}
        values = value if isinstance(value, list) else [value]
        shown = ", ".join(
            f"{v:g}" if isinstance(v, float) else names.get(str(v), str(v)) for v in values
        )
        label = web.text(definition["description"]) if definition else code
        rows.append((label, shown))
    return rows


def render_report(
    web: WebContext,
    report: Report,
    *,
    error: str | None = None,
    status_code: int = 200,
    form_values: dict[str, str] | None = None,
) -> Response:
    """A report in scope: details, history and the moves the workflow allows from here."""
    now = utcnow()
    location = []
    if report.region_code:
        place = regions.get_region(web.session, report.region_code)
        location = [r for r in regions.ancestors(web.session, place) if r.level >= 2] + [place]
    order = list(ReportStatus)
    allowed = sorted(workflow.TRANSITIONS[report.status], key=order.index)
    return web.render(
        "desk/report.html",
        status_code=status_code,
        report=report,
        detail=ReportDetail.of(report, now=now, hide_reporter=True),
        attributes=_attribute_rows(web, report),
        location=location,
        handling_region=regions.get_region(web.session, report.handling_region_code),
        allowed=allowed,
        note_required=workflow.NOTE_REQUIRED,
        note_names=", ".join(
            web.t(f"status.{s.value}") for s in order if s in workflow.NOTE_REQUIRED
        ),
        can_verify=web.is_supervisor
        and report.status == ReportStatus.SELESAI
        and report.verified_at is None,
        moved=web.request.query_params.get("moved") == "1",
        error=error,
        form_values=form_values
        or {"to_status": "", "note": "", "agency_code": "", "region_code": "", "note_public": ""},
        evidence_statuses=workflow.EVIDENCE_REQUIRED,
        handover_statuses=workflow.HANDOVER_STATUSES,
        agencies=[a for a in list_agencies(web.session) if a.code != report.handling_agency_code],
        handover_regions=handover_regions(web.session, report),
        units=unit_names(web.session, report),
    )


@router.get("/reports/{number}")
def report(web: Web, number: str) -> Response:
    """One report in the officer's scope (absent otherwise)."""
    officer = web.require_officer()
    return render_report(web, get_for_officer(web.session, officer, number=number))


@router.post("/reports/{number}/transition")
def move(web: Web, number: str, form: CheckedForm) -> Response:
    """Move the report along the workflow; a note is needed for some statuses.

    Koordinasi and Disposisi may hand the report to another agency or a region below; when
    the officer no longer handles it afterwards, they go back to their list.
    """
    officer = web.require_officer()
    report = get_for_officer(web.session, officer, number=number)
    values = {
        name: str(form.get(name) or "").strip()[:limit] for name, limit in FORM_LIMITS.items()
    }
    target = values["to_status"]
    values["note_public"] = "on" if form.get("note_public") == "on" else ""
    storage = web.request.app.state.storage
    saved: list[str] = []
    try:
        if target not in set(ReportStatus):
            raise NotFoundError(web.t("desk.choose_status"))
        if ReportStatus(target) in workflow.EVIDENCE_REQUIRED:
            for item in form.getlist("evidence"):
                if isinstance(item, UploadFile) and item.filename:
                    added = add_evidence(
                        web.session,
                        report,
                        officer=officer,
                        filename=item.filename,
                        data=item.file.read(web.settings.upload_max_bytes + 1),
                        settings=web.settings,
                        storage=storage,
                    )
                    saved.append(added.storage_key)
        workflow.transition(
            web.session,
            report,
            target=ReportStatus(target),
            note=values["note"] or None,
            officer=officer,
            agency_code=values["agency_code"] or None,
            region_code=values["region_code"] or None,
            note_public=bool(values["note_public"]),
        )
    except AppError as error:
        web.session.rollback()
        for key in saved:
            storage.delete(key)
        return render_report(
            web,
            report,
            error=web.error_text(error),
            status_code=error.status_code,
            form_values=values,
        )
    if not officer_can_see(officer, report):
        return web.redirect(f"/desk?handed={report.tracking_number}")
    return web.redirect(f"/desk/reports/{report.tracking_number}?moved=1")


@router.post("/reports/{number}/verify")
def verify(web: Web, number: str, form: CheckedForm) -> Response:
    """A supervisor confirms the closure of a finished report."""
    officer = web.require_officer()
    report = get_for_officer(web.session, officer, number=number)
    if not web.is_supervisor:
        raise ForbiddenError(web.t("desk.verify_needs_supervisor"))
    try:
        workflow.verify_closure(web.session, report, supervisor=officer)
    except AppError as error:
        web.session.rollback()
        return render_report(
            web, report, error=web.error_text(error), status_code=error.status_code
        )
    return web.redirect(f"/desk/reports/{report.tracking_number}?moved=1")


@router.get("/reports/{number}/photos/{photo_id}")
def photo(web: Web, number: str, photo_id: int) -> Response:
    """A photo of a report in scope."""
    officer = web.require_officer()
    report = get_for_officer(web.session, officer, number=number)
    item = next((p for p in report.photos if p.id == photo_id), None)
    if item is None:
        raise NotFoundError(f"Report {report.tracking_number} has no photo {photo_id}.")
    content = web.request.app.state.storage.load(item.storage_key)
    return photo_response(content, item.content_type, name=f"{report.tracking_number}-{item.id}")
