"""Administrative regions (province, regency/city, district, village) and their search keys."""

from __future__ import annotations

from sqlalchemy import ForeignKey, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, SearchKey


class Region(Base):
    """A region identified by its Kemendagri code (or a dotted local key)."""

    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(String(64), index=True)
    level: Mapped[int] = mapped_column(SmallInteger)
    kind: Mapped[str | None] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(default=True)


class RegionSearchKey(Base):
    """Normalised name suffixes starting at each word, so prefix ranges find any word."""

    __tablename__ = "region_search_keys"

    key: Mapped[str] = mapped_column(SearchKey, primary_key=True)
    region_code: Mapped[str] = mapped_column(
        String(64), ForeignKey("regions.code", ondelete="CASCADE"), primary_key=True, index=True
    )
