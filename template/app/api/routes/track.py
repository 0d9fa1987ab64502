"""Public tracking of a report by number: status only, no private details."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import LangDep, LookupLimit, SessionDep
from app.domain.reports import get_by_number
from app.models import utcnow
from app.schemas.report import ReportTrack

router = APIRouter(prefix="/track", tags=["reports"])


@router.get("/{number}", response_model=ReportTrack, dependencies=[LookupLimit])
def track(session: SessionDep, number: str, lang: LangDep = "id") -> ReportTrack:
    """Minimal status view of any report."""
    return ReportTrack.of(get_by_number(session, number), now=utcnow(), lang=lang)
