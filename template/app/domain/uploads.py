"""Photo uploads: decoded with a pixel limit and re-encoded, so no metadata or extra bytes stay."""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterable

from PIL import Image, ImageOps, UnidentifiedImageError

from app.core.errors import NotFoundError, TooLargeError, UnsupportedMediaError
from app.domain.storage import Storage
from app.models import ReportPhoto

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
JPEG_QUALITY = 85


def sniff_image_type(data: bytes) -> str | None:
    """The media type of a JPEG, PNG or WebP image judged by its magic bytes, else None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _unreadable(filename: str) -> UnsupportedMediaError:
    return UnsupportedMediaError(
        f"Photo {filename!r} is not a JPEG, PNG or WebP image (judged by its content)."
    )


def _too_many_pixels(filename: str, limit: int, size: str) -> TooLargeError:
    return TooLargeError(f"Photo {filename!r} has more pixels{size} than the limit of {limit}.")


def clean_photo(
    data: bytes, *, filename: str, max_bytes: int, max_pixels: int, max_side: int
) -> tuple[str, bytes]:
    """(media type, new bytes) of an acceptable photo, or a clear error.

    The image is decoded (after checking its declared size against `max_pixels`), turned
    upright, scaled down to `max_side` and encoded afresh: EXIF (GPS), comments, colour
    profiles and anything appended to the file are left behind.
    """
    if len(data) > max_bytes:
        raise TooLargeError(
            f"Photo {filename!r} is {len(data)} bytes; the limit is {max_bytes} bytes."
        )
    if sniff_image_type(data) is None:
        raise _unreadable(filename)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(_FORMATS)) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise _too_many_pixels(filename, max_pixels, f" ({width}x{height})")
                media_type = _FORMATS[str(image.format)]
                image.draft("RGB", (max_side, max_side))  # JPEG: decode at a smaller scale
                image.load()
                upright = ImageOps.exif_transpose(image)
    except TooLargeError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _too_many_pixels(filename, max_pixels, "") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _unreadable(filename) from None
    upright.thumbnail((max_side, max_side))
    return media_type, _encode(upright, media_type)


def _encode(image: Image.Image, media_type: str) -> bytes:
    """`image` alone, without the metadata it was read with."""
    if media_type == "image/jpeg":
        image = image.convert("L" if image.mode in ("L", "LA", "1") else "RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA")
    image.info = {}
    out = io.BytesIO()
    if media_type == "image/jpeg":
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    elif media_type == "image/png":
        image.save(out, "PNG")
    else:
        image.save(out, "WEBP", quality=JPEG_QUALITY)
    return out.getvalue()


def reencode_stored(
    photos: Iterable[ReportPhoto], storage: Storage, *, max_pixels: int, max_side: int
) -> tuple[int, int]:
    """Re-encode photos stored before uploads were cleaned; (cleaned, unreadable) counts.

    An unreadable file is deleted from storage (it cannot be shown safely); its record stays.
    """
    cleaned = failed = 0
    for photo in photos:
        try:
            data = storage.load(photo.storage_key)
        except NotFoundError:
            continue
        try:
            media_type, content = clean_photo(
                data,
                filename=photo.storage_key,
                max_bytes=max(len(data), 1),
                max_pixels=max_pixels,
                max_side=max_side,
            )
        except (TooLargeError, UnsupportedMediaError):
            storage.delete(photo.storage_key)
            failed += 1
            continue
        storage.save(photo.storage_key, content, content_type=media_type)
        photo.content_type, photo.size = media_type, len(content)
        cleaned += 1
    return cleaned, failed
