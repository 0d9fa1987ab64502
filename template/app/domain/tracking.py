"""Public tracking numbers such as `ABC-2026-7K3QXM`."""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
SUFFIX_LENGTH = 6


def tracking_prefix(slug: str, override: str | None = None) -> str:
    """The configured prefix, else the first three letters or digits of the app slug."""
    if override:
        return override.upper()
    letters = re.sub(r"[^a-z0-9]", "", slug.lower())
    return (letters[:3] or "RPT").upper()


def new_tracking_number(prefix: str, year: int) -> str:
    """A random, human-readable number (32^6 ~ 10^9 possibilities per prefix and year)."""
    suffix = "".join(secrets.choice(ALPHABET) for _ in range(SUFFIX_LENGTH))
    return f"{prefix}-{year}-{suffix}"


def normalise_tracking_number(text: str) -> str:
    """Upper-case and trimmed, so numbers typed by hand still match."""
    return text.strip().upper()
