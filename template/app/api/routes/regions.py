"""Administrative regions: children, detail with ancestors, and name search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import TypeAdapter

from app.api.deps import ProfileDep, SessionDep
from app.api.recent import RecentBodies
from app.domain import regions
from app.domain.text import normalise
from app.schemas.region import RegionDetail, RegionPublic

router = APIRouter(prefix="/regions", tags=["regions"])
_REGION_LIST = TypeAdapter(list[RegionPublic])


@router.get("", response_model=list[RegionPublic])
def list_regions(
    session: SessionDep,
    profile: ProfileDep,
    parent: Annotated[str | None, Query(description="Parent region code.")] = None,
) -> list[RegionPublic]:
    """Children of `parent`; without it, the regencies and cities of the province."""
    parent_code = parent or profile.province.code
    regions.get_region(session, parent_code)
    return [RegionPublic.model_validate(r) for r in regions.children(session, parent_code)]


@router.get("/search", response_model=list[RegionPublic])
async def search_regions(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=100, description="Name or its start.")],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    """Regions with a word of their name starting with `q` (case and accents ignored).

    Asked for at every keystroke: an answer given for the same words within
    REGION_SEARCH_CACHE_SECONDS comes from memory on the event loop; otherwise one hop off the
    loop for the query and the JSON, nothing validated twice.
    """
    recent: RecentBodies = request.app.state.recent_regions

    def build() -> bytes:
        with request.app.state.sessionmaker() as session:
            hits = regions.search(session, q, limit=limit)
            return _REGION_LIST.dump_json([RegionPublic.model_validate(r) for r in hits])

    body = await recent.answer((normalise(q), limit), build)
    return Response(body, media_type="application/json")


@router.get("/{code}", response_model=RegionDetail)
def read_region(session: SessionDep, code: str) -> RegionDetail:
    """A region with its ancestors."""
    region = regions.get_region(session, code)
    chain = [RegionPublic.model_validate(r) for r in regions.ancestors(session, region)]
    return RegionDetail(**RegionPublic.model_validate(region).model_dump(), ancestors=chain)
