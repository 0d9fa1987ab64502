"""Security headers everywhere, no inline script in pages, API docs local and off in production."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.core.profile import Profile
from app.main import create_app
from app.web.context import TEMPLATES_DIR
from tests.conftest import make_settings

PATHS = ["/", "/services", "/track", "/desk/login", "/api/services", "/open311/v2/services.json"]
PATHS += ["/static/js/app.js", "/healthz", "/api/reports/NOPE"]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    script = re.search(r"script-src ([^;]+)", policy)
    assert script is not None
    assert script.group(1) == "'self'"
    assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers  # not production


def test_templates_have_no_inline_script() -> None:
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:", re.IGNORECASE)
    found = [
        f"{path.name}: {match.group(0)}"
        for path in Path(TEMPLATES_DIR).rglob("*.html")
        for match in inline.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_docs_use_local_assets(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "http" not in page.text  # nothing from a CDN
    for src in re.findall(r'(?:src|href)="([^"]+)"', page.text):
        assert client.get(src).status_code == 200, src
    assert "<script>" not in page.text
    assert client.get("/openapi.json").json()["info"]["title"]


def _production(
    database: tuple[str, str | None], tmp_path: Path, test_profile: Profile, **extra: object
) -> TestClient:
    settings = make_settings(
        database, tmp_path, environment="production", secret_key="p" * 40, **extra
    )
    return TestClient(create_app(settings, profile=test_profile))


def test_production_hides_api_docs_and_sends_hsts(
    engine: object, database: tuple[str, str | None], tmp_path: Path, test_profile: Profile
) -> None:
    client = _production(database, tmp_path, test_profile)
    assert client.get("/docs").status_code == 404
    assert client.get("/openapi.json").status_code == 404
    home = client.get("/")
    assert home.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    enabled = _production(database, tmp_path, test_profile, api_docs=True)
    assert enabled.get("/docs").status_code == 200
    assert enabled.get("/openapi.json").status_code == 200
