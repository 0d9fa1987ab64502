"""App identity for front-ends: names, colours, languages and enabled modules."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from app.api.deps import LangDep, ProfileDep
from app.core.errors import NotFoundError
from app.core.logo import LOGO_SVG, svg_response

router = APIRouter(prefix="/profile", tags=["profile"])


@router.get("")
def read_profile(request: Request, profile: ProfileDep, lang: LangDep = "id") -> dict[str, Any]:
    """Public facts about this app and province."""
    branding = profile.branding
    return {
        "app": {
            "name": profile.app.name,
            "short_name": profile.app.short_name,
            "tagline": profile.app.tagline.get(lang) if profile.app.tagline else None,
            "domain": profile.app.domain,
            "languages": profile.app.languages,
        },
        "province": {
            "code": profile.province.code,
            "name": profile.province.name,
            "capital": profile.province.capital,
            "timezone": profile.province.timezone,
        },
        "branding": {
            "primary": branding.primary,
            "secondary": branding.secondary,
            "accent": branding.accent,
            "text_on_primary": branding.text_on_primary,
            "font": branding.font,
            "logo": LOGO_SVG.is_file(),
        },
        "modules": request.app.state.modules,
    }


@router.get("/logo.svg", response_class=Response)
def read_logo() -> Response:
    """The SVG logo, when the profile has one (sandboxed, like every SVG this app serves)."""
    if not LOGO_SVG.is_file():
        raise NotFoundError("This app has no SVG logo.")
    return svg_response(LOGO_SVG)
