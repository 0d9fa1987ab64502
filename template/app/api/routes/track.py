"""Public tracking of a report by number: status only, no private details."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import LangDep, LookupLimit, SessionDep
from app.domain.reports import get_by_number
from app.domain.timeline import unit_names
from app.models import utcnow
from app.schemas.report import ReportTrack

router = APIRouter(prefix="/track", tags=["reports"])


@router.get("/{number}", response_model=ReportTrack, dependencies=[LookupLimit])
def track(session: SessionDep, number: str, lang: LangDep = "id") -> ReportTrack:
    """Status, handling unit and public timeline of any report."""
    report = get_by_number(session, number)
    return ReportTrack.of(report, now=utcnow(), lang=lang, names=unit_names(session, report))
