"""News and announcements."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.models import OfficerRole
from tests.conftest import OfficerFactory, Places


def test_publish_and_read(
    client: TestClient, places: Places, officer_headers: OfficerFactory
) -> None:
    supervisor = officer_headers(places.province.code, OfficerRole.SUPERVISOR)
    body = {"title": "Pengumuman uji", "body": "Isi", "is_announcement": True}
    created = client.post("/api/news", headers=supervisor, json=body)
    assert created.status_code == 201, created.text
    item_id = created.json()["id"]
    listed = client.get("/api/news", params={"announcements": "true"}).json()
    assert item_id in [n["id"] for n in listed]
    assert client.get(f"/api/news/{item_id}").json()["title"] == "Pengumuman uji"
    assert client.get("/api/news/999999").status_code == 404


def test_only_supervisors_publish(
    client: TestClient, places: Places, officer_headers: OfficerFactory
) -> None:
    operator = officer_headers(places.province.code)
    response = client.post("/api/news", headers=operator, json={"title": "x", "body": "y"})
    assert response.status_code == 403


def test_regional_news_inside_scope(
    client: TestClient, places: Places, officer_headers: OfficerFactory
) -> None:
    supervisor = officer_headers(places.regency.code, OfficerRole.SUPERVISOR)
    body = {"title": "Berita kabupaten", "body": "Isi", "region_code": places.regency.code}
    assert client.post("/api/news", headers=supervisor, json=body).status_code == 201
    province_wide = client.post("/api/news", headers=supervisor, json={"title": "x", "body": "y"})
    assert province_wide.status_code == 403
