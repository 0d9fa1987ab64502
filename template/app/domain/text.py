"""Text normalisation for case- and accent-insensitive search."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+")
_APOSTROPHES = str.maketrans("", "", "'`\u2019")


def normalise(text: str) -> str:
    """Lower-case ASCII words separated by single spaces (`Ma'rang  Jaya` -> `marang jaya`)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_WORD.findall(plain.lower()))


def search_keys(name: str) -> set[str]:
    """The normalised name from each word on, so a prefix match finds any word start."""
    words = normalise(name).split()
    return {" ".join(words[index:]) for index in range(len(words))}


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix`."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)
