"""Translations: both languages have the same keys, and every key the pages use exists."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi.testclient import TestClient

from app.web.i18n import LOCALES_DIR, Translator, pick_language

WEB = Path(__file__).resolve().parents[2] / "app" / "web"
USED = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']\s*[,)]""")
PREFIXES = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+\.)["']\s*~""")


def _keys(lang: str) -> dict[str, str]:
    return json.loads((LOCALES_DIR / f"{lang}.json").read_text(encoding="utf-8"))


def test_both_languages_have_the_same_keys() -> None:
    indonesian, english = _keys("id"), _keys("en")
    assert sorted(indonesian) == sorted(english)
    assert all(value.strip() for value in [*indonesian.values(), *english.values()])


def test_every_key_used_by_templates_and_routes_is_translated() -> None:
    texts = _keys("id")
    sources = [*WEB.rglob("*.html"), *WEB.rglob("*.py")]
    used = {key for path in sources for key in USED.findall(path.read_text(encoding="utf-8"))}
    assert used, "no t(...) calls found"
    assert sorted(used - set(texts)) == []
    prefixes = {p for path in sources for p in PREFIXES.findall(path.read_text(encoding="utf-8"))}
    for prefix in prefixes:
        assert any(key.startswith(prefix) for key in texts), prefix
    for prefix in ("status.", "kind.", "level.", "role.", "rating.", "lang.name."):
        assert prefix in prefixes or prefix == "rating.", prefix


def test_translator_formats_and_falls_back() -> None:
    assert Translator("en")("service.sla_days", days=3) == "3 working days"
    assert Translator("id")("service.sla_days", days=3) == "3 hari kerja"
    assert Translator("xx")("nav.home") == Translator("id")("nav.home")
    assert Translator("id")("no.such.key") == "no.such.key"


def test_language_choice() -> None:
    assert pick_language(None, None, ["id", "en"]) == ("id", False)
    assert pick_language("en", None, ["id", "en"]) == ("en", True)
    assert pick_language("en", "en", ["id", "en"]) == ("en", False)
    assert pick_language(None, "en", ["id", "en"]) == ("en", False)
    assert pick_language("fr", "de", ["id", "en"]) == ("id", False)


def test_indonesian_by_default_and_english_remembered(browser: TestClient) -> None:
    home = browser.get("/")
    assert '<html lang="id"' in home.text
    assert "Beranda" in home.text
    english = browser.get("/?lang=en")
    assert '<html lang="en"' in english.text
    assert "Home" in english.text
    assert english.cookies.get("lang") == "en"
    assert '<html lang="en"' in browser.get("/services").text
    assert '<html lang="id"' in browser.get("/?lang=id").text
