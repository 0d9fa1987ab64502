"""Storage backends behind one interface."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from app.core.errors import NotFoundError
from app.domain.storage import LocalStorage, S3Storage


def test_local_storage_round_trip(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    storage.save("reports/A/1.png", b"data", content_type="image/png")
    assert storage.load("reports/A/1.png") == b"data"
    storage.delete("reports/A/1.png")
    with pytest.raises(NotFoundError):
        storage.load("reports/A/1.png")


def test_local_storage_stays_inside_its_directory(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="leaves the storage directory"):
        LocalStorage(tmp_path / "files").save("../escape", b"x", content_type="image/png")


class FakeS3:
    """The three boto3 client calls the backend uses."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], tuple[bytes, str]] = {}

    def put_object(self, *, Bucket: str, Key: str, Body: bytes, ContentType: str) -> None:
        self.objects[(Bucket, Key)] = (Body, ContentType)

    def get_object(self, *, Bucket: str, Key: str) -> dict[str, Any]:
        if (Bucket, Key) not in self.objects:
            raise type("NoSuchKey", (Exception,), {})()
        return {"Body": io.BytesIO(self.objects[(Bucket, Key)][0])}

    def delete_object(self, *, Bucket: str, Key: str) -> None:
        self.objects.pop((Bucket, Key), None)


def test_s3_storage_uses_bucket_and_prefix() -> None:
    client = FakeS3()
    storage = S3Storage("bucket", prefix="p/", client=client)
    storage.save("a.png", b"img", content_type="image/png")
    assert client.objects == {("bucket", "p/a.png"): (b"img", "image/png")}
    assert storage.load("a.png") == b"img"
    storage.delete("a.png")
    with pytest.raises(NotFoundError):
        storage.load("a.png")
