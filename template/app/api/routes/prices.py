"""Commodity market prices per regency (module `prices`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api.deps import CurrentOfficer, LangDep, ProfileDep, SessionDep
from app.domain import prices
from app.domain.catalogue import localise
from app.models import Commodity, CommodityPrice, Region
from app.schemas.content import CommodityPublic, PriceCreate, PricePublic

router = APIRouter(prefix="/prices", tags=["prices"])


def _public(session: Session, items: list[CommodityPrice], lang: str) -> list[PricePublic]:
    commodities = {c.code: c for c in session.scalars(select(Commodity))}
    codes = {item.region_code for item in items}
    rows = session.execute(select(Region.code, Region.name).where(Region.code.in_(codes)))
    names = dict(rows.all())
    result = []
    for item in items:
        commodity = commodities[item.commodity_code]
        result.append(
            PricePublic(
                commodity_code=item.commodity_code,
                region_code=item.region_code,
                observed_on=item.observed_on,
                price=item.price,
                commodity_name=localise(commodity.name, lang),
                unit=commodity.unit,
                region_name=names.get(item.region_code, ""),
            )
        )
    return result


@router.get("/commodities", response_model=list[CommodityPublic])
def read_commodities(session: SessionDep, lang: LangDep = "id") -> list[CommodityPublic]:
    """Commodities whose prices are published."""
    return [
        CommodityPublic(code=c.code, name=localise(c.name, lang), unit=c.unit)
        for c in prices.list_commodities(session)
    ]


@router.get("", response_model=list[PricePublic])
def read_latest(
    session: SessionDep,
    region: Annotated[str | None, Query(description="Regency or city code.")] = None,
    lang: LangDep = "id",
) -> list[PricePublic]:
    """The latest price of each commodity per regency."""
    return _public(session, prices.latest_prices(session, region_code=region), lang)


@router.get("/history", response_model=list[PricePublic])
def read_history(
    session: SessionDep,
    profile: ProfileDep,
    commodity: str,
    region: str,
    days: Annotated[int, Query(ge=1, le=730)] = 90,
    lang: LangDep = "id",
) -> list[PricePublic]:
    """Prices of one commodity in one regency over time."""
    today = datetime.now(ZoneInfo(profile.province.timezone)).date()
    items = prices.price_history(
        session, commodity_code=commodity, region_code=region, days=days, today=today
    )
    return _public(session, items, lang)


@router.post("", response_model=PricePublic, status_code=status.HTTP_201_CREATED)
def create_price(session: SessionDep, officer: CurrentOfficer, body: PriceCreate) -> PricePublic:
    """Record a price in a regency inside the officer's scope (replaces the same day's)."""
    item = prices.record_price(
        session,
        officer,
        commodity_code=body.commodity_code,
        region_code=body.region_code,
        observed_on=body.observed_on,
        price=body.price,
    )
    return _public(session, [item], "id")[0]
