"""The app factory: module switches decide which routers exist."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from app.core.config import Settings
from app.core.profile import Profile
from app.main import create_app, enabled_modules
from tests.conftest import make_settings

OFF = {"reports": False, "news": False, "prices": False, "integrations": False}


def test_disabled_modules_are_not_mounted(
    database: tuple[str, str | None], tmp_path: Path, test_profile: Profile, engine: object
) -> None:
    settings = make_settings(database, tmp_path, modules=OFF)
    with TestClient(create_app(settings, profile=test_profile)) as client:
        for path in (
            "/api/news",
            "/api/prices",
            "/api/integrations",
            "/api/track/ABC-2026-AAAAAA",
            "/api/desk/reports",
            "/open311/v2/services.json",
        ):
            assert client.get(path).status_code == 404, path
        assert client.post("/api/reports", data={}).status_code == 404
        assert client.get("/api/profile").json()["modules"] == OFF
        assert client.get("/api/services").status_code == 200


def test_module_settings_override_the_profile(profile: Profile) -> None:
    settings = Settings(_env_file=None, modules={"news": False})  # type: ignore[call-arg]
    modules = enabled_modules(profile, settings)
    assert modules["news"] is False
    assert modules["reports"] is profile.modules.reports


def test_requests_are_logged_as_json(client: TestClient, caplog) -> None:
    with caplog.at_level("INFO", logger="app.access"):
        client.get("/healthz")
    record = next(r for r in caplog.records if r.name == "app.access")
    assert record.path == "/healthz"  # type: ignore[attr-defined]
    assert record.status == 200  # type: ignore[attr-defined]
