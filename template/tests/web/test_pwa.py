"""Installable app: manifest, icons decoded at their sizes, service worker, brand colours."""

from __future__ import annotations

import struct
import zlib

import pytest
from fastapi.testclient import TestClient

from app.core.logo import ICON_DIR, LOGO_SVG
from app.core.profile import Profile
from app.web.branding import AA_CONTRAST, ICONS, brand_of, contrast, css_string, ink, readable_on


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG after checking its signature and header chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR"
    assert length == 13
    header = data[16:29]
    assert zlib.crc32(b"IHDR" + header) == struct.unpack(">I", data[29:33])[0]
    width, height = struct.unpack(">II", header[:8])
    return width, height


def test_manifest_meets_install_criteria(browser: TestClient, test_profile: Profile) -> None:
    answer = browser.get("/manifest.webmanifest")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/manifest+json")
    manifest = answer.json()
    assert manifest["name"] == test_profile.app.name
    assert manifest["short_name"] == test_profile.app.short_name
    assert manifest["start_url"].startswith("/")
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == test_profile.branding.primary.upper()
    sizes = {(i["sizes"], i.get("purpose")) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        image = browser.get(icon["src"])
        assert image.status_code == 200
        assert image.headers["content-type"] == "image/png"
        width = int(icon["sizes"].split("x")[0])
        assert png_size(image.content) == (width, width)


@pytest.mark.parametrize(("name", "size"), [("apple-touch-icon", 180), ("icon-192", 192)])
def test_icons(browser: TestClient, name: str, size: int) -> None:
    assert png_size(browser.get(f"/icons/{name}.png").content) == (size, size)
    assert browser.get("/icons/nope.png").status_code == 404
    assert browser.get("/icons/..%2Fcss%2Fapp.png").status_code == 404
    assert png_size(browser.get("/favicon.ico").content) == (48, 48)


def test_pages_link_manifest_theme_and_icons(browser: TestClient, test_profile: Profile) -> None:
    page = browser.get("/").text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert f'<meta name="theme-color" content="{test_profile.branding.primary.upper()}">' in page
    assert 'rel="apple-touch-icon"' in page
    assert "/static/js/app.js" in page


def test_service_worker_and_offline_page(browser: TestClient) -> None:
    worker = browser.get("/sw.js")
    assert worker.status_code == 200
    assert worker.headers["content-type"].startswith("text/javascript")
    assert worker.text.startswith("const VERSION = ")
    assert '"/offline"' in worker.text
    assert "/static/css/app.css?v=" in worker.text
    for url in ("/static/css/app.css", "/static/js/app.js", "/offline"):
        assert browser.get(url).status_code == 200, url
    assert "offline" in browser.get("/offline").text.lower()


def test_brand_css_carries_the_profile_palette(browser: TestClient, test_profile: Profile) -> None:
    css = browser.get("/brand.css")
    assert css.headers["content-type"].startswith("text/css")
    branding = test_profile.branding
    for colour in (branding.primary, branding.secondary, branding.accent, branding.text_on_primary):
        assert colour.upper() in css.text
    assert css.text.startswith(":root {")


def test_logo_is_served_sandboxed_from_the_generated_file(browser: TestClient) -> None:
    if not LOGO_SVG.is_file():
        assert browser.get("/logo.svg").status_code == 404
        assert browser.get("/static/logo.png").status_code == 200
        pytest.skip("the profile's logo is a PNG file")
    for url in ("/logo.svg", "/static/logo.svg", "/api/profile/logo.svg"):
        answer = browser.get(url)
        assert answer.status_code == 200, url
        assert answer.headers["content-type"].startswith("image/svg+xml"), url
        assert answer.headers["content-security-policy"] == "sandbox", url
        assert answer.headers["x-content-type-options"] == "nosniff", url
        assert answer.content == LOGO_SVG.read_bytes(), url


def test_icons_are_files_not_drawn_by_the_server() -> None:
    for name, (size, _) in ICONS.items():
        path = ICON_DIR / f"{name}.png"
        assert png_size(path.read_bytes()) == (size, size), name


def test_brand_css_quotes_the_font_as_a_css_string() -> None:
    assert css_string("Inter") == '"Inter"'
    assert css_string('a"}\nbody{x:"') == '"a\\22 }\\a body{x:\\22 "'
    assert css_string("</style><script>") == '"\\3c /style\\3e \\3c script\\3e "'


def test_palette_text_colours_reach_aa(test_profile: Profile) -> None:
    brand = brand_of(test_profile)
    assert contrast(brand.on_primary, brand.primary) >= AA_CONTRAST
    assert contrast(brand.primary_ink, "#FFFFFF") >= AA_CONTRAST
    assert contrast(brand.secondary_ink, "#FFFFFF") >= AA_CONTRAST
    assert contrast(brand.accent_ink, "#FFFFFF") >= AA_CONTRAST
    assert contrast(brand.on_accent, brand.accent) >= AA_CONTRAST
    assert contrast(brand.on_secondary, brand.secondary) >= AA_CONTRAST


def test_contrast_helpers() -> None:
    assert round(contrast("#000000", "#FFFFFF"), 1) == 21.0
    assert readable_on("#FFD700") == "#000000"
    assert readable_on("#1D4ED8") == "#FFFFFF"
    assert contrast(ink("#FFD700"), "#FFFFFF") >= AA_CONTRAST
    assert ink("#1D4ED8") == "#1D4ED8"
