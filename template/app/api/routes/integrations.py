"""Existing regional apps linked from the platform (module `integrations`)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from sqlalchemy import select

from app.api.deps import LangDep, SessionDep
from app.domain.catalogue import localise
from app.models import Integration
from app.schemas.content import IntegrationPublic

router = APIRouter(prefix="/integrations", tags=["integrations"])


@router.get("", response_model=list[IntegrationPublic])
def read_integrations(
    session: SessionDep,
    audience: Literal["citizens", "officials"] | None = None,
    lang: LangDep = "id",
) -> list[IntegrationPublic]:
    """Linked apps, optionally only those for one audience."""
    stmt = select(Integration).where(Integration.active.is_(True)).order_by(Integration.position)
    if audience:
        stmt = stmt.where(Integration.audience == audience)
    return [
        IntegrationPublic(
            code=i.code,
            name=i.name,
            url=i.url,
            icon=i.icon,
            audience=i.audience,
            description=localise(i.description, lang),
        )
        for i in session.scalars(stmt)
    ]
