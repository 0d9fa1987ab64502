"""Translations of every user-visible text: `locales/<lang>.json`, flat dotted keys."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DEFAULT_LANG = "id"


@lru_cache
def catalogue(lang: str) -> Mapping[str, str]:
    """The texts of `lang` (falling back to Indonesian key by key)."""
    texts = json.loads((LOCALES_DIR / f"{DEFAULT_LANG}.json").read_text(encoding="utf-8"))
    if lang != DEFAULT_LANG:
        path = LOCALES_DIR / f"{lang}.json"
        if path.is_file():
            texts.update(json.loads(path.read_text(encoding="utf-8")))
    return texts


class Translator:
    """`t(name, **values)`: the text called `name` in one language, formatted with the values."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.texts = catalogue(lang)

    def __call__(self, key: str, /, **values: Any) -> str:
        """The translated text; an unknown key is returned as it is so it shows up in tests."""
        text = self.texts.get(key, key)
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        """Whether `key` is translated."""
        return key in self.texts


def pick_language(
    requested: str | None, remembered: str | None, available: list[str]
) -> tuple[str, bool]:
    """The page language and whether the choice is new (to be remembered in a cookie)."""
    languages = [lang for lang in available if (LOCALES_DIR / f"{lang}.json").is_file()]
    languages = languages or [DEFAULT_LANG]
    if requested in languages:
        return str(requested), requested != remembered
    if remembered in languages:
        return str(remembered), False
    return languages[0], False
