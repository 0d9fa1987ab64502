"""Interactive API docs served from local Swagger UI files (no CDN, no inline script)."""

from __future__ import annotations

import html
from pathlib import Path

import swagger_ui
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = Path(swagger_ui.__file__).resolve().parent / "static"
# Swagger UI sets style attributes in its markup; scripts stay same-origin files
DOCS_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def docs_page(title: str, openapi_url: str) -> str:
    """The HTML of the docs page: Swagger UI files plus the app's own start-up script."""
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)} API</title>"
        '<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>'
        f'<body><div id="swagger-ui" data-openapi-url="{html.escape(openapi_url)}"></div>'
        '<script src="/docs/assets/swagger-ui-bundle.js"></script>'
        '<script src="/static/js/api-docs.js"></script></body></html>\n'
    )


def install_docs(app: FastAPI, *, openapi_url: str) -> None:
    """Serve `/docs` and its assets on `app`."""
    page = docs_page(app.title, openapi_url)
    app.mount("/docs/assets", StaticFiles(directory=ASSETS), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(page, headers={"Content-Security-Policy": DOCS_POLICY})
