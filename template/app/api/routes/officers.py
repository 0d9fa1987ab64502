"""Officer accounts: admins create officers inside their own scope."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy import select

from app.api.deps import CurrentAdmin, CurrentOfficer, SessionDep
from app.core.errors import ForbiddenError
from app.domain import admin as audit
from app.domain import regions
from app.domain.accounts import create_officer
from app.models import Officer
from app.schemas.account import OfficerCreate, OfficerPublic

router = APIRouter(prefix="/officers", tags=["officers"])


@router.post("", response_model=OfficerPublic, status_code=status.HTTP_201_CREATED)
def create(session: SessionDep, admin: CurrentAdmin, body: OfficerCreate) -> Officer:
    """Create an officer whose region lies inside the admin's own region."""
    if not regions.contains(admin.region_code, body.region_code):
        raise ForbiddenError(
            f"Region {body.region_code!r} is outside your scope ({admin.region_code})."
        )
    if admin.agency_code is not None and body.agency_code != admin.agency_code:
        raise ForbiddenError(f"You can only create officers of agency {admin.agency_code}.")
    audit.record(session, admin, action="officer.create", target=body.email, detail="API")
    return create_officer(session, body)


@router.get("", response_model=list[OfficerPublic])
def read_officers(session: SessionDep, admin: CurrentAdmin) -> list[Officer]:
    """Officers inside the admin's scope."""
    stmt = select(Officer).where(regions.contains_clause(admin.region_code, Officer.region_code))
    if admin.agency_code is not None:  # an agency's admin sees only that agency's officers
        stmt = stmt.where(Officer.agency_code == admin.agency_code)
    return list(session.scalars(stmt.order_by(Officer.id)))


@router.get("/me", response_model=OfficerPublic)
def read_me(officer: CurrentOfficer) -> Officer:
    """The logged-in officer."""
    return officer
