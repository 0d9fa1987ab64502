"""File storage behind one interface: local disk, or an S3-compatible bucket (optional extra)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Protocol

from app.core.config import Settings
from app.core.errors import NotFoundError


class Storage(Protocol):
    """Where uploaded files go; keys are relative, slash-separated paths."""

    def save(self, key: str, data: bytes, *, content_type: str) -> None:
        """Store `data` under `key`."""
        ...

    def load(self, key: str) -> bytes:
        """The bytes stored under `key`; NotFoundError when absent."""
        ...

    def delete(self, key: str) -> None:
        """Remove `key` if present."""
        ...


class LocalStorage:
    """Files under a directory on local disk."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"storage key {key!r} leaves the storage directory")
        return path

    def save(self, key: str, data: bytes, *, content_type: str) -> None:
        """Write `data` to `root/key`."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # written beside the target and renamed: a failed write (disk full) leaves no file
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def load(self, key: str) -> bytes:
        """Read `root/key`."""
        path = self._path(key)
        if not path.is_file():
            raise NotFoundError(f"Stored file {key!r} does not exist.", key="stored_file_missing")
        return path.read_bytes()

    def delete(self, key: str) -> None:
        """Delete `root/key` if it exists."""
        self._path(key).unlink(missing_ok=True)


class S3Storage:
    """Objects in an S3-compatible bucket (install the `s3` extra for boto3)."""

    def __init__(self, bucket: str, *, prefix: str = "", client: Any = None, **client_options: Any):
        if client is None:
            try:
                import boto3
            except ImportError as error:
                raise RuntimeError(
                    "STORAGE_BACKEND=s3 needs boto3; install it with `pip install '.[s3]'`"
                ) from error
            options = {key: value for key, value in client_options.items() if value}
            client = boto3.client("s3", **options)
        self.bucket = bucket
        self.prefix = prefix
        self.client = client

    def save(self, key: str, data: bytes, *, content_type: str) -> None:
        """Upload `data` as `prefix + key`."""
        self.client.put_object(
            Bucket=self.bucket, Key=self.prefix + key, Body=data, ContentType=content_type
        )

    def load(self, key: str) -> bytes:
        """Download `prefix + key`."""
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)
        except Exception as error:
            if type(error).__name__ in {"NoSuchKey", "ClientError"}:
                raise NotFoundError(
                    f"Stored file {key!r} does not exist.", key="stored_file_missing"
                ) from error
            raise
        return response["Body"].read()

    def delete(self, key: str) -> None:
        """Delete `prefix + key`."""
        self.client.delete_object(Bucket=self.bucket, Key=self.prefix + key)


def create_storage(settings: Settings) -> Storage:
    """The storage backend selected by STORAGE_BACKEND."""
    if settings.storage_backend == "s3":
        if not settings.s3_bucket:
            raise ValueError("STORAGE_BACKEND=s3 needs S3_BUCKET to name the bucket")
        return S3Storage(
            settings.s3_bucket,
            prefix=settings.s3_prefix,
            endpoint_url=settings.s3_endpoint_url,
            region_name=settings.s3_region,
        )
    return LocalStorage(settings.storage_dir)
