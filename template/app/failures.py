"""Failure answers in the format of the surface that failed: Open311, the JSON API or a page."""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, Response
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.api.open311 import respond
from app.core.body_limit import BodyTooLarge
from app.core.ratelimit import RateLimited
from app.web.context import error_page, page_language
from app.web.i18n import Translator

logger = logging.getLogger("app.failures")
Surface = Literal["open311", "api", "page"]
# errors that mean "the database cannot serve this request now", not "the request is wrong"
UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (
    sa_exc.TimeoutError,
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
)


def surface_of(request: Request) -> Surface:
    """Which client a path serves: Open311 partners, API clients or browsers."""
    path = request.url.path
    if path.startswith("/open311/"):
        return "open311"
    if path.startswith(("/api/", "/healthz", "/readyz", "/openapi", "/docs")) or path == "/api":
        return "api"
    return "page"


def failure_response(
    request: Request,
    status_code: int,
    *,
    key: str,
    retry_after: int | None = None,
) -> Response:
    """An error answer for `request`: `key` names the locale texts `<key>` and `<key>_detail`."""
    surface = surface_of(request)
    if surface == "page":
        detail = Translator(page_language(request))(f"{key}_detail")
        response = error_page(request, status_code, title_key=key, detail=detail)
    else:
        message = Translator("en")(f"{key}_detail")
        if surface == "open311":
            fmt = "xml" if request.url.path.endswith(".xml") else "json"
            errors = [{"code": status_code, "description": message}]
            response = respond(fmt, "errors", errors, status_code=status_code)
        else:
            response = JSONResponse({"detail": message}, status_code=status_code)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


async def database_unavailable(request: Request, error: Exception) -> Response:
    """503 with Retry-After when the pool is exhausted or the database does not answer."""
    logger.warning(
        "database unavailable",
        extra={"path": request.url.path, "error": type(error).__name__, "reason": str(error)[:200]},
    )
    retry_after = request.app.state.settings.retry_after_seconds
    return failure_response(request, 503, key="error.unavailable", retry_after=retry_after)


def wants_html(request: Request) -> bool:
    """Whether a browser asked for a page (not an API or Open311 client)."""
    return surface_of(request) == "page" and "text/html" in request.headers.get("accept", "")


async def http_error(request: Request, error: Exception) -> Response:
    """An unknown URL or method: an HTML page for browsers, JSON for everyone else."""
    assert isinstance(error, StarletteHTTPException)
    if wants_html(request) and error.status_code in (404, 405):
        return failure_response(request, error.status_code, key=f"error.http_{error.status_code}")
    return await http_exception_handler(request, error)


async def server_error(request: Request, error: Exception) -> Response:
    """500 in the surface's format (the traceback is logged by the server)."""
    return failure_response(request, 500, key="error.server")


def too_large_response(request: Request, error: BodyTooLarge) -> Response:
    """413 for a body over the limit."""
    logger.warning("request body too large", extra={"path": request.url.path, "limit": error.limit})
    return failure_response(request, 413, key="error.too_large")


async def body_too_large(request: Request, error: Exception) -> Response:
    """413 for a body found too large while it was read."""
    assert isinstance(error, BodyTooLarge)
    return too_large_response(request, error)


async def too_many_requests(request: Request, error: Exception) -> Response:
    """429 with Retry-After for a client over a rate limit."""
    assert isinstance(error, RateLimited)
    logger.warning("rate limited", extra={"path": request.url.path, "rule": error.rule})
    return failure_response(request, 429, key="error.too_many", retry_after=error.retry_after)


async def busy(request: Request, error: Exception) -> Response:
    """503 with Retry-After when password hashing is saturated (a login flood)."""
    logger.warning("password hashing busy", extra={"path": request.url.path})
    retry_after = request.app.state.settings.retry_after_seconds
    return failure_response(request, 503, key="error.unavailable", retry_after=retry_after)
