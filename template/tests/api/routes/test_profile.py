"""App identity endpoint."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.core.logo import LOGO_SVG
from app.core.profile import Profile


def test_profile_endpoint(client: TestClient, profile: Profile) -> None:
    body = client.get("/api/profile").json()
    assert body["app"]["name"] == profile.app.name
    assert body["province"]["code"] == profile.province.code
    assert body["branding"]["primary"] == profile.branding.primary
    assert set(body["modules"]) == {"reports", "news", "prices", "integrations"}


def test_logo(client: TestClient) -> None:
    response = client.get("/api/profile/logo.svg")
    if LOGO_SVG.is_file():
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("image/svg+xml")
        assert response.headers["content-security-policy"] == "sandbox"
    else:
        assert response.status_code == 404
