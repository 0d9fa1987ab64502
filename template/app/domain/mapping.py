"""Reports as map points: public ones with rounded coordinates, an officer's with exact ones."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.domain.reports import public_location, visible_reports
from app.models import Officer, Report, ReportStatus

MAP_LIMIT = 500


@dataclass(frozen=True)
class MapPoint:
    """A report on a map."""

    number: str
    status: ReportStatus
    lat: float
    long: float
    service_name: dict[str, str]
    report: Report


def _with_coordinates(
    stmt: Select[tuple[Report]], status: ReportStatus | None
) -> Select[tuple[Report]]:
    stmt = stmt.where(Report.lat.is_not(None), Report.long.is_not(None))
    if status is not None:
        stmt = stmt.where(Report.status == status)
    return stmt.order_by(Report.created_at.desc(), Report.id.desc()).limit(MAP_LIMIT)


def public_points(session: Session, *, status: ReportStatus | None = None) -> list[MapPoint]:
    """Public reports with coordinates, rounded as the privacy rules say, newest first."""
    stmt = _with_coordinates(select(Report).where(Report.is_public.is_(True)), status)
    points = []
    for report in session.scalars(stmt).unique():
        place = public_location(report)
        if place.lat is None or place.long is None:
            continue
        points.append(
            MapPoint(
                report.tracking_number,
                report.status,
                place.lat,
                place.long,
                report.service.name,
                report,
            )
        )
    return points


def officer_points(
    session: Session, officer: Officer, *, status: ReportStatus | None = None
) -> list[MapPoint]:
    """Reports in the officer's scope with their exact coordinates, newest first."""
    stmt = _with_coordinates(visible_reports(officer), status)
    return [
        MapPoint(r.tracking_number, r.status, r.lat, r.long, r.service.name, r)  # type: ignore[arg-type]
        for r in session.scalars(stmt).unique()
    ]
