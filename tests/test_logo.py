"""The logo: size limit, the SVG allow-list on safe drawings, and the icons jaki-forge renders into a replica."""

from __future__ import annotations

import base64
import io
import shutil
from pathlib import Path

import pytest
from PIL import Image

from jaki_forge.errors import ProfileError
from jaki_forge.profile import logo
from jaki_forge.profile.load import load_profile
from jaki_forge.profile.logo import ICONS, LogoError, inspect_logo, logo_payload, svg_problems, write_assets

from .conftest import GOOD, PROFILES

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">{}</svg>'


def _profile_with_logo(tmp_path: Path, name: str, data: bytes) -> Path:
    folder = tmp_path / "p"
    shutil.copytree(GOOD, folder)
    (folder / "files" / name).write_bytes(data)
    text = (folder / "minimal.yaml").read_text(encoding="utf-8").replace("files/logo.svg", f"files/{name}")
    (folder / "minimal.yaml").write_text(text, encoding="utf-8")
    return folder / "minimal.yaml"


def test_a_logo_over_1_mib_is_refused_unparsed(tmp_path):
    padding = "<!--" + "x" * logo.MAX_LOGO_BYTES + "-->"
    profile = _profile_with_logo(tmp_path, "big.svg", SVG.format(padding).encode())
    with pytest.raises(ProfileError) as caught:
        load_profile(profile)
    size = len(SVG.format(padding).encode())
    assert str(caught.value) == (
        f"{profile}:22:9: branding.logo: logo 'big.svg' is {size:,} bytes; "
        "a logo may be at most 1,048,576 bytes (1 MiB)\n"
        "  hint: simplify the drawing or export a smaller image"
    )


@pytest.mark.parametrize(
    "body",
    [
        '<rect width="64" height="64" fill="url(#g)"/><linearGradient id="g"><stop offset="0" stop-color="red"/>'
        "</linearGradient>",
        '<defs><circle id="c" r="4"/></defs><use href="#c" x="8"/><use xlink:href="#c" x="16" '
        'xmlns:xlink="http://www.w3.org/1999/xlink"/>',
        '<style>.a { fill: #0B6E4F } .b { clip-path: url(#c) }</style><rect class="a" width="64" height="64"/>',
        '<text x="4" y="40" font-family="Inter, sans-serif" font-weight="800">Lampung-In</text>',
        '<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata>',
    ],
)
def test_ordinary_drawings_pass_the_allow_list(body):
    assert svg_problems(SVG.format(body).encode(), name="ok.svg") == []


def test_an_embedded_raster_picture_is_allowed(tmp_path):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "#C8102E").save(buffer, "PNG")
    data = base64.b64encode(buffer.getvalue()).decode()
    body = f'<image width="64" height="64" href="data:image/png;base64,{data}"/>'
    assert svg_problems(SVG.format(body).encode(), name="ok.svg") == []


@pytest.mark.parametrize("path", [PROFILES / "lampung" / "logo.svg", PROFILES / "jakarta" / "logo.svg"])
def test_the_shipped_logos_are_safe(path):
    assert inspect_logo(path) == []


def _payload(picture: Path | None) -> dict:
    return {
        "app": {"name": "Uji-In", "short_name": "Uji-In"},
        "branding": {
            "primary": "#0B6E4F",
            "text_on_primary": "#FFFFFF",
            "logo": logo_payload(picture) if picture else {"filename": "logo.png", "media_type": "image/png"},
        },
    }


def _tree(path: Path) -> Path:
    """An empty rendered tree of a template release that takes its icons from jaki-forge."""
    (path / "app" / "core").mkdir(parents=True)
    (path / "app" / "core" / "logo.py").write_text('"""Logo files."""\n')
    return path


def _png_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
        image.load()
        return image.size


def test_write_assets_writes_the_logo_and_every_icon_the_same_each_time(tmp_path):
    payload = _payload(PROFILES / "lampung" / "logo.svg")
    first, second = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    written = write_assets(first, payload)
    assert write_assets(second, payload) == written
    assert [str(p) for p in written] == ["app/static/logo.svg"] + [f"app/static/icons/{name}.png" for name in ICONS]
    for path in written:
        assert (first / path).read_bytes() == (second / path).read_bytes(), path
    assert (first / "app/static/logo.svg").read_bytes() == (PROFILES / "lampung" / "logo.svg").read_bytes()
    for name, (size, _) in ICONS.items():
        assert _png_size((first / f"app/static/icons/{name}.png").read_bytes()) == (size, size)


