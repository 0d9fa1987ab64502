"""Photos are judged by their bytes and size."""

from __future__ import annotations

import pytest

from app.core.errors import TooLargeError, UnsupportedMediaError
from app.domain.uploads import clean_photo, sniff_image_type
from tests.conftest import JPEG, PNG, WEBP


def clean(data: bytes, *, filename: str = "x", max_pixels: int = 10_000) -> tuple[str, bytes]:
    return clean_photo(data, filename=filename, max_bytes=1000, max_pixels=max_pixels, max_side=64)


@pytest.mark.parametrize(
    ("data", "media_type"),
    [(JPEG, "image/jpeg"), (PNG, "image/png"), (WEBP, "image/webp")],
)
def test_accepted_types_are_recognised(data: bytes, media_type: str) -> None:
    assert sniff_image_type(data) == media_type
    assert clean(data)[0] == media_type


@pytest.mark.parametrize(
    "data", [b"GIF89a....", b"%PDF-1.7", b"<svg xmlns='http://www.w3.org/2000/svg'/>", b""]
)
def test_other_types_are_refused(data: bytes) -> None:
    with pytest.raises(UnsupportedMediaError, match="is not a JPEG, PNG or WebP image"):
        clean(data, filename="x.jpg")


def test_size_limit() -> None:
    with pytest.raises(TooLargeError, match=r"Photo 'big.png' is 1001 bytes; the limit is 1000"):
        clean(PNG + b"\0" * (1001 - len(PNG)), filename="big.png")
