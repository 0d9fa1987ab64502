"""News, commodity price and linked-app schemas."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from app.schemas.common import Lang, ORMModel


class NewsBase(BaseModel):
    """Fields shared by news schemas."""

    title: Annotated[str, Field(min_length=1, max_length=300)]
    summary: Annotated[str | None, Field(max_length=1000)] = None
    body: Annotated[str, Field(min_length=1)]
    lang: Lang = "id"
    is_announcement: bool = False
    region_code: str | None = None


class NewsCreate(NewsBase):
    """A news item to publish."""

    published: bool = True


class NewsPublic(NewsBase, ORMModel):
    """A published news item."""

    id: int
    published_at: datetime


class CommodityPublic(BaseModel):
    """A commodity."""

    code: str
    name: str
    unit: str


class PriceBase(BaseModel):
    """Fields shared by price schemas."""

    commodity_code: str
    region_code: str
    observed_on: date
    price: Annotated[int, Field(gt=0)]


class PriceCreate(PriceBase):
    """A price observation (rupiah per unit); one per commodity, regency and day."""


class PricePublic(PriceBase, ORMModel):
    """A price observation."""

    commodity_name: str = ""
    unit: str = ""
    region_name: str = ""


class IntegrationPublic(BaseModel):
    """A linked regional app."""

    code: str
    name: str
    url: str
    icon: str | None
    audience: str
    description: str
