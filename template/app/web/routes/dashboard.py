"""The public dashboard (figures and a trend chart drawn as SVG) and the open-data downloads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Response

from app.domain import opendata, stats
from app.models import ReportStatus
from app.web.context import Web, WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)
CHART = {"width": 640, "height": 220, "left": 36, "right": 12, "top": 12, "bottom": 28}
DOWNLOAD_CACHE = "public, max-age=300"


@dataclass(frozen=True)
class Bar:
    """One week's bar (filed) and point (closed) in chart coordinates."""

    x: float
    width: float
    y: float
    height: float
    closed_x: float
    closed_y: float
    label: str
    week: stats.Week


@dataclass(frozen=True)
class TrendChart:
    """The weekly trend drawn as bars (filed) and a line (closed)."""

    bars: list[Bar]
    top: int
    ticks: list[tuple[float, int]]

    @property
    def line(self) -> str:
        """SVG polyline points of the closed reports."""
        return " ".join(f"{b.closed_x:.1f},{b.closed_y:.1f}" for b in self.bars)


def _nice_top(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000):
        if value <= step * 4:
            return step * 4
    return value


def trend_chart(weeks: list[stats.Week]) -> TrendChart:
    """Chart geometry for `weeks` (scaled to the busiest week)."""
    top = _nice_top(max([1] + [max(w.filed, w.closed) for w in weeks]))
    inner_w = CHART["width"] - CHART["left"] - CHART["right"]
    inner_h = CHART["height"] - CHART["top"] - CHART["bottom"]
    slot = inner_w / max(len(weeks), 1)
    base = CHART["top"] + inner_h

    def y(value: int) -> float:
        return base - inner_h * value / top

    bars = [
        Bar(
            x=CHART["left"] + i * slot + slot * 0.15,
            width=slot * 0.7,
            y=y(week.filed),
            height=base - y(week.filed),
            closed_x=CHART["left"] + i * slot + slot / 2,
            closed_y=y(week.closed),
            label=week.start.strftime("%d/%m"),
            week=week,
        )
        for i, week in enumerate(weeks)
    ]
    ticks = [(y(top * n // 4), top * n // 4) for n in range(5)]
    return TrendChart(bars=bars, top=top, ticks=ticks)


@router.get("/dashboard")
def dashboard(web: Web) -> Response:
    """Reports per status, service group and regency, SLA share, time to close, weekly trend."""
    timezone = web.profile.province.timezone
    today = datetime.now(ZoneInfo(timezone)).date()
    found = stats.figures(web.session, today=today, timezone=timezone)
    return web.render(
        "dashboard.html",
        figures=found,
        statuses=list(ReportStatus),
        chart=trend_chart(found.weeks),
        size=CHART,
    )


@router.get("/open-data/reports.csv")
def reports_csv(web: Web) -> Response:
    """Public reports as CSV (coordinates rounded to about 100 m unless the reporter allowed)."""
    return Response(
        opendata.as_csv(web.session, lang=web.lang),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="public-reports.csv"',
            "Cache-Control": DOWNLOAD_CACHE,
        },
    )


@router.get("/open-data/reports.geojson")
def reports_geojson(web: Web) -> Response:
    """Public reports with coordinates as GeoJSON (rounded as in the CSV)."""
    return Response(
        opendata.as_geojson(web.session, lang=web.lang),
        media_type="application/geo+json",
        headers={
            "Content-Disposition": 'attachment; filename="public-reports.geojson"',
            "Cache-Control": DOWNLOAD_CACHE,
        },
    )
