"""Faults: a busy or lost database, a full disk, odd numbers, huge bodies, unexpected errors."""

from __future__ import annotations

import errno
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.profile import Profile
from app.domain.reports import NewReport, file_report
from app.domain.storage import LocalStorage
from app.main import create_app
from app.models import Report
from tests.conftest import PNG, Places, make_settings


def _answers(client: TestClient) -> dict[str, object]:
    return {
        "open311_json": client.post(
            "/open311/v2/requests.json", data={"api_key": "x", "service_code": "ZZ-TEST-PROVINCE"}
        ),
        "open311_xml": client.get("/open311/v2/services.xml"),
        "api": client.get("/api/services"),
        "page": client.get("/", headers={"Accept": "text/html"}),
    }


def _check(answers: dict[str, object], retry_after: int) -> None:
    for name, response in answers.items():
        assert response.status_code == 503, (name, response.text)  # type: ignore[attr-defined]
        assert response.headers["Retry-After"] == str(retry_after)  # type: ignore[attr-defined]
    assert answers["open311_json"].json()[0]["code"] == 503  # type: ignore[attr-defined]
    xml = answers["open311_xml"].text  # type: ignore[attr-defined]
    assert "<errors><error><code>503</code><description>" in xml
    assert "busy" in answers["api"].json()["detail"]  # type: ignore[attr-defined]
    page = answers["page"]
    assert page.headers["content-type"].startswith("text/html")  # type: ignore[attr-defined]
    assert "Layanan sedang sibuk" in page.text  # type: ignore[attr-defined]
    assert "<html" in page.text  # type: ignore[attr-defined]


@pytest.fixture
def exhausted(
    engine: Engine, database: tuple[str, str | None], tmp_path: Path, test_profile: Profile
) -> Iterator[TestClient]:
    """An app whose only pooled connection is taken."""
    settings = make_settings(
        database, tmp_path, db_pool_size=1, db_max_overflow=0, db_pool_timeout=0.2
    )
    app = create_app(settings, profile=test_profile)
    with TestClient(app, raise_server_exceptions=False) as client:
        held = app.state.engine.connect()
        try:
            yield client
        finally:
            held.close()


def test_exhausted_pool_answers_503_quickly_in_each_format(exhausted: TestClient) -> None:
    _check(_answers(exhausted), retry_after=5)


def test_unreachable_database_answers_503_not_500(
    tmp_path: Path, test_profile: Profile, settings: Settings
) -> None:
    # a directory is not a database file: every connection attempt fails, like a stopped server
    broken = settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path}", "database_schema": None}
    )
    app = create_app(broken, profile=test_profile)
    with TestClient(app, raise_server_exceptions=False) as client:
        _check(_answers(client), retry_after=5)
        assert client.get("/readyz").status_code == 503
        assert client.get("/healthz").status_code == 200


class _DiskFull(LocalStorage):
    """Writes half of the second photo, then fails like a full disk."""

    def save(self, key: str, data: bytes, *, content_type: str) -> None:
        if key.endswith("/2.png"):
            path = self._path(key)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")
        super().save(key, data, content_type=content_type)


def test_full_disk_during_upload_leaves_no_file_and_no_report(
    session: Session, settings: Settings, test_profile: Profile, tmp_path: Path
) -> None:
    storage = _DiskFull(tmp_path / "files")
    data = NewReport(
        service_code="ZZ-TEST-PROVINCE",
        description="Foto gagal tersimpan",
        address="Jalan Uji",
        contact_email="warga@example.org",
        photos=[("a.png", PNG), ("b.png", PNG)],
    )
    before = session.scalar(select(func.count()).select_from(Report))
    with pytest.raises(OSError, match="No space left"):
        file_report(session, data, settings=settings, profile=test_profile, storage=storage)
    assert [p for p in (tmp_path / "files").rglob("*") if p.is_file()] == []
    assert session.scalar(select(func.count()).select_from(Report)) == before


def test_local_storage_failed_write_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = LocalStorage(tmp_path)

    def disk_full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("app.domain.storage.os.replace", disk_full)
    with pytest.raises(OSError, match="No space left"):
        storage.save("reports/A/1.png", PNG, content_type="image/png")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "1e309", "-1e309"])
def test_non_finite_numbers_are_refused(client: TestClient, places: Places, value: str) -> None:
    response = client.post(
        "/api/reports",
        data={
            "service_code": "ZZ-TEST-VILLAGE",
            "description": "Angka aneh",
            "region_code": places.village.code,
            "contact_email": "warga@example.org",
            "attributes": json.dumps({"tingkat": "ringan", "jumlah": value}),
        },
    )
    assert response.status_code == 422, response.text
    assert "finite number" in response.json()["detail"]


@pytest.mark.parametrize("value", ["nan", "inf", "1e309"])
def test_non_finite_coordinates_are_refused(client: TestClient, value: str) -> None:
    response = client.post(
        "/api/reports",
        data={
            "service_code": "ZZ-TEST-PROVINCE",
            "description": "Koordinat aneh",
            "lat": value,
            "long": "105.2",
            "contact_email": "warga@example.org",
        },
    )
    assert response.status_code == 422, response.text


def test_oversized_bodies_are_refused_before_they_are_read(client: TestClient) -> None:
    huge = b'{"email": "a@example.org", "password": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    response = client.post(
        "/api/auth/login", content=huge, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]
    streamed = client.post(
        "/open311/v2/requests.xml",
        content=iter([b"api_key=x&description=" + b"y" * 65536] * 64),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert streamed.status_code == 413
    assert "<code>413</code>" in streamed.text


def test_login_password_has_a_maximum_length(client: TestClient) -> None:
    response = client.post(
        "/api/auth/login", json={"email": "a@example.org", "password": "x" * 10_000}
    )
    assert response.status_code == 422


def test_unexpected_errors_answer_in_each_surface_format(
    settings: Settings, test_profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError("bug")

    monkeypatch.setattr("app.api.routes.open311.filter_services", broken)
    monkeypatch.setattr("app.web.routes.home.by_group", broken)
    app = create_app(settings, profile=test_profile)
    with TestClient(app, raise_server_exceptions=False) as client:
        open311 = client.get("/open311/v2/services.json")
        assert open311.status_code == 500
        assert open311.json()[0]["code"] == 500
        page = client.get("/")
        assert page.status_code == 500
        assert page.headers["content-type"].startswith("text/html")
        assert "Terjadi kesalahan" in page.text


def test_stopped_postgresql_answers_503_in_each_format(
    tmp_path: Path, test_profile: Profile, settings: Settings
) -> None:
    pytest.importorskip("psycopg")
    # nothing listens on port 1: the same refusal as a stopped database server
    stopped = settings.model_copy(
        update={
            "database_url": "postgresql+psycopg://postgres@127.0.0.1:1/stopped",
            "database_schema": None,
        }
    )
    app = create_app(stopped, profile=test_profile)
    with TestClient(app, raise_server_exceptions=False) as client:
        _check(_answers(client), retry_after=5)
