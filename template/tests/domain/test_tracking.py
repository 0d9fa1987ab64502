"""Tracking numbers: prefix from the slug, readable, random."""

from __future__ import annotations

import re

from app.domain.tracking import ALPHABET, new_tracking_number, tracking_prefix


def test_prefix_comes_from_the_slug_or_the_override() -> None:
    assert tracking_prefix("abc-def") == "ABC"
    assert tracking_prefix("ab") == "AB"
    assert tracking_prefix("abc-def", "xyz") == "XYZ"


def test_numbers_are_readable_and_random() -> None:
    numbers = {new_tracking_number("ABC", 2026) for _ in range(200)}
    assert len(numbers) == 200
    pattern = re.compile(rf"^ABC-2026-[{ALPHABET}]{{6}}$")
    assert all(pattern.match(n) for n in numbers)
    assert not set("01IO") & set(ALPHABET)
