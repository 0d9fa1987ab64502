"""Region schemas."""

from __future__ import annotations

from app.schemas.common import ORMModel


class RegionPublic(ORMModel):
    """A region."""

    code: str
    parent_code: str | None
    level: int
    kind: str | None
    name: str
    postal_code: str | None


class RegionDetail(RegionPublic):
    """A region with its ancestors, from the province down."""

    ancestors: list[RegionPublic]
