"""Commodity prices per regency: record (one per day), latest per regency, history."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from app.core.errors import ForbiddenError, InvalidError, NotFoundError
from app.domain import regions
from app.models import Commodity, CommodityPrice, Officer

REGENCY_LEVEL = 2


def list_commodities(session: Session) -> list[Commodity]:
    """Active commodities in profile order."""
    stmt = select(Commodity).where(Commodity.active.is_(True)).order_by(Commodity.position)
    return list(session.scalars(stmt))


def record_price(
    session: Session,
    officer: Officer,
    *,
    commodity_code: str,
    region_code: str,
    observed_on: date,
    price: int,
    commit: bool = True,
) -> CommodityPrice:
    """Store (or correct) the day's price of a commodity in a regency inside the officer's scope."""
    commodity = session.get(Commodity, commodity_code)
    if commodity is None or not commodity.active:
        raise NotFoundError(f"Commodity {commodity_code!r} does not exist.")
    region = regions.get_region(session, region_code)
    if region.level != REGENCY_LEVEL:
        raise InvalidError(f"Prices are recorded per regency or city; {region_code} is not one.")
    if not regions.contains(officer.region_code, region.code):
        raise ForbiddenError(f"Region {region_code} is outside your scope ({officer.region_code}).")
    existing = session.scalar(
        select(CommodityPrice).where(
            CommodityPrice.commodity_code == commodity_code,
            CommodityPrice.region_code == region_code,
            CommodityPrice.observed_on == observed_on,
        )
    )
    if existing is None:
        existing = CommodityPrice(
            commodity_code=commodity_code, region_code=region_code, observed_on=observed_on
        )
        session.add(existing)
    existing.price = price
    existing.recorded_by_id = officer.id
    if commit:
        session.commit()
    else:
        session.flush()
    return existing


def latest_prices(session: Session, *, region_code: str | None = None) -> list[CommodityPrice]:
    """The most recent price of each commodity in each regency (or in one regency)."""
    latest = select(
        CommodityPrice.commodity_code,
        CommodityPrice.region_code,
        func.max(CommodityPrice.observed_on).label("observed_on"),
    ).group_by(CommodityPrice.commodity_code, CommodityPrice.region_code)
    if region_code:
        latest = latest.where(CommodityPrice.region_code == region_code)
    sub = latest.subquery()
    stmt = (
        select(CommodityPrice)
        .join(
            sub,
            and_(
                CommodityPrice.commodity_code == sub.c.commodity_code,
                CommodityPrice.region_code == sub.c.region_code,
                CommodityPrice.observed_on == sub.c.observed_on,
            ),
        )
        .order_by(CommodityPrice.region_code, CommodityPrice.commodity_code)
    )
    return list(session.scalars(stmt))


def price_history(
    session: Session, *, commodity_code: str, region_code: str, days: int, today: date
) -> list[CommodityPrice]:
    """Prices of one commodity in one regency over the last `days` days, oldest first."""
    stmt = (
        select(CommodityPrice)
        .where(
            CommodityPrice.commodity_code == commodity_code,
            CommodityPrice.region_code == region_code,
            CommodityPrice.observed_on > today - timedelta(days=days),
        )
        .order_by(CommodityPrice.observed_on)
    )
    return list(session.scalars(stmt))
