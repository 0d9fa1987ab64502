"""Catalogue groups."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import CatalogueDep, LangDep
from app.domain.catalogue import localise
from app.schemas.catalogue import GroupPublic

router = APIRouter(prefix="/groups", tags=["catalogue"])


@router.get("", response_model=list[GroupPublic])
def read_groups(catalogue: CatalogueDep, lang: LangDep = "id") -> list[GroupPublic]:
    """Catalogue sections in display order."""
    return [
        GroupPublic(code=g.code, name=localise(g.name, lang), icon=g.icon) for g in catalogue.groups
    ]
