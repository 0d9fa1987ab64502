"""Photo uploads: type sniffed from the bytes (JPEG, PNG, WebP only) and size-limited."""

from __future__ import annotations

from app.core.errors import TooLargeError, UnsupportedMediaError

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def sniff_image_type(data: bytes) -> str | None:
    """The media type of a JPEG, PNG or WebP image judged by its magic bytes, else None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_photo(data: bytes, *, filename: str, max_bytes: int) -> str:
    """Return the media type of an acceptable photo, or raise a clear error."""
    if len(data) > max_bytes:
        raise TooLargeError(
            f"Photo {filename!r} is {len(data)} bytes; the limit is {max_bytes} bytes."
        )
    media_type = sniff_image_type(data)
    if media_type is None:
        raise UnsupportedMediaError(
            f"Photo {filename!r} is not a JPEG, PNG or WebP image (judged by its content)."
        )
    return media_type
