"""Open data: public reports as CSV and GeoJSON, coordinates rounded as the privacy rules say."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.catalogue import localise
from app.domain.exports import write_csv
from app.domain.locations import Location, locations
from app.domain.reports import public_location
from app.models import Report

OPEN_DATA_LIMIT = 50_000
CSV_COLUMNS = (
    "tracking_number",
    "service_code",
    "service_name",
    "status",
    "created_at",
    "closed_at",
    "due_at",
    "location",
    "lat",
    "long",
    "agency",
)


def public_reports(session: Session) -> list[Report]:
    """Public reports, newest first (at most OPEN_DATA_LIMIT)."""
    stmt = (
        select(Report)
        .where(Report.is_public.is_(True))
        .order_by(Report.created_at.desc(), Report.id.desc())
        .limit(OPEN_DATA_LIMIT)
    )
    return list(session.scalars(stmt).unique())


def _record(report: Report, place: Location | None, lang: str) -> dict[str, Any]:
    where = public_location(report)
    return {
        "tracking_number": report.tracking_number,
        "service_code": report.service_code,
        "service_name": localise(report.service.name, lang),
        "status": report.status.value,
        "created_at": report.created_at.isoformat(),
        "closed_at": report.closed_at.isoformat() if report.closed_at else None,
        "due_at": report.due_at.isoformat(),
        "location": str(place) if place else None,
        "lat": where.lat,
        "long": where.long,
        "agency": report.handling_agency.name,
    }


def records(session: Session, *, lang: str) -> Iterator[dict[str, Any]]:
    """Each public report as a flat record."""
    reports = public_reports(session)
    places = locations(session, reports)
    for report in reports:
        yield _record(report, places.get(report.id), lang)


def as_csv(session: Session, *, lang: str) -> str:
    """Public reports as CSV."""
    rows = ([item[column] for column in CSV_COLUMNS] for item in records(session, lang=lang))
    return write_csv(CSV_COLUMNS, rows)


def as_geojson(session: Session, *, lang: str) -> str:
    """Public reports that have coordinates as a GeoJSON FeatureCollection (RFC 7946)."""
    features = []
    for item in records(session, lang=lang):
        lat, long = item.pop("lat"), item.pop("long")
        if lat is None or long is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [long, lat]},
                "properties": item,
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
