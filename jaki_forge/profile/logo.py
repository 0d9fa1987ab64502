"""The profile's logo: checked (SVG allow-list, PNG fully decoded), carried in the payload, written with its icons."""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jaki_forge.cache import cache_dir
from jaki_forge.errors import TemplateError

MAX_LOGO_BYTES = 1024 * 1024  # 1 MiB, for SVG and PNG logos alike
MAX_PIXELS = 2048 * 2048  # a PNG logo (or a picture embedded in an SVG logo) has at most this many pixels
MAX_SVG_ELEMENTS = 10_000  # elements of the SVG, each <use> counting what it repeats
MAX_SVG_DEPTH = 256  # nesting of elements, following <use> references
RENDER_SECONDS = 60  # all icons of one logo, rendered in a child process that is killed past this
STATIC_DIR = Path("app/static")
ICON_DIR = STATIC_DIR / "icons"

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
# Editors' bookkeeping (Inkscape, Illustrator's RDF metadata): no behaviour in any renderer.
METADATA_NS = frozenset(
    {
        "http://www.inkscape.org/namespaces/inkscape",
        "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "http://creativecommons.org/ns#",
        "http://purl.org/dc/elements/1.1/",
        "http://web.resource.org/cc/",
    }
)
SVG_ELEMENTS = frozenset(
    [
        "svg",
        "g",
        "defs",
        "desc",
        "title",
        "metadata",
        "symbol",
        "use",
        "switch",
        "path",
        "rect",
        "circle",
        "ellipse",
        "line",
        "polyline",
        "polygon",
        "text",
        "tspan",
        "textPath",
        "image",
        "linearGradient",
        "radialGradient",
        "stop",
        "pattern",
        "clipPath",
        "mask",
        "marker",
        "style",
        "filter",
        "feBlend",
        "feColorMatrix",
        "feComponentTransfer",
        "feComposite",
        "feConvolveMatrix",
        "feDiffuseLighting",
        "feDisplacementMap",
        "feDistantLight",
        "feDropShadow",
        "feFlood",
        "feFuncA",
        "feFuncB",
        "feFuncG",
        "feFuncR",
        "feGaussianBlur",
        "feImage",
        "feMerge",
        "feMergeNode",
        "feMorphology",
        "feOffset",
        "fePointLight",
        "feSpecularLighting",
        "feSpotLight",
        "feTile",
        "feTurbulence",
    ]
)
# Elements whose href may carry an embedded picture; every other href points inside the document (#id).
PICTURE_ELEMENTS = frozenset({"image", "feImage"})
DATA_PICTURE = re.compile(r"data:image/(png|jpeg|gif|webp);base64,([A-Za-z0-9+/=\s]*)", re.DOTALL)
CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
CSS_FORBIDDEN = re.compile(r"@import|@font-face|image-set\(|expression\(|javascript:|-moz-binding", re.IGNORECASE)
ICONS = {
    # name: (size in pixels, maskable: the logo inside the safe zone on a full-bleed primary background)
    "icon-192": (192, False),
    "icon-512": (512, False),
    "maskable-192": (192, True),
    "maskable-512": (512, True),
    "apple-touch-icon": (180, True),
    "favicon": (48, False),
}
MASKABLE_SCALE = 0.72


@dataclass(frozen=True)
class LogoProblem:
    """Why a logo cannot be used: the message, a hint, and the line in the logo file when there is one."""

    message: str
    hint: str = ""
    line: int | None = None


class LogoError(TemplateError):
    """The logo in a payload cannot be written (it is not a safe SVG or a sound PNG, or it did not render)."""


def inspect_logo(path: Path) -> list[LogoProblem]:
    """Every reason the file at `path` is not a usable logo; empty when it is one."""
    suffix = path.suffix.lower()
    if suffix not in (".svg", ".png"):
        return [LogoProblem(f"logo '{path.name}' must be an .svg or .png file", "convert the logo to SVG or PNG")]
    if not path.is_file():
        return [LogoProblem(f"logo file not found: {path}", "the path is relative to the profile file")]
    size = path.stat().st_size
    if size > MAX_LOGO_BYTES:
        return [
            LogoProblem(
                f"logo '{path.name}' is {size:,} bytes; a logo may be at most {MAX_LOGO_BYTES:,} bytes (1 MiB)",
                "simplify the drawing or export a smaller image",
            )
        ]
    data = path.read_bytes()
    if suffix == ".png":
        problem = _png_problem(data, f"logo '{path.name}'")
        return [LogoProblem(problem, "export the logo again as a PNG file")] if problem else []
    return svg_problems(data, name=path.name)


