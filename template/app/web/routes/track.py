"""Tracking a report by number, the reporter's own view, rating, and "my reports"."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse
from sqlalchemy import select

from app.api.deps import LookupLimit
from app.api.photos import photo_response
from app.core.errors import AppError, ForbiddenError, NotFoundError
from app.domain.evidence import public_evidence
from app.domain.reports import check_reporter, get_by_number, rate
from app.domain.timeline import unit_names
from app.domain.tracking import normalise_tracking_number, tracking_prefix
from app.models import Report, ReportStatus, utcnow
from app.outbox.push import add_subscription, application_server_key
from app.schemas.report import ReportTrack
from app.web.context import CheckedForm, Web, WebContext, WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)


def is_reporter(web: WebContext, report: Report, access_code: str | None = None) -> bool:
    """Whether the browser belongs to the reporter (logged in, or holding the access code)."""
    code = access_code or web.guest_codes().get(report.tracking_number)
    try:
        check_reporter(report, citizen=web.citizen, access_code=code)
    except ForbiddenError:
        return False
    return True


def render_report(
    web: WebContext, report: Report, *, error: str | None = None, status_code: int = 200
) -> Response:
    """The public status of `report`, and for its reporter the details and the rating form."""
    own = is_reporter(web, report)
    return web.render(
        "track.html",
        status_code=status_code,
        report=report,
        track=ReportTrack.of(
            report, now=utcnow(), lang=web.lang, names=unit_names(web.session, report)
        ),
        own=own,
        access_code=web.guest_codes().get(report.tracking_number) if own else None,
        can_rate=own and report.status == ReportStatus.SELESAI and report.rated_at is None,
        push_key=application_server_key(web.settings) if own and not report.is_closed else None,
        filed=web.request.query_params.get("filed") == "1",
        rated=web.request.query_params.get("rated") == "1",
        error=error,
    )


@router.get("/track")
def track_form(web: Web, number: Annotated[str | None, Query(max_length=40)] = None) -> Response:
    """Type a tracking number."""
    if number and number.strip():
        return web.redirect(f"/track/{normalise_tracking_number(number)}")
    return web.render(
        "track_form.html", number=number or "", error=None, number_example=number_example(web)
    )


def number_example(web: WebContext) -> str:
    """A made-up tracking number with this replica's real prefix and the current year."""
    prefix = tracking_prefix(web.profile.app.slug, web.settings.tracking_prefix)
    return f"{prefix}-{utcnow().year}-7K3QXM"


@router.get("/track/{number}", dependencies=[LookupLimit])
def track(web: Web, number: str) -> Response:
    """Where a report stands."""
    try:
        report = get_by_number(web.session, number)
    except NotFoundError:
        return web.render(
            "track_form.html",
            number_example=number_example(web),
            status_code=404,
            number=number,
            error=web.t("track.not_found", number=number),
        )
    return render_report(web, report)


@router.post("/track/{number}/access", dependencies=[LookupLimit])
def unlock(web: Web, number: str, form: CheckedForm) -> Response:
    """A guest reporter types the access code to see and rate the report on this device."""
    report = get_by_number(web.session, number)
    code = str(form.get("access_code") or "").strip()
    if not is_reporter(web, report, code):
        return render_report(web, report, error=web.t("track.access_wrong"), status_code=403)
    web.remember_guest_code(report.tracking_number, code)
    return web.redirect(f"/track/{report.tracking_number}")


@router.post("/track/{number}/rating")
def rate_report(web: Web, number: str, form: CheckedForm) -> Response:
    """The reporter rates the follow-up of a finished report (once)."""
    report = get_by_number(web.session, number)
    try:
        score = int(str(form.get("score") or "0"))
        check_reporter(
            report,
            citizen=web.citizen,
            access_code=web.guest_codes().get(report.tracking_number),
        )
        rate(report, score=score, comment=str(form.get("comment") or "")[:2000])
        web.session.commit()
    except (AppError, ValueError) as error:
        web.session.rollback()
        message = (
            web.error_text(error) if isinstance(error, AppError) else web.t("track.rating_score")
        )
        return render_report(web, report, error=message, status_code=422)
    return web.redirect(f"/track/{report.tracking_number}?rated=1")


@router.get("/track/{number}/photos/{photo_id}")
def photo(web: Web, number: str, photo_id: int) -> Response:
    """A photo of a public report, or of the reporter's own report."""
    report = get_by_number(web.session, number)
    if not report.is_public and not is_reporter(web, report):
        raise ForbiddenError("Only the reporter can see this photo.")
    item = next((p for p in report.photos if p.id == photo_id), None)
    if item is None:
        raise NotFoundError(f"Report {report.tracking_number} has no photo {photo_id}.")
    content = web.request.app.state.storage.load(item.storage_key)
    return photo_response(content, item.content_type, name=f"{report.tracking_number}-{item.id}")


@router.post("/track/{number}/push", dependencies=[LookupLimit])
def subscribe_push(web: Web, number: str, form: CheckedForm) -> Response:
    """The reporter's browser asks for web-push news about this report (JSON answer for the JS)."""
    report = get_by_number(web.session, number)
    if not is_reporter(web, report):
        raise ForbiddenError(web.t("push.only_reporter"))
    fields = {
        name: str(form.get(name) or "").strip()[:limit]
        for name, limit in (("endpoint", 1000), ("p256dh", 200), ("auth", 100))
    }
    if not fields["endpoint"].startswith("https://") or not fields["p256dh"] or not fields["auth"]:
        return JSONResponse({"detail": web.t("push.bad_subscription")}, status_code=422)
    add_subscription(web.session, report, **fields)
    return JSONResponse({"detail": web.t("push.subscribed")}, status_code=201)


@router.get("/track/{number}/evidence/{evidence_id}")
def evidence_photo(web: Web, number: str, evidence_id: int) -> Response:
    """An officer's photo of the finished work, public once attached to the Selesai move."""
    report = get_by_number(web.session, number)
    item = next((e for e in public_evidence(report) if e.id == evidence_id), None)
    if item is None:
        raise NotFoundError(f"Report {report.tracking_number} has no evidence photo {evidence_id}.")
    content = web.request.app.state.storage.load(item.storage_key)
    name = f"{report.tracking_number}-evidence-{item.id}"
    return photo_response(content, item.content_type, name=name)


@router.get("/my-reports")
def my_reports(web: Web) -> Response:
    """The logged-in citizen's reports, newest first."""
    citizen = web.require_citizen()
    stmt = (
        select(Report)
        .where(Report.citizen_id == citizen.id)
        .order_by(Report.created_at.desc(), Report.id.desc())
    )
    reports = list(web.session.scalars(stmt).unique())
    return web.render("my_reports.html", reports=reports, now=utcnow())
