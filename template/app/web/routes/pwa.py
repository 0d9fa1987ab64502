"""Installable web app: manifest, service worker, icons, brand colours, logo, offline page."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request, Response

from app.core.errors import NotFoundError
from app.core.profile import Profile
from app.web.branding import ICONS, STATIC_DIR, brand_of, logo_svg, render_icon
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
        f"/logo.svg?v={version}"
        if logo_svg(_profile(request))
        else f"/static/logo.png?v={version}",
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
        if name != "apple-touch-icon"
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
def read_logo(request: Request) -> Response:
    """The SVG logo."""
    svg = logo_svg(_profile(request))
    if svg is None:
        raise NotFoundError("This app's logo is a PNG file: /static/logo.png.")
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": CACHE_FOR_A_DAY})


@router.get("/icons/{name}.png")
def read_icon(request: Request, name: str) -> Response:
    """An app icon drawn from the logo (rendered once per process)."""
    if name not in ICONS:
        raise NotFoundError(f"There is no icon {name!r}.")
    cache: dict[str, bytes] = request.app.state.web_icons
    if name not in cache:
        cache[name] = render_icon(_profile(request), name)
    return Response(cache[name], media_type="image/png", headers={"Cache-Control": CACHE_FOR_A_DAY})


@router.get("/favicon.ico")
def read_favicon(request: Request) -> Response:
    """Browsers ask for this path; answer with the small icon."""
    return read_icon(request, "icon-192")


@router.get("/offline")
def offline(web: Web) -> Response:
    """Shown by the service worker when a page is needed and the network is gone."""
    return web.render("offline.html")
