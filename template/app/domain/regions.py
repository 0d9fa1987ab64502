"""Region look-ups: children, ancestors, scope containment and name search."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.core.errors import InvalidError, NotFoundError
from app.domain.changes import Watch
from app.domain.text import normalise, prefix_upper_bound
from app.models import Region, RegionSearchKey

LEVELS = {"province": 1, "regency": 2, "district": 3, "village": 4}
SEARCH_WINDOW = 200
# the region tables: seeding writes them with bulk statements and marks the change itself
REGIONS = Watch("regions", (Region, RegionSearchKey))


def get_region(session: Session, code: str) -> Region:
    """The active region with `code`, or NotFoundError."""
    region = session.get(Region, code)
    if region is None or not region.active:
        raise NotFoundError(f"Region {code!r} does not exist.", key="no_region", code=code)
    return region


def children(session: Session, parent_code: str) -> list[Region]:
    """Active direct children of `parent_code`, ordered by code."""
    stmt = (
        select(Region)
        .where(Region.parent_code == parent_code, Region.active.is_(True))
        .order_by(Region.code)
    )
    return list(session.scalars(stmt))


def ancestors(session: Session, region: Region) -> list[Region]:
    """Ancestors of `region` from the top (province) down, excluding the region itself."""
    chain: list[Region] = []
    node = region
    while node.parent_code:
        parent = session.get(Region, node.parent_code)
        if parent is None:
            break
        chain.append(parent)
        node = parent
    return list(reversed(chain))


def ancestor_at_level(session: Session, region: Region, *, level: int) -> Region:
    """The ancestor of `region` at `level`, or the region itself when it is not deeper."""
    node = region
    while node.level > level and node.parent_code:
        parent = session.get(Region, node.parent_code)
        if parent is None:
            break
        node = parent
    return node


def contains(scope_code: str, region_code: str) -> bool:
    """Whether `region_code` equals `scope_code` or lies below it (codes are dotted paths)."""
    return region_code == scope_code or region_code.startswith(scope_code + ".")


def contains_clause(scope_code: str, column: InstrumentedAttribute[str]) -> ColumnElement[bool]:
    """SQL form of `contains` for a region-code column."""
    return or_(column == scope_code, column.startswith(scope_code + ".", autoescape=True))


def search(session: Session, query: str, *, limit: int = 20) -> list[Region]:
    """Regions with a word starting with the normalised `query`, upper levels first."""
    prefix = normalise(query)
    if not prefix:
        raise InvalidError("The search text must contain at least one letter or digit.")
    window = (
        select(RegionSearchKey.region_code)
        .where(RegionSearchKey.key >= prefix, RegionSearchKey.key < prefix_upper_bound(prefix))
        .order_by(RegionSearchKey.key)
        .limit(SEARCH_WINDOW)
    )
    stmt = (
        select(Region)
        .where(Region.code.in_(window.scalar_subquery()), Region.active.is_(True))
        .order_by(Region.level, Region.name, Region.code)
        .limit(limit)
    )
    return list(session.scalars(stmt))