def _png_problem(data: bytes, what: str, *, formats: tuple[str, ...] = ("PNG",)) -> str | None:
    """Why `data` is not a complete picture of one of `formats` within MAX_PIXELS; None when it is one."""
    from PIL import Image

    kind = " or ".join(formats)
    try:
        with Image.open(io.BytesIO(data), formats=list(formats)) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                return f"{what} is {width}×{height} pixels; at most {MAX_PIXELS:,} pixels (e.g. 2048×2048) are allowed"
            image.load()  # decode every pixel: a valid header followed by garbage fails here
    except Image.DecompressionBombError:
        return f"{what} has far more than {MAX_PIXELS:,} pixels (e.g. 2048×2048), the most allowed"
    except (OSError, SyntaxError, ValueError, EOFError):
        return f"{what} is not a complete {kind} image: it cannot be decoded"
    return None


def svg_problems(data: bytes, *, name: str) -> list[LogoProblem]:
    """Why the SVG `data` is not a safe logo: anything that runs, loads or expands; empty when it is safe."""
    from lxml import etree

    declaration = re.search(rb"<!(DOCTYPE|ENTITY)", data[:MAX_LOGO_BYTES], re.IGNORECASE)
    if declaration is not None:
        line = data[: declaration.start()].count(b"\n") + 1
        return [
            LogoProblem(
                f"logo '{name}' declares a DOCTYPE or entities, which a logo may not use",
                "remove the <!DOCTYPE …> declaration; write the content out instead of entities",
                line,
            )
        ]
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        reason = re.sub(r", line \d+, column \d+$", "", error.msg or "syntax error")
        return [
            LogoProblem(
                f"logo '{name}' is not valid SVG: {reason}",
                "open it in an SVG editor and save it again",
                error.lineno,
            )
        ]
    if root.tag != f"{{{SVG_NS}}}svg":
        return [
            LogoProblem(
                f"logo '{name}' is XML but its root element is not <svg> in the SVG namespace",
                'export the logo as SVG (the root is <svg xmlns="http://www.w3.org/2000/svg" …>)',
                root.sourceline,
            )
        ]
    problems: list[LogoProblem] = []
    for node in [*root.itersiblings(preceding=True), *root.iter()]:
        problem = _node_problem(node, name)
        if problem is not None:
            problems.append(problem)
    if not problems:
        expanded = _expanded_size(root)
        if expanded is None:
            problems.append(
                LogoProblem(
                    f"logo '{name}' has a <use> that repeats itself",
                    "remove the circular <use> reference",
                    root.sourceline,
                )
            )
        elif expanded < 0:
            problems.append(
                LogoProblem(
                    f"logo '{name}' nests elements and <use> references more than {MAX_SVG_DEPTH} levels deep",
                    "simplify the drawing",
                    root.sourceline,
                )
            )
        elif expanded > MAX_SVG_ELEMENTS:
            problems.append(
                LogoProblem(
                    f"logo '{name}' draws more than {MAX_SVG_ELEMENTS:,} elements (counting what <use> repeats)",
                    "simplify the drawing",
                    root.sourceline,
                )
            )
    return problems[:20]


def _node_problem(node: Any, name: str) -> LogoProblem | None:
    from lxml import etree

    if isinstance(node, etree._ProcessingInstruction):
        return LogoProblem(
            f"logo '{name}' has a processing instruction <?{node.target} …?>, which a logo may not use",
            "remove it (an xml-stylesheet instruction loads outside files)",
            node.sourceline,
        )
    if isinstance(node, etree._Entity):
        return LogoProblem(f"logo '{name}' uses the entity &{node.name};", "write the text out", node.sourceline)
    if not isinstance(node.tag, str):  # comments
        return None
    qname = etree.QName(node)
    if qname.namespace == SVG_NS:
        if qname.localname not in SVG_ELEMENTS:
            return LogoProblem(
                f"<{qname.localname}> is not allowed in a logo (scripts, foreignObject, links and animations "
                "can run code or load files)",
                "remove the element; a logo is a still drawing",
                node.sourceline,
            )
    elif qname.namespace not in METADATA_NS:
        return LogoProblem(
            f"<{qname.localname}> from the namespace '{qname.namespace or 'none'}' is not allowed in a logo",
            "keep to SVG elements",
            node.sourceline,
        )
    for key, value in node.attrib.items():
        problem = _attribute_problem(qname.localname, etree.QName(key), value)
        if problem:
            return LogoProblem(problem[0], problem[1], node.sourceline)
    if qname.namespace == SVG_NS and qname.localname == "style":
        problem = _css_problem(node.text or "", "<style>")
        if problem:
            return LogoProblem(problem[0], problem[1], node.sourceline)
    return None


