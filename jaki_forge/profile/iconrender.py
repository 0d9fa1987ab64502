"""Draws app icons from a checked logo with resvg and the bundled Roboto font (run as a child process)."""

from __future__ import annotations

import base64
import json
import re
import sys
from pathlib import Path
from typing import Any


def font_files() -> list[str]:
    """The Roboto font files (Apache-2.0, from the font-roboto package): text looks the same on every machine."""
    import font_roboto

    return sorted(str(path) for path in Path(font_roboto.font_directory).glob("*.ttf"))


def _svg_to_png(svg: str, *, width: int, height: int | None = None) -> bytes:
    import resvg_py

    fonts = font_files()
    return bytes(
        resvg_py.svg_to_bytes(
            svg_string=svg,
            width=width,
            height=height,
            skip_system_fonts=True,
            font_files=fonts,
            font_family="Roboto",
            sans_serif_family="Roboto",
            serif_family="Roboto",
            monospace_family="Roboto",
            cursive_family="Roboto",
            fantasy_family="Roboto",
        )
    )


def render_icons(picture: dict[str, str], *, primary: str, icons: dict[str, Any], scale: float) -> dict[str, bytes]:
    """Square PNG icons named as in `icons` ({name: (size, maskable)}) from an SVG or base64 PNG picture."""
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", primary):
        raise ValueError(f"the primary colour {primary!r} is not #RRGGBB")
    rasters: dict[int, str] = {}
    out: dict[str, bytes] = {}
    for name, (size, maskable) in icons.items():
        inner = round(size * scale) if maskable else size
        if "svg" in picture:
            if inner not in rasters:
                rasters[inner] = base64.b64encode(_svg_to_png(picture["svg"], width=inner * 2)).decode("ascii")
            data = rasters[inner]
        else:
            data = picture["png"]
        offset = (size - inner) / 2
        background = f'<rect width="{size}" height="{size}" fill="{primary}"/>' if maskable else ""
        canvas = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}">'
            f'{background}<image x="{offset}" y="{offset}" width="{inner}" height="{inner}" '
            f'preserveAspectRatio="xMidYMid meet" href="data:image/png;base64,{data}"/></svg>'
        )
        out[name] = _svg_to_png(canvas, width=size, height=size)
    return out


def main() -> None:
    """Read a job (JSON) on stdin, write {name: base64 PNG} (JSON) on stdout."""
    job = json.loads(sys.stdin.buffer.read())
    icons = render_icons(job["picture"], primary=job["primary"], icons=job["icons"], scale=job["scale"])
    json.dump({name: base64.b64encode(data).decode("ascii") for name, data in icons.items()}, sys.stdout)


if __name__ == "__main__":
    main()
