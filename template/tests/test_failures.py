"""A busy or unreachable database is answered 503 + Retry-After in each surface's own format."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.config import Settings
from app.core.profile import Profile
from app.main import create_app
from tests.conftest import make_settings


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
