"""Agencies handling services."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import SessionDep
from app.domain.catalogue import list_agencies
from app.schemas.catalogue import AgencyPublic

router = APIRouter(prefix="/agencies", tags=["catalogue"])


@router.get("", response_model=list[AgencyPublic])
def read_agencies(session: SessionDep) -> list[AgencyPublic]:
    """Every active agency."""
    return [
        AgencyPublic(
            code=a.code,
            name=a.name,
            kind=a.kind,
            level=a.level,
            region_code=a.region_code,
            external=a.external,
        )
        for a in list_agencies(session)
    ]
