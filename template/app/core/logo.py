"""The logo and icons the generator wrote into `app/static/`, and the headers of any SVG served."""

from __future__ import annotations

from pathlib import Path

from fastapi import Response

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
LOGO_SVG = STATIC_DIR / "logo.svg"
LOGO_PNG = STATIC_DIR / "logo.png"
ICON_DIR = STATIC_DIR / "icons"
# An SVG opened on its own is a document that could run script here: sandbox it, never sniff it.
SVG_HEADERS = {"Content-Security-Policy": "sandbox", "X-Content-Type-Options": "nosniff"}


def svg_response(path: Path, *, cache: str | None = None) -> Response:
    """The SVG file at `path` as a sandboxed image/svg+xml response."""
    headers = dict(SVG_HEADERS)
    if cache:
        headers["Cache-Control"] = cache
    return Response(path.read_bytes(), media_type="image/svg+xml", headers=headers)


def icon_path(name: str) -> Path | None:
    """The PNG icon called `name` (e.g. icon-192), or None when there is none."""
    path = ICON_DIR / f"{name}.png"
    return path if name.replace("-", "").isalnum() and path.is_file() else None
