"""Server-rendered pages: the citizen app (an installable PWA) and the officers' dashboard."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.web.branding import STATIC_DIR, fingerprint
from app.web.routes import account, content, desk, home, pwa, reports, track


def install(app: FastAPI) -> None:
    """Mount the pages of the enabled modules and the static files on `app`."""
    modules = app.state.modules
    app.state.web_version = fingerprint(app.state.profile)
    app.state.web_icons = {}
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    routers = [pwa.router, home.router, account.router]
    if modules.get("reports"):
        routers += [reports.router, track.router, desk.router]
    if modules.get("news"):
        routers.append(content.news_router)
    if modules.get("prices"):
        routers.append(content.prices_router)
    if modules.get("integrations"):
        routers.append(content.apps_router)
    for router in routers:
        app.include_router(router)
