"""Photos on S3-compatible storage against a real S3 server (moto) on loopback."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from fastapi.testclient import TestClient
from moto.server import ThreadedMotoServer
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.core.errors import NotFoundError
from app.core.profile import Profile
from app.domain.storage import S3Storage, create_storage
from app.main import create_app
from tests.conftest import JPEG, PNG, Places, make_settings

REGION = "us-east-1"


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An S3-compatible server on 127.0.0.1 and a free port, for this module's tests only."""
    with pytest.MonkeyPatch.context() as env:
        # credentials for the local server only; no AWS configuration file of this machine is read
        env.setenv("AWS_ACCESS_KEY_ID", "test-key")
        env.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
        nowhere = str(tmp_path_factory.mktemp("aws") / "none")
        env.setenv("AWS_CONFIG_FILE", nowhere)
        env.setenv("AWS_SHARED_CREDENTIALS_FILE", nowhere)
        env.setenv("NO_PROXY", "127.0.0.1,localhost")
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()


def new_bucket(endpoint: str) -> tuple[str, Any]:
    client = boto3.client("s3", endpoint_url=endpoint, region_name=REGION)
    name = f"photos-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    return name, client


def keys(client: Any, bucket: str) -> list[str]:
    listed = client.list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def test_s3_storage_round_trip_on_a_real_server(s3_endpoint: str) -> None:
    bucket, client = new_bucket(s3_endpoint)
    storage = S3Storage(bucket, prefix="reports/", endpoint_url=s3_endpoint, region_name=REGION)
    storage.save("LPG-1/1.png", PNG, content_type="image/png")
    assert keys(client, bucket) == ["reports/LPG-1/1.png"]
    head = client.head_object(Bucket=bucket, Key="reports/LPG-1/1.png")
    assert head["ContentType"] == "image/png"
    assert storage.load("LPG-1/1.png") == PNG
    storage.delete("LPG-1/1.png")
    assert keys(client, bucket) == []
    with pytest.raises(NotFoundError, match=r"Stored file 'LPG-1/1\.png' does not exist"):
        storage.load("LPG-1/1.png")
    storage.delete("LPG-1/1.png")  # deleting what is gone is not an error


def test_a_missing_bucket_is_an_outage_not_a_missing_photo(s3_endpoint: str) -> None:
    storage = S3Storage("no-such-bucket", endpoint_url=s3_endpoint, region_name=REGION)
    with pytest.raises(ClientError, match="NoSuchBucket"):
        storage.load("a.png")


@pytest.fixture
def s3_app(
    s3_endpoint: str,
    database: tuple[str, str | None],
    engine: Engine,
    test_profile: Profile,
    tmp_path: Path,
) -> Iterator[tuple[TestClient, str, Any]]:
    """The app on the seeded test database, keeping photos in a fresh bucket on the server."""
    bucket, client = new_bucket(s3_endpoint)
    settings = make_settings(
        database,
        tmp_path,
        storage_backend="s3",
        s3_bucket=bucket,
        s3_endpoint_url=s3_endpoint,
        s3_region=REGION,
        s3_prefix="photos/",
    )
    assert isinstance(create_storage(settings), S3Storage)
    app = create_app(settings, profile=test_profile)
    with TestClient(app, raise_server_exceptions=False) as http:
        yield http, bucket, client


def test_photos_of_a_report_are_uploaded_to_s3_and_served(
    s3_app: tuple[TestClient, str, Any], places: Places
) -> None:
    http, bucket, client = s3_app
    files = [("photos", ("a.jpg", JPEG, "image/jpeg")), ("photos", ("b.png", PNG, "image/png"))]
    data = {
        "service_code": "ZZ-TEST-VILLAGE",
        "description": "Jalan berlubang dekat pasar",
        "contact_email": "warga@example.org",
        "region_code": places.village.code,
        "attributes": '{"tingkat": "ringan"}',
    }
    created = http.post("/api/reports", data=data, files=files)
    assert created.status_code == 201, created.text
    number = created.json()["tracking_number"]
    assert keys(client, bucket) == [
        f"photos/reports/{number}/1.jpg",
        f"photos/reports/{number}/2.png",
    ]
    headers = {"X-Access-Code": created.json()["access_code"]}
    detail = http.get(f"/api/reports/{number}", headers=headers).json()
    second = detail["photos"][1]
    served = http.get(f"/api/reports/{number}/photos/{second['id']}", headers=headers)
    assert served.status_code == 200
    assert served.content == PNG
    assert served.headers["content-type"] == "image/png"

    client.delete_object(Bucket=bucket, Key=f"photos/reports/{number}/2.png")
    gone = http.get(f"/api/reports/{number}/photos/{second['id']}", headers=headers)
    assert gone.status_code == 404


def test_photos_are_deleted_from_s3_when_the_report_cannot_be_saved(
    s3_app: tuple[TestClient, str, Any], places: Places, monkeypatch: pytest.MonkeyPatch
) -> None:
    http, bucket, client = s3_app

    def database_went_away(self: Session) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(Session, "commit", database_went_away)
    data = {
        "service_code": "ZZ-TEST-VILLAGE",
        "description": "Lampu jalan mati",
        "contact_email": "warga@example.org",
        "region_code": places.village.code,
        "attributes": '{"tingkat": "ringan"}',
    }
    failed = http.post("/api/reports", data=data, files=[("photos", ("a.png", PNG, "image/png"))])
    assert failed.status_code == 500
    assert keys(client, bucket) == []  # the uploaded photo was removed again
