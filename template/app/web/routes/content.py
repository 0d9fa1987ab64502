"""News, commodity prices (table and trend chart) and linked apps, each behind its module."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Response
from sqlalchemy import select

from app.core.errors import NotFoundError
from app.domain import prices, regions
from app.models import Commodity, CommodityPrice, Integration, NewsItem
from app.web.context import Web, WebRoute

news_router = APIRouter(route_class=WebRoute, include_in_schema=False)
prices_router = APIRouter(route_class=WebRoute, include_in_schema=False)
apps_router = APIRouter(route_class=WebRoute, include_in_schema=False)

NEWS_PAGE = 20
TREND_DAYS = (30, 90, 180, 365)
CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 640, 260, 48


def rupiah(amount: int) -> str:
    """`12500` -> `Rp12.500` (Indonesian thousands separator)."""
    return "Rp" + f"{amount:,}".replace(",", ".")


@dataclass(frozen=True)
class Chart:
    """An SVG line chart of prices over time (drawn on the server, no script needed)."""

    points: list[tuple[float, float, CommodityPrice]]
    low: int
    high: int
    first: date
    last: date

    @property
    def polyline(self) -> str:
        """The `points` attribute of the line."""
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in self.points)


def chart_of(history: list[CommodityPrice]) -> Chart | None:
    """Scale a price history into the chart's box; None without data."""
    if not history:
        return None
    low = min(p.price for p in history)
    high = max(p.price for p in history)
    first, last = history[0].observed_on, history[-1].observed_on
    span_days = max((last - first).days, 1)
    span_price = max(high - low, 1)
    inner_w = CHART_WIDTH - 2 * CHART_PAD
    inner_h = CHART_HEIGHT - 2 * CHART_PAD
    points = []
    for item in history:
        x = CHART_PAD + inner_w * (
            (item.observed_on - first).days / span_days if len(history) > 1 else 0.5
        )
        y = CHART_PAD + inner_h * (1 - (item.price - low) / span_price if high > low else 0.5)
        points.append((x, y, item))
    return Chart(points=points, low=low, high=high, first=first, last=last)


@news_router.get("/news")
def news(web: Web, page: Annotated[int, Query(ge=1, le=1000)] = 1) -> Response:
    """Published news and announcements, newest first."""
    stmt = (
        select(NewsItem)
        .where(NewsItem.published.is_(True))
        .order_by(NewsItem.published_at.desc(), NewsItem.id.desc())
        .limit(NEWS_PAGE + 1)
        .offset((page - 1) * NEWS_PAGE)
    )
    items = list(web.session.scalars(stmt))
    return web.render("news.html", items=items[:NEWS_PAGE], page=page, more=len(items) > NEWS_PAGE)


@news_router.get("/news/{item_id}")
def news_item(web: Web, item_id: int) -> Response:
    """One news item."""
    item = web.session.get(NewsItem, item_id)
    if item is None or not item.published:
        raise NotFoundError(f"News item {item_id} does not exist.")
    return web.render("news_item.html", item=item)


def _regencies(web: Web) -> list:
    return regions.children(web.session, web.profile.province.code)


@prices_router.get("/prices")
def price_table(web: Web, region: Annotated[str | None, Query(max_length=64)] = None) -> Response:
    """The latest price of every commodity in one regency or city."""
    regencies = _regencies(web)
    codes = [r.code for r in regencies]
    if region not in codes:
        with_prices = {p.region_code for p in prices.latest_prices(web.session)}
        region = next((code for code in codes if code in with_prices), codes[0] if codes else None)
    latest = prices.latest_prices(web.session, region_code=region) if region else []
    by_commodity = {p.commodity_code: p for p in latest}
    rows = [(c, by_commodity.get(c.code)) for c in prices.list_commodities(web.session)]
    return web.render("prices.html", regencies=regencies, region=region, rows=rows, rupiah=rupiah)


@prices_router.get("/prices/{commodity_code}")
def price_trend(
    web: Web,
    commodity_code: str,
    region: Annotated[str | None, Query(max_length=64)] = None,
    days: Annotated[int, Query(ge=1, le=730)] = 90,
) -> Response:
    """The price of one commodity in one regency over time, as a chart and a table."""
    commodity = web.session.get(Commodity, commodity_code)
    if commodity is None or not commodity.active:
        raise NotFoundError(f"Commodity {commodity_code!r} does not exist.")
    regencies = _regencies(web)
    codes = [r.code for r in regencies]
    if region not in codes:
        region = codes[0] if codes else None
    today = datetime.now(ZoneInfo(web.profile.province.timezone)).date()
    history = (
        prices.price_history(
            web.session, commodity_code=commodity.code, region_code=region, days=days, today=today
        )
        if region
        else []
    )
    return web.render(
        "price_trend.html",
        commodity=commodity,
        regencies=regencies,
        region=region,
        region_name=next((r.name for r in regencies if r.code == region), ""),
        days=days,
        day_choices=TREND_DAYS,
        history=history,
        chart=chart_of(history),
        size=(CHART_WIDTH, CHART_HEIGHT, CHART_PAD),
        rupiah=rupiah,
    )


@apps_router.get("/apps")
def apps(web: Web) -> Response:
    """Existing regional apps brought into the platform."""
    stmt = select(Integration).where(Integration.active.is_(True)).order_by(Integration.position)
    items = list(web.session.scalars(stmt))
    return web.render(
        "apps.html",
        citizens=[i for i in items if i.audience == "citizens"],
        officials=[i for i in items if i.audience != "citizens"],
    )
