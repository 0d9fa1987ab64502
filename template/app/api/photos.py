"""The HTTP answer for a stored photo: shown inline, never sniffed, cached only by the browser."""

from __future__ import annotations

from fastapi import Response

from app.domain.uploads import EXTENSIONS

PHOTO_CACHE = "private, max-age=3600"


def photo_response(content: bytes, media_type: str, *, name: str = "photo") -> Response:
    """`content` as an inline image of `media_type`."""
    extension = EXTENSIONS.get(media_type, "bin")
    return Response(
        content,
        media_type=media_type,
        headers={
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": f'inline; filename="{name}.{extension}"',
            "Cache-Control": PHOTO_CACHE,
        },
    )