def _attribute_problem(element: str, key: Any, value: str) -> tuple[str, str] | None:
    local = key.localname
    if local.lower().startswith("on"):
        return f"<{element}> has the event attribute '{local}', which runs code", "remove the attribute"
    if key.namespace == XML_NS and local == "base":
        return f"<{element}> sets xml:base, which moves where references point", "remove the attribute"
    if local == "href" and key.namespace in (None, XLINK_NS):
        target = value.strip()
        if target.startswith("#"):
            return None
        picture = DATA_PICTURE.fullmatch(target)
        if picture and element in PICTURE_ELEMENTS:
            try:
                data = base64.b64decode(re.sub(r"\s", "", picture.group(2)), validate=True)
            except (binascii.Error, ValueError):
                return f"<{element}> embeds a picture whose base64 data is damaged", "embed the picture again"
            formats = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF", "webp": "WEBP"}[picture.group(1)]
            problem = _png_problem(data, f"the picture embedded in <{element}>", formats=(formats,))
            return (problem, "embed a smaller or sound picture") if problem else None
        shown = target if len(target) <= 60 else target[:57] + "…"
        return (
            f"<{element}> refers to '{shown}' outside the logo; a logo may only refer to its own parts (#id) "
            "and embed PNG, JPEG, GIF or WebP pictures as data: URIs",
            "embed the picture in the SVG (most editors have an 'embed images' option) or remove the reference",
        )
    if (local == "style" and key.namespace is None) or "url(" in value.lower():
        return _css_problem(value, f"<{element} {local}=…>")
    return None


def _css_problem(css: str, where: str) -> tuple[str, str] | None:
    forbidden = CSS_FORBIDDEN.search(css)
    if forbidden:
        return f"{where} uses '{forbidden.group()}', which loads or runs something", "remove it from the style"
    for match in CSS_URL.finditer(css):
        if not match.group(2).strip().startswith("#"):
            return (
                f"{where} refers to a file outside the logo with url(…)",
                "only url(#id) references to the logo's own parts are allowed",
            )
    return None


def _expanded_size(root: Any) -> int | None:
    """Elements drawn, each <use> counting what it repeats (None when a <use> repeats itself, -1 when too deep)."""
    from lxml import etree

    ids = {node.get("id"): node for node in root.iter() if isinstance(node.tag, str) and node.get("id")}
    sizes: dict[Any, int] = {}
    visiting: set[Any] = set()

    def size(node: Any, depth: int) -> int | None:
        if node in sizes:
            return sizes[node]
        if node in visiting:
            return None
        if depth > MAX_SVG_DEPTH:  # chains of <use> deeper than any drawing needs
            raise _TooDeep
        visiting.add(node)
        total = 1
        children = [child for child in node if isinstance(child.tag, str)]
        target = node.get("href") or node.get(f"{{{XLINK_NS}}}href") or ""
        if etree.QName(node).localname == "use" and target.startswith("#") and target[1:] in ids:
            children.append(ids[target[1:]])
        for child in children:
            part = size(child, depth + 1)
            if part is None:
                return None
            total += part
            if total > MAX_SVG_ELEMENTS:
                break
        visiting.discard(node)
        sizes[node] = total
        return total

    try:
        return size(root, 0)
    except _TooDeep:
        return -1


class _TooDeep(Exception):
    """Elements and <use> references nest deeper than MAX_SVG_DEPTH."""


def logo_payload(path: Path) -> dict[str, str | None]:
    """The logo as it travels in the answers (once): SVG markup, or a PNG as base64."""
    is_svg = path.suffix.lower() == ".svg"
    data = path.read_bytes()
    return {
        "filename": "logo.svg" if is_svg else "logo.png",
        "media_type": "image/svg+xml" if is_svg else "image/png",
        "svg": data.decode("utf-8-sig") if is_svg else None,
        "png": None if is_svg else base64.b64encode(data).decode("ascii"),
    }


