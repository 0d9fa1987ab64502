"""Names of the units in a report's public timeline (agencies and regions by code)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Agency, Region, Report


def unit_names(session: Session, report: Report) -> dict[str, str]:
    """Agency and region names by code for the report's handling unit and its handovers."""
    agencies = {report.handling_agency_code}
    places = {report.handling_region_code}
    for step in report.transitions:
        agencies.update(c for c in (step.from_agency_code, step.to_agency_code) if c)
        places.update(c for c in (step.from_region_code, step.to_region_code) if c)
    names: dict[str, str] = {}
    for code, name in session.execute(
        select(Agency.code, Agency.name).where(Agency.code.in_(agencies))
    ):
        names[code] = name
    for code, name in session.execute(
        select(Region.code, Region.name).where(Region.code.in_(places))
    ):
        names[code] = name
    return names
