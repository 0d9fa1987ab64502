"""Branding of a generated province profile: a deterministic palette that passes WCAG AA, and an SVG logo."""

from __future__ import annotations

import colorsys
from dataclasses import dataclass
from xml.sax.saxutils import escape

from jaki_forge.profile.colours import AA_NORMAL_TEXT, contrast_ratio

GOLDEN_ANGLE = 137.508
WHITE = "#FFFFFF"
# a little above the AA minimum, so rounding in other tools never tips a colour below it
TARGET_CONTRAST = AA_NORMAL_TEXT + 0.3


@dataclass(frozen=True)
class Palette:
    """The three brand colours and the text colour on the primary one."""

    primary: str
    secondary: str
    accent: str
    text_on_primary: str = WHITE


def _hex(hue: float, lightness: float, saturation: float) -> str:
    r, g, b = colorsys.hls_to_rgb((hue % 360) / 360, lightness, saturation)
    return "#{:02X}{:02X}{:02X}".format(*(round(c * 255) for c in (r, g, b)))


def palette_for(index: int) -> Palette:
    """The palette of the province at position `index` of the facts table: hues spread by the golden angle.

    The primary colour starts at 42 % lightness and darkens until white text on it reaches WCAG AA.
    """
    hue = (index * GOLDEN_ANGLE) % 360
    lightness = 0.42
    primary = _hex(hue, lightness, 0.62)
    while contrast_ratio(primary, WHITE) < TARGET_CONTRAST:
        lightness -= 0.01
        primary = _hex(hue, lightness, 0.62)
    secondary = _hex(hue + 150, 0.55, 0.80)
    accent = _hex(hue + 210, 0.45, 0.70)
    return Palette(primary, secondary, accent)


def initials(name: str) -> str:
    """Up to three letters for a logo: the first letter of each word, or the first two of a single word."""
    words = [w for w in name.replace("-", " ").split() if w[:1].isalpha()]
    if len(words) == 1:
        return words[0][:2].capitalize()
    return "".join(w[0].upper() for w in words[:3])


def logo_svg(app_name: str, palette: Palette) -> str:
    """A simple square logo: rounded tile in the primary colour, a sun in the secondary, the initials in white."""
    letters = escape(initials(app_name))
    size = 200 if len(letters) <= 2 else 160
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512" '
        'role="img" aria-labelledby="title">\n'
        f'  <title id="title">{escape(app_name)}</title>\n'
        f'  <rect x="16" y="16" width="480" height="480" rx="112" fill="{palette.primary}"/>\n'
        f'  <circle cx="384" cy="128" r="56" fill="{palette.secondary}"/>\n'
        f'  <rect x="96" y="392" width="320" height="24" rx="12" fill="{palette.accent}"/>\n'
        f'  <text x="256" y="330" text-anchor="middle" font-family="Arial, sans-serif" font-size="{size}" '
        f'font-weight="800" fill="{palette.text_on_primary}">{letters}</text>\n'
        "</svg>\n"
    )
