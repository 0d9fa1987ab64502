"""Maps of reports: the public map of public reports and the desk map of the reports in scope.

Each page lists its reports in HTML (the list works without script and without map tiles);
`static/js/map.js` draws the same list on a Leaflet map served from the replica's own files.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.domain.locations import locations
from app.domain.mapping import MAP_LIMIT, MapPoint, officer_points, public_points
from app.models import ReportStatus
from app.web.context import Web, WebContext, WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)
Text = Annotated[str | None, Query(max_length=64)]


def _status(value: str | None) -> ReportStatus | None:
    return ReportStatus(value) if value in set(ReportStatus) else None


def _render(
    web: WebContext,
    points: list[MapPoint],
    *,
    area: str,
    status: ReportStatus | None,
    focus: str = "",
) -> Response:
    settings = web.settings
    centre = settings.map_center
    return web.render(
        "map.html",
        area=area,
        points=points,
        places=locations(web.session, [p.report for p in points]),
        statuses=list(ReportStatus),
        chosen=status.value if status else "",
        focus=focus,
        limit=MAP_LIMIT,
        tiles=settings.map_tile_url,
        attribution=settings.map_tile_attribution,
        centre=f"{centre[0]},{centre[1]}" if centre else "",
        zoom=settings.map_zoom,
        action="/desk/map" if area == "desk" else "/map",
    )


@router.get("/map")
def public_map(web: Web, status: Text = None) -> Response:
    """Public reports on a map (coordinates rounded to about 100 m) and as a list."""
    chosen = _status(status)
    return _render(web, public_points(web.session, status=chosen), area="citizen", status=chosen)


@router.get("/desk/map")
def desk_map(web: Web, status: Text = None, focus: Text = None) -> Response:
    """The reports in the officer's scope on a map and as a list; `focus` highlights one."""
    officer = web.require_officer()
    chosen = _status(status)
    points = officer_points(web.session, officer, status=chosen)
    return _render(web, points, area="desk", status=chosen, focus=(focus or "").strip().upper())
