"""News and announcements, commodity prices, linked apps and key/value metadata."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class NewsItem(Base):
    """A news item or announcement."""

    __tablename__ = "news_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str | None] = mapped_column(String(1000))
    body: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8), default="id")
    is_announcement: Mapped[bool] = mapped_column(default=False)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"))
    published: Mapped[bool] = mapped_column(default=True)
    published_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    image_key: Mapped[str | None] = mapped_column(String(200))
    image_type: Mapped[str | None] = mapped_column(String(32))


class Commodity(Base):
    """A commodity whose market price is tracked."""

    __tablename__ = "commodities"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[dict[str, str]]
    unit: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class CommodityPrice(Base):
    """The price of a commodity in a regency on one day (rupiah per unit)."""

    __tablename__ = "commodity_prices"
    __table_args__ = (UniqueConstraint("commodity_code", "region_code", "observed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commodity_code: Mapped[str] = mapped_column(ForeignKey("commodities.code"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    observed_on: Mapped[date]
    price: Mapped[int]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Integration(Base):
    """An existing regional app linked from the platform."""

    __tablename__ = "integrations"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))
    icon: Mapped[str | None] = mapped_column(String(64))
    audience: Mapped[str] = mapped_column(String(16), index=True)
    description: Mapped[dict[str, str]]
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class AppMeta(Base):
    """Small key/value facts about the database, e.g. the hash of the last seeded profile."""

    __tablename__ = "app_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
