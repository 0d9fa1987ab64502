"""Photos: re-encoded without metadata, pixel-limited, polyglot-proof, served inline and private."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.errors import NotFoundError, TooLargeError
from app.domain.storage import LocalStorage
from app.domain.uploads import clean_photo, reencode_stored
from app.models import Report, ReportPhoto
from tests.conftest import JPEG, PNG, Places, ReportFactory, image_bytes

GPS_IFD = 0x8825


def _jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "KameraUji"  # Make
    exif.get_ifd(GPS_IFD).update({1: "S", 2: (5.0, 25.0, 42.0), 3: "E", 4: (105.0, 15.0, 30.0)})
    return image_bytes("JPEG", (32, 24), exif=exif.tobytes(), comment=b"rumah saya")


def _png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header declares `width` x `height` pixels (the data is not there)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def _public_photo(client: TestClient, file_report: ReportFactory, places: Places, data: bytes):
    body = file_report(
        "ZZ-TEST-VILLAGE",
        places.village.code,
        is_public="true",
        files=[("photos", ("foto.jpg", data, "image/jpeg"))],
    )
    number = body["tracking_number"]
    detail = client.get(f"/api/reports/{number}", headers={"X-Access-Code": body["access_code"]})
    photo_id = detail.json()["photos"][0]["id"]
    return number, client.get(f"/api/reports/{number}/photos/{photo_id}")


def test_exif_gps_is_not_served_to_anonymous_visitors(
    client: TestClient, file_report: ReportFactory, places: Places
) -> None:
    original = _jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)
    number, served = _public_photo(client, file_report, places, original)
    assert served.status_code == 200
    image = Image.open(io.BytesIO(served.content))
    assert image.format == "JPEG"
    assert image.size == (32, 24)
    assert dict(image.getexif()) == {}
    assert b"Exif" not in served.content
    assert b"KameraUji" not in served.content
    assert b"rumah saya" not in served.content
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"].startswith("inline")
    assert served.headers["Cache-Control"].startswith("private")
    listed = client.get(f"/open311/v2/requests/{number}.json").json()[0]
    assert listed["media_url"].endswith(served.url.path)


def test_bytes_after_the_image_do_not_survive(
    client: TestClient, file_report: ReportFactory, places: Places
) -> None:
    polyglot = JPEG + b"<script>alert(document.cookie)</script>"
    _, served = _public_photo(client, file_report, places, polyglot)
    assert served.status_code == 200
    assert b"<script>" not in served.content
    Image.open(io.BytesIO(served.content)).verify()


def test_huge_declared_size_is_refused(client: TestClient, places: Places) -> None:
    answer = client.post(
        "/api/reports",
        data={
            "service_code": "ZZ-TEST-PROVINCE",
            "description": "Foto raksasa",
            "address": "Jalan Uji",
            "contact_email": "warga@example.org",
        },
        files=[("photos", ("besar.png", _png_declaring(50_000, 50_000), "image/png"))],
    )
    assert answer.status_code == 413
    assert "has more pixels" in answer.json()["detail"]


def test_decompression_bomb_is_refused_before_decoding() -> None:
    bomb = image_bytes("PNG", (3000, 3000), optimize=True)  # 9 MP of one colour: a few KB
    assert len(bomb) < 100_000
    with pytest.raises(
        TooLargeError, match=r"has more pixels \(3000x3000\) than the limit of 1000000"
    ):
        clean_photo(bomb, filename="bom.png", max_bytes=100_000, max_pixels=1_000_000, max_side=64)


def test_large_photos_are_scaled_down_and_turned_upright() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees
    photo = image_bytes("JPEG", (400, 200), exif=exif.tobytes())
    media_type, cleaned = clean_photo(
        photo, filename="hp.jpg", max_bytes=100_000, max_pixels=1_000_000, max_side=100
    )
    image = Image.open(io.BytesIO(cleaned))
    assert media_type == "image/jpeg"
    assert image.size == (50, 100)
    assert dict(image.getexif()) == {}


def test_png_keeps_its_pixels() -> None:
    media_type, cleaned = clean_photo(
        PNG, filename="a.png", max_bytes=100_000, max_pixels=1_000, max_side=64
    )
    assert media_type == "image/png"
    assert Image.open(io.BytesIO(cleaned)).getpixel((0, 0)) == (200, 40, 40)


def test_photos_stored_before_cleaning_are_reencoded(
    client: TestClient,
    file_report: ReportFactory,
    places: Places,
    session: Session,
    settings: Settings,
) -> None:
    body = file_report(
        "ZZ-TEST-VILLAGE",
        places.village.code,
        is_public="true",
        files=[
            ("photos", ("lama.jpg", JPEG, "image/jpeg")),
            ("photos", ("rusak.jpg", JPEG, "image/jpeg")),
        ],
    )
    photos = list(
        session.scalars(
            select(ReportPhoto)
            .join(Report)
            .where(Report.tracking_number == body["tracking_number"])
            .order_by(ReportPhoto.id)
        )
    )
    storage = LocalStorage(settings.storage_dir)
    # as an older version stored them: the upload's bytes unchanged, or not an image at all
    storage.save(photos[0].storage_key, _jpeg_with_gps(), content_type="image/jpeg")
    storage.save(photos[1].storage_key, b"\xff\xd8\xff<script>", content_type="image/jpeg")
    cleaned, failed = reencode_stored(photos, storage, max_pixels=1_000_000, max_side=64)
    session.commit()
    assert (cleaned, failed) == (1, 1)
    stored = storage.load(photos[0].storage_key)
    assert b"KameraUji" not in stored
    assert dict(Image.open(io.BytesIO(stored)).getexif()) == {}
    assert photos[0].size == len(stored)
    with pytest.raises(NotFoundError):
        storage.load(photos[1].storage_key)