def test_logo_text_is_drawn_with_the_bundled_font_not_the_system_fonts(tmp_path):
    """Text in a logo renders (the vanished-text bug) and does not depend on the fonts installed."""
    text = SVG.format('<text x="4" y="48" font-family="NoSuchFont" font-size="40" fill="#000">AB</text>')
    blank = SVG.format("")
    (tmp_path / "t.svg").write_text(text)
    (tmp_path / "b.svg").write_text(blank)
    with_text = write_assets(_tree(tmp_path / "t"), _payload(tmp_path / "t.svg"))
    without = write_assets(_tree(tmp_path / "b"), _payload(tmp_path / "b.svg"))
    icon = with_text[1]
    assert (tmp_path / "t" / icon).read_bytes() != (tmp_path / "b" / without[1]).read_bytes()
    with Image.open(tmp_path / "t" / icon) as image:
        assert image.convert("RGBA").getbbox() is not None  # something was drawn


def test_a_png_logo_travels_as_base64_and_is_written_back_byte_for_byte(tmp_path):
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), "#0B6E4F").save(buffer, "PNG")
    picture = tmp_path / "logo.png"
    picture.write_bytes(buffer.getvalue())
    payload = _payload(picture)
    assert payload["branding"]["logo"]["svg"] is None
    assert base64.b64decode(payload["branding"]["logo"]["png"]) == buffer.getvalue()
    tree = _tree(tmp_path / "tree")
    (tree / "app/static").mkdir(parents=True)
    (tree / "app/static/logo.svg").write_text("stale")
    written = write_assets(tree, payload)
    assert written[0] == Path("app/static/logo.png")
    assert (tree / "app/static/logo.png").read_bytes() == buffer.getvalue()
    assert not (tree / "app/static/logo.svg").exists()


def test_old_answers_without_png_data_use_the_replicas_own_png_or_initials(tmp_path):
    tree = _tree(tmp_path / "tree")
    written = write_assets(tree, _payload(None))
    assert [str(p) for p in written] == [f"app/static/icons/{name}.png" for name in ICONS]
    initials = (tree / "app/static/icons/icon-192.png").read_bytes()
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "#C8102E").save(buffer, "PNG")
    (tree / "app/static/logo.png").write_bytes(buffer.getvalue())
    write_assets(tree, _payload(None))
    assert (tree / "app/static/icons/icon-192.png").read_bytes() != initials


@pytest.mark.parametrize(
    "svg",
    [
        SVG.format("<script>alert(1)</script>"),
        SVG.format('<image href="file:///etc/passwd"/>'),
        '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + SVG.format("&x;"),
    ],
)
def test_write_assets_refuses_an_unsafe_svg_even_from_edited_answers(tmp_path, svg):
    payload = _payload(None)
    payload["branding"]["logo"] = {"filename": "logo.svg", "media_type": "image/svg+xml", "svg": svg}
    with pytest.raises(LogoError, match="the logo in the answers is not a safe SVG"):
        write_assets(_tree(tmp_path), payload)
    assert not (tmp_path / "app/static/logo.svg").exists()


def test_icon_rendering_is_bounded_in_time(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty-cache"))  # no icons drawn before
    monkeypatch.setattr(logo, "RENDER_SECONDS", 0.001)
    with pytest.raises(LogoError, match=r"took longer than 0.001 s and was stopped"):
        write_assets(_tree(tmp_path), _payload(PROFILES / "lampung" / "logo.svg"))


def test_logo_payload_is_small_and_carries_the_logo_once():
    payload = logo_payload(PROFILES / "lampung" / "logo.svg")
    assert payload["svg"] == (PROFILES / "lampung" / "logo.svg").read_text(encoding="utf-8")
    assert payload["png"] is None


def test_a_tree_of_an_older_template_release_gets_only_its_png_logo(tmp_path):
    """Releases that drew icons in the server: pristine re-renders of them stay as they were."""
    assert write_assets(tmp_path / "svg", _payload(PROFILES / "lampung" / "logo.svg")) == []
    assert not (tmp_path / "svg").exists()
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "#0B6E4F").save(buffer, "PNG")
    (tmp_path / "logo.png").write_bytes(buffer.getvalue())
    assert write_assets(tmp_path / "png", _payload(tmp_path / "logo.png")) == [Path("app/static/logo.png")]
    assert (tmp_path / "png" / "app/static/logo.png").read_bytes() == buffer.getvalue()


def test_icons_are_drawn_once_per_logo(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    payload = _payload(PROFILES / "lampung" / "logo.svg")
    write_assets(_tree(tmp_path / "a"), payload)
    drawn = []
    monkeypatch.setattr(logo, "_draw", lambda job: drawn.append(job) or {})
    write_assets(_tree(tmp_path / "b"), payload)
    assert drawn == []
    for name in ICONS:
        path = f"app/static/icons/{name}.png"
        assert (tmp_path / "a" / path).read_bytes() == (tmp_path / "b" / path).read_bytes()
