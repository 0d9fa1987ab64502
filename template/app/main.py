"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from app.api.docs import install_docs
from app.api.open311 import Open311Error, open311_error_handler
from app.api.recent import RecentBodies
from app.api.router import build_api_router
from app.api.routes import health, open311
from app.core.access_log import AccessLog
from app.core.body_limit import BodySizeLimit, BodyTooLarge
from app.core.config import MODULE_NAMES, Settings, get_settings
from app.core.db import create_db_engine, create_session_factory
from app.core.errors import AppError
from app.core.headers import SecurityHeaders, security_headers, tile_origin
from app.core.keys import with_secret_key
from app.core.logging import configure_logging
from app.core.profile import Profile, get_profile
from app.core.ratelimit import RateLimited, RateLimits
from app.core.ratelimit import create_storage as create_limit_storage
from app.core.security import HashingBusy
from app.domain.catalogue_cache import CatalogueCache
from app.domain.regions import REGIONS
from app.domain.reports import REPORT_LISTS
from app.domain.storage import create_storage
from app.failures import (
    UNAVAILABLE_ERRORS,
    body_too_large,
    busy,
    database_unavailable,
    http_error,
    server_error,
    too_large_response,
    too_many_requests,
)
from app.outbox.worker import Outbox, run_in_background
from app.web import install as install_web

OPENAPI_URL = "/openapi.json"
LIMITS_POOL_SIZE = 4
GZIP_MINIMUM_BYTES = 500  # smaller bodies are not worth compressing


def enabled_modules(profile: Profile, settings: Settings) -> dict[str, bool]:
    """Profile module switches, overridden by the `modules` setting."""
    defaults = profile.modules.model_dump()
    return {name: settings.modules.get(name, defaults.get(name, False)) for name in MODULE_NAMES}


async def _app_error_handler(request: Request, error: Exception) -> Response:
    assert isinstance(error, AppError)
    return JSONResponse({"detail": error.message}, status_code=error.status_code)


def create_app(settings: Settings | None = None, *, profile: Profile | None = None) -> FastAPI:
    """Build the app for `settings` (default: from the environment) and the generated profile."""
    settings = with_secret_key(settings or get_settings())
    profile = profile or get_profile()
    engine = create_db_engine(settings)
    # rate-limit counters get connections of their own: a request holding a connection never
    # waits for a second one from the same pool (which could starve the pool under load)
    limits_engine = create_db_engine(settings, pool_size=LIMITS_POOL_SIZE)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        worker = None
        if settings.outbox_in_process:
            outbox = Outbox(settings=settings, profile=profile)
            worker = asyncio.create_task(
                run_in_background(
                    outbox, app.state.sessionmaker, interval=settings.outbox_interval_seconds
                )
            )
        # What start-up built lives as long as the process: full collections skip it from now on
        # (walking it again took 50-100 ms, a stall every few requests that build big pages).
        gc.collect()
        gc.freeze()
        yield
        gc.unfreeze()
        if worker is not None:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
        engine.dispose()
        limits_engine.dispose()

    docs = settings.api_docs_enabled
    app = FastAPI(
        title=profile.app.name,
        description=profile.app.tagline.get("id") if profile.app.tagline else None,
        version="0.1.0",
        lifespan=lifespan,
        openapi_url=OPENAPI_URL if docs else None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.profile = profile
    app.state.engine = engine
    app.state.sessionmaker = create_session_factory(engine)
    app.state.storage = create_storage(settings)
    app.state.catalogue = CatalogueCache(check_seconds=settings.catalogue_check_seconds)
    app.state.recent_lists = RecentBodies(REPORT_LISTS, seconds=settings.request_list_cache_seconds)
    app.state.recent_regions = RecentBodies(
        REGIONS, seconds=settings.region_search_cache_seconds, max_bytes=8 << 20
    )
    app.state.modules = enabled_modules(profile, settings)
    app.state.limits = RateLimits(
        settings.rate_limits(), storage=create_limit_storage(limits_engine, settings.redis_url)
    )

    # FastAPI tries routes in order, about a microsecond each: the pages most visitors open come
    # first, the JSON API (used by fewer, heavier requests) last; no path is in two of them
    app.include_router(health.router)
    install_web(app)
    if app.state.modules["reports"]:
        app.include_router(open311.router, prefix="/open311/v2")
    app.include_router(build_api_router(app.state.modules), prefix="/api")
    if docs:
        install_docs(app, openapi_url=OPENAPI_URL)
    app.add_exception_handler(AppError, _app_error_handler)
    app.add_exception_handler(Open311Error, open311_error_handler)
    for unavailable in UNAVAILABLE_ERRORS:
        app.add_exception_handler(unavailable, database_unavailable)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(BodyTooLarge, body_too_large)
    app.add_exception_handler(RateLimited, too_many_requests)
    app.add_exception_handler(HashingBusy, busy)
    app.add_exception_handler(Exception, server_error)
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_photos * settings.upload_max_bytes + settings.max_body_bytes,
        refuse=too_large_response,
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
        )

    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_BYTES, compresslevel=6)
    production = settings.environment == "production"
    tiles = (tile_origin(settings.map_tile_url),)
    app.add_middleware(
        SecurityHeaders, headers=security_headers(hsts=production, image_origins=tiles)
    )
    app.add_middleware(AccessLog)
    return app


def create_served_app() -> FastAPI:
    """The app as each server worker process builds it: logging configured first."""
    settings = get_settings()
    configure_logging(settings.log_level, json_output=settings.log_json)
    return create_app(settings)
