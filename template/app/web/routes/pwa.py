"""Installable web app: manifest, service worker, icons, brand colours, logo, offline page."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request, Response

from app.core.errors import NotFoundError
from app.core.logo import LOGO_SVG, STATIC_DIR, icon_path, svg_response
from app.core.profile import Profile
from app.web.branding import ICONS, MANIFEST_ICONS, brand_of, logo_url
from app.web.context import Web, WebRoute
from app.web.i18n import Translator

router = APIRouter(route_class=WebRoute, include_in_schema=False)
SERVICE_WORKER = STATIC_DIR / "js" / "sw.js"
CACHE_FOR_A_DAY = "public, max-age=86400"


def _profile(request: Request) -> Profile:
    return request.app.state.profile


def shell_urls(request: Request) -> list[str]:
    """What the service worker stores on install: styles, script, logo, icons, offline page."""
    version = request.app.state.web_version
    return [
        "/offline",
        f"/static/css/app.css?v={version}",
        f"/brand.css?v={version}",
        f"/static/js/app.js?v={version}",
        f"{logo_url()}?v={version}",
        "/icons/icon-192.png",
        "/manifest.webmanifest",
    ]


def manifest(profile: Profile, lang: str) -> dict[str, Any]:
    """The web app manifest of this app."""
    t = Translator(lang)
    tagline = profile.app.tagline.get(lang) if profile.app.tagline else None
    icons = [
        {"src": f"/icons/{name}.png", "sizes": f"{size}x{size}", "type": "image/png"}
        | ({"purpose": "maskable"} if maskable else {"purpose": "any"})
        for name, (size, maskable) in ICONS.items()
        if name in MANIFEST_ICONS
    ]
    return {
        "id": "/",
        "name": profile.app.name,
        "short_name": profile.app.short_name,
        "description": tagline or t("app.description", province=profile.province.name),
        "lang": lang,
        "dir": "ltr",
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#FFFFFF",
        "theme_color": brand_of(profile).primary,
        "categories": ["government", "utilities"],
        "icons": icons,
    }


@router.get("/manifest.webmanifest")
def read_manifest(web: Web) -> Response:
    """Name, colours, start page and icons for installing the app."""
    body = json.dumps(manifest(web.profile, web.lang), ensure_ascii=False, indent=1)
    return Response(body, media_type="application/manifest+json")


@router.get("/sw.js")
def read_service_worker(request: Request) -> Response:
    """The service worker, told this version and the app shell to keep."""
    head = (
        f"const VERSION = {json.dumps(request.app.state.web_version)};\n"
        f"const SHELL = {json.dumps(shell_urls(request))};\n"
    )
    return Response(
        head + SERVICE_WORKER.read_text(encoding="utf-8"),
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )


@router.get("/brand.css")
def read_brand_css(request: Request) -> Response:
    """The province's colours and font as CSS custom properties."""
    return Response(
        brand_of(_profile(request)).css(),
        media_type="text/css",
        headers={"Cache-Control": CACHE_FOR_A_DAY},
    )


@router.get("/logo.svg")
def read_logo() -> Response:
    """The SVG logo, sandboxed (served as an image, never as a document that runs anything)."""
    if not LOGO_SVG.is_file():
        raise NotFoundError("This app's logo is a PNG file: /static/logo.png.")
    return svg_response(LOGO_SVG, cache=CACHE_FOR_A_DAY)


@router.get("/icons/{name}.png")
def read_icon(name: str) -> Response:
    """An app icon, drawn from the logo by the generator when the project was made or updated."""
    path = icon_path(name) if name in ICONS else None
    if path is None:
        raise NotFoundError(f"There is no icon {name!r}.")
    headers = {"Cache-Control": CACHE_FOR_A_DAY}
    return Response(path.read_bytes(), media_type="image/png", headers=headers)


@router.get("/favicon.ico")
def read_favicon() -> Response:
    """Browsers ask for this path; answer with the small icon."""
    return read_icon("favicon")


@router.get("/offline")
def offline(web: Web) -> Response:
    """Shown by the service worker when a page is needed and the network is gone."""
    return web.render("offline.html")
