"""Server-rendered pages: the citizen app (an installable PWA) and the officers' dashboard."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import Scope

from app.core.logo import STATIC_DIR, SVG_HEADERS
from app.web.branding import fingerprint
from app.web.routes import (
    account,
    admin,
    content,
    dashboard,
    desk,
    home,
    maps,
    pwa,
    reports,
    track,
)
from app.web.routes import outbox as outbox_pages

VERSIONED_CACHE = "public, max-age=31536000, immutable"
PLAIN_CACHE = "public, max-age=3600"


class SandboxedSvgStaticFiles(StaticFiles):
    """Static files; an SVG among them is served sandboxed and never content-sniffed."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        """The file's response, with the SVG headers when it is an SVG.

        Pages link static files with `?v=<fingerprint>`, which changes with every release:
        such URLs are cached for a year; others (e.g. images named inside CSS) for an hour.
        """
        response = await super().get_response(path, scope)
        if path.lower().endswith(".svg"):
            response.headers.update(SVG_HEADERS)
        if response.status_code in (200, 304):
            versioned = b"v=" in scope.get("query_string", b"")
            response.headers["Cache-Control"] = VERSIONED_CACHE if versioned else PLAIN_CACHE
        return response


def install(app: FastAPI) -> None:
    """Mount the pages of the enabled modules and the static files on `app`."""
    modules = app.state.modules
    app.state.web_version = fingerprint(app.state.profile)
    app.mount("/static", SandboxedSvgStaticFiles(directory=STATIC_DIR), name="static")
    routers = [pwa.router, home.router, account.router]
    if modules.get("reports"):
        routers += [reports.router, track.router, desk.router, maps.router, dashboard.router]
        routers.append(outbox_pages.router)
    routers.append(admin.router)
    if modules.get("news"):
        routers += [content.news_router, admin.news_images]
    if modules.get("prices"):
        routers.append(content.prices_router)
    if modules.get("integrations"):
        routers.append(content.apps_router)
    for router in routers:
        app.include_router(router)
