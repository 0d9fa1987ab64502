"""Assemble the API routers, mounting optional modules only when they are switched on."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter

from app.api.routes import (
    agencies,
    auth,
    desk,
    groups,
    integrations,
    news,
    officers,
    prices,
    profile,
    regions,
    reports,
    services,
    track,
)
from app.custom import hooks

_MODULE_ROUTERS = {
    "reports": (reports.router, track.router, desk.router),
    "news": (news.router,),
    "prices": (prices.router,),
    "integrations": (integrations.router,),
}


def build_api_router(modules: Mapping[str, bool]) -> APIRouter:
    """The /api router: core resources, enabled modules and the province's extra routers."""
    api = APIRouter()
    for core in (profile, regions, groups, services, agencies, auth, officers):
        api.include_router(core.router)
    for name, routers in _MODULE_ROUTERS.items():
        if modules.get(name, False):
            for router in routers:
                api.include_router(router)
    for extra in hooks.extra_routers():
        api.include_router(extra)
    return api
