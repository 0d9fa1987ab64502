"""Brand colours as CSS custom properties, readable text colours, and PWA icons from the logo."""

from __future__ import annotations

import base64
import hashlib
import html
from dataclasses import dataclass
from pathlib import Path

from app.core.profile import Profile

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR.parent / "static"
PNG_LOGO = STATIC_DIR / "logo.png"
ICONS = {
    # name: (size in pixels, maskable: logo inside the safe zone on a full-bleed background)
    "icon-192": (192, False),
    "icon-512": (512, False),
    "maskable-192": (192, True),
    "maskable-512": (512, True),
    "apple-touch-icon": (180, True),
}
MASKABLE_SCALE = 0.72
AA_CONTRAST = 4.5


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """Relative luminance (WCAG 2) of a `#RRGGBB` colour."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two `#RRGGBB` colours (1 to 21)."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable_on(background: str) -> str:
    """Black or white, whichever reads better on `background`."""
    return (
        "#000000"
        if contrast(background, "#000000") >= contrast(background, "#FFFFFF")
        else "#FFFFFF"
    )


def _mix(colour: str, other: str, amount: float) -> str:
    parts = []
    for i in (1, 3, 5):
        a, b = int(colour[i : i + 2], 16), int(other[i : i + 2], 16)
        parts.append(round(a + (b - a) * amount))
    return "#" + "".join(f"{part:02X}" for part in parts)


def ink(colour: str, background: str = "#FFFFFF") -> str:
    """`colour`, darkened or lightened just enough to reach AA contrast on `background`."""
    towards = "#000000" if luminance(background) > 0.5 else "#FFFFFF"
    candidate = colour.upper()
    step = 0.0
    while contrast(candidate, background) < AA_CONTRAST and step < 1:
        step = round(step + 0.05, 2)
        candidate = _mix(colour, towards, step)
    return candidate


@dataclass(frozen=True)
class Brand:
    """The palette of the app, with text colours that meet WCAG AA."""

    primary: str
    on_primary: str
    primary_ink: str
    primary_soft: str
    secondary: str
    on_secondary: str
    secondary_ink: str
    accent: str
    on_accent: str
    accent_ink: str
    font: str | None

    def css(self) -> str:
        """A `:root` block of custom properties used by `static/css/app.css`."""
        font = f'"{self.font}", ' if self.font else ""
        lines = [
            f"--primary: {self.primary};",
            f"--on-primary: {self.on_primary};",
            f"--primary-ink: {self.primary_ink};",
            f"--primary-soft: {self.primary_soft};",
            f"--secondary: {self.secondary};",
            f"--on-secondary: {self.on_secondary};",
            f"--secondary-ink: {self.secondary_ink};",
            f"--accent: {self.accent};",
            f"--on-accent: {self.on_accent};",
            f"--accent-ink: {self.accent_ink};",
            f"--font: {font}system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;",
        ]
        return ":root {\n  " + "\n  ".join(lines) + "\n}\n"


def brand_of(profile: Profile) -> Brand:
    """The brand palette of `profile` (text on primary is the profile's validated colour)."""
    b = profile.branding
    font = (b.font or "").replace('"', "").replace("\\", "").replace(";", "") or None
    return Brand(
        primary=b.primary.upper(),
        on_primary=b.text_on_primary.upper(),
        primary_ink=ink(b.primary),
        primary_soft=_mix(b.primary, "#FFFFFF", 0.9),
        secondary=b.secondary.upper(),
        on_secondary=readable_on(b.secondary),
        secondary_ink=ink(b.secondary),
        accent=b.accent.upper(),
        on_accent=readable_on(b.accent),
        accent_ink=ink(b.accent),
        font=font,
    )


def logo_url(profile: Profile) -> str:
    """Where pages load the logo from."""
    logo = profile.branding.logo
    if logo is not None and logo.svg:
        return "/logo.svg"
    if PNG_LOGO.is_file():
        return "/static/logo.png"
    return "/icons/icon-192.png"


def _initials_svg(profile: Profile) -> str:
    words = [w for w in profile.app.short_name.replace("-", " ").split() if w]
    letters = "".join(w[0] for w in words[:2]).upper() or "?"
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">'
        f'<rect width="512" height="512" rx="112" fill="{profile.branding.primary}"/>'
        f'<text x="256" y="330" text-anchor="middle" font-family="sans-serif" font-size="220" '
        f'font-weight="700" fill="{profile.branding.text_on_primary}">{html.escape(letters)}</text>'
        "</svg>"
    )


def logo_svg(profile: Profile) -> str | None:
    """The SVG markup of the logo, or None when the logo is a PNG file."""
    logo = profile.branding.logo
    if logo is not None and logo.svg:
        return logo.svg
    if PNG_LOGO.is_file():
        return None
    return _initials_svg(profile)


def _raster_logo(profile: Profile, size: int) -> bytes:
    """The logo as a PNG, `size` pixels wide (SVG rendered; PNG logos used as they are)."""
    import resvg_py

    svg = logo_svg(profile)
    if svg is None:
        return PNG_LOGO.read_bytes()
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, width=size))


def render_icon(profile: Profile, name: str) -> bytes:
    """A square PNG icon (see ICONS) drawn from the logo with resvg."""
    import resvg_py

    size, maskable = ICONS[name]
    inner = round(size * MASKABLE_SCALE) if maskable else size
    picture = base64.b64encode(_raster_logo(profile, inner * 2)).decode("ascii")
    offset = (size - inner) / 2
    background = (
        f'<rect width="{size}" height="{size}" fill="{profile.branding.primary}"/>'
        if maskable
        else ""
    )
    canvas = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}">{background}'
        f'<image x="{offset}" y="{offset}" width="{inner}" height="{inner}" '
        f'preserveAspectRatio="xMidYMid meet" href="data:image/png;base64,{picture}"/></svg>'
    )
    return bytes(resvg_py.svg_to_bytes(svg_string=canvas, width=size, height=size))


def fingerprint(profile: Profile) -> str:
    """A short hash of the branding, static files, templates and texts, to version caches."""
    digest = hashlib.sha256(profile.branding.model_dump_json().encode("utf-8"))
    for root in (STATIC_DIR, WEB_DIR / "templates", WEB_DIR / "locales"):
        for path in sorted(root.rglob("*")):
            if path.is_file():
                digest.update(path.name.encode("utf-8"))
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
