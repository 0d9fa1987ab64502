"""News and announcements (module `news`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlalchemy import select

from app.api.deps import CurrentSupervisor, ProfileDep, SessionDep
from app.core.errors import ForbiddenError, NotFoundError
from app.domain import regions
from app.models import NewsItem, utcnow
from app.schemas.common import Lang
from app.schemas.content import NewsCreate, NewsPublic

router = APIRouter(prefix="/news", tags=["news"])


@router.get("", response_model=list[NewsPublic])
def read_news(
    session: SessionDep,
    lang: Lang | None = None,
    announcements: Annotated[bool | None, Query(description="Only announcements.")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[NewsItem]:
    """Published items, newest first."""
    stmt = select(NewsItem).where(NewsItem.published.is_(True))
    if lang:
        stmt = stmt.where(NewsItem.lang == lang)
    if announcements is not None:
        stmt = stmt.where(NewsItem.is_announcement.is_(announcements))
    stmt = stmt.order_by(NewsItem.published_at.desc(), NewsItem.id.desc())
    return list(session.scalars(stmt.limit(limit).offset(offset)))


@router.get("/{item_id}", response_model=NewsPublic)
def read_item(session: SessionDep, item_id: int) -> NewsItem:
    """One published item."""
    item = session.get(NewsItem, item_id)
    if item is None or not item.published:
        raise NotFoundError(f"News item {item_id} does not exist.")
    return item


@router.post("", response_model=NewsPublic, status_code=status.HTTP_201_CREATED)
def create_item(
    session: SessionDep, profile: ProfileDep, officer: CurrentSupervisor, body: NewsCreate
) -> NewsItem:
    """Publish an item (supervisors and admins; regional items inside their scope)."""
    region_code = body.region_code
    if region_code is not None:
        regions.get_region(session, region_code)
        if not regions.contains(officer.region_code, region_code):
            raise ForbiddenError(f"Region {region_code} is outside your scope.")
    elif officer.region_code != profile.province.code:
        raise ForbiddenError("Province-wide news needs an officer whose scope is the province.")
    item = NewsItem(**body.model_dump(), author_id=officer.id, published_at=utcnow())
    session.add(item)
    session.commit()
    return item