def write_assets(target: Path, payload: dict[str, Any]) -> list[Path]:
    """Write the logo and its icons from the template payload (the `profile` answer) into the tree at `target`.

    Same payload, same bytes. Returns the files written (relative to `target`). A payload whose logo is a PNG
    given without its data (answers from before the PNG travelled in them) uses the tree's own app/static/logo.png,
    or gets icons with the app's initials. A tree of a template release that still draws its icons itself (it has
    no app/core/logo.py) gets only what the toolkit gave it then: a PNG logo at app/static/logo.png.
    """
    branding = payload.get("branding") or {}
    logo = branding.get("logo") or {}
    primary = str(branding.get("primary") or "#0B6E4F")
    svg, png = logo.get("svg"), logo.get("png")
    written: list[Path] = []
    if not (target / "app/core/logo.py").is_file():
        if png:
            data = base64.b64decode(png)
            if len(data) > MAX_LOGO_BYTES or _png_problem(data, "the PNG logo in the answers"):
                raise LogoError("the PNG logo in the answers is not a sound PNG of at most 1 MiB; fix the logo")
            (target / STATIC_DIR).mkdir(parents=True, exist_ok=True)
            (target / STATIC_DIR / "logo.png").write_bytes(data)
            written.append(STATIC_DIR / "logo.png")
        return written
    (target / ICON_DIR).mkdir(parents=True, exist_ok=True)
    if svg:
        data = svg.encode("utf-8")
        problems = svg_problems(data, name="logo.svg") if len(data) <= MAX_LOGO_BYTES else [LogoProblem("too large")]
        if problems:
            raise LogoError(f"the logo in the answers is not a safe SVG: {problems[0].message}; fix the profile's logo")
        written += _replace_logo(target, "logo.svg", data)
        picture = {"svg": svg}
    elif png:
        data = base64.b64decode(png)
        problem = None if len(data) <= MAX_LOGO_BYTES else "too large"
        problem = problem or _png_problem(data, "the PNG logo in the answers")
        if problem:
            raise LogoError(f"{problem}; fix the profile's logo")
        written += _replace_logo(target, "logo.png", data)
        picture = {"png": png}
    elif logo.get("filename") == "logo.png" and (target / STATIC_DIR / "logo.png").is_file():
        # answers written before the PNG travelled in them: the replica's own copy is the logo
        data = (target / STATIC_DIR / "logo.png").read_bytes()
        if len(data) > MAX_LOGO_BYTES or _png_problem(data, "app/static/logo.png"):
            raise LogoError("app/static/logo.png is not a sound PNG of at most 1 MiB; replace it or update --profile")
        picture = {"png": base64.b64encode(data).decode("ascii")}
    else:
        picture = {"svg": _initials_svg(payload, primary)}
    icons = _render(picture, primary)
    for name in ICONS:
        path = ICON_DIR / f"{name}.png"
        (target / path).write_bytes(icons[name])
        written.append(path)
    return written


def _replace_logo(target: Path, filename: str, data: bytes) -> list[Path]:
    for stale in ("logo.svg", "logo.png"):
        if stale != filename:
            (target / STATIC_DIR / stale).unlink(missing_ok=True)
    path = STATIC_DIR / filename
    (target / path).write_bytes(data)
    return [path]


def _initials_svg(payload: dict[str, Any], primary: str) -> str:
    from html import escape

    app = payload.get("app") or {}
    words = [w for w in str(app.get("short_name") or app.get("name") or "").replace("-", " ").split() if w]
    letters = "".join(w[0] for w in words[:2]).upper() or "?"
    on_primary = str((payload.get("branding") or {}).get("text_on_primary") or "#FFFFFF")
    return (
        f'<svg xmlns="{SVG_NS}" width="512" height="512" viewBox="0 0 512 512">'
        f'<rect width="512" height="512" rx="112" fill="{escape(primary)}"/>'
        f'<text x="256" y="330" text-anchor="middle" font-family="Roboto" font-size="220" '
        f'font-weight="700" fill="{escape(on_primary)}">{escape(letters)}</text></svg>'
    )


def _render(picture: dict[str, str], primary: str) -> dict[str, bytes]:
    """The icons, rendered by `jaki_forge.profile.iconrender` in a child process bounded by RENDER_SECONDS.

    Kept in jaki-forge's cache, keyed by the job and the renderer, so the renders of an update (recorded and
    target version) and of a fleet draw each logo once.
    """
    job = json.dumps({"picture": picture, "primary": primary, "icons": ICONS, "scale": MASKABLE_SCALE})
    folder = cache_dir() / "icons" / _icon_key(job)
    if all((folder / f"{name}.png").is_file() for name in ICONS):
        return {name: (folder / f"{name}.png").read_bytes() for name in ICONS}
    icons = _draw(job)
    with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".icons-", dir=folder.parent))
        for name, data in icons.items():
            (staging / f"{name}.png").write_bytes(data)
        try:
            staging.rename(folder)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
    return icons


def _icon_key(job: str) -> str:
    from importlib.metadata import version

    from jaki_forge.profile import iconrender

    digest = hashlib.sha256(job.encode("utf-8"))
    digest.update(Path(iconrender.__file__).read_bytes())
    for package in ("resvg-py", "font-roboto", "pillow"):
        digest.update(f"{package}={version(package)}".encode())
    return digest.hexdigest()[:32]


def _draw(job: str) -> dict[str, bytes]:
    try:
        done = subprocess.run(
            [sys.executable, "-m", "jaki_forge.profile.iconrender"],
            input=job.encode("utf-8"),
            capture_output=True,
            timeout=RENDER_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise LogoError(
            f"drawing the app icons from the logo took longer than {RENDER_SECONDS} s and was stopped; "
            "simplify the logo (fewer elements and filters)"
        ) from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise LogoError(f"the app icons could not be drawn from the logo: {detail[-1] if detail else 'no output'}")
    return {name: base64.b64decode(data) for name, data in json.loads(done.stdout).items()}
