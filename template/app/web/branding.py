"""Brand colours as CSS custom properties, readable text colours, and where the logo is."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from app.core.logo import LOGO_PNG, LOGO_SVG, STATIC_DIR
from app.core.profile import Profile

WEB_DIR = Path(__file__).resolve().parent
ICONS = {
    # name: (size in pixels, maskable), as the generator draws them into app/static/icons
    "icon-192": (192, False),
    "icon-512": (512, False),
    "maskable-192": (192, True),
    "maskable-512": (512, True),
    "apple-touch-icon": (180, True),
    "favicon": (48, False),
}
MANIFEST_ICONS = ("icon-192", "icon-512", "maskable-192", "maskable-512")
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
        font = f"{css_string(self.font)}, " if self.font else ""
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
    font = b.font or None
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


def logo_url() -> str:
    """Where pages load the logo from (written into app/static by the generator)."""
    if LOGO_SVG.is_file():
        return "/logo.svg"
    if LOGO_PNG.is_file():
        return "/static/logo.png"
    return "/icons/icon-192.png"


def css_string(value: str) -> str:
    """`value` as a quoted CSS string; quotes, backslashes, line breaks and markup escaped."""
    out = []
    for char in value:
        code = ord(char)
        if char in '"\\<>&\u2028\u2029' or code < 0x20 or 0x7F <= code <= 0x9F:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def fingerprint(profile: Profile) -> str:
    """A short hash of the branding, static files, templates and texts, to version caches."""
    digest = hashlib.sha256(profile.branding.model_dump_json().encode("utf-8"))
    for root in (STATIC_DIR, WEB_DIR / "templates", WEB_DIR / "locales"):
        for path in sorted(root.rglob("*")):
            if path.is_file():
                digest.update(path.name.encode("utf-8"))
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
