"""Public tracking shows status, never private details."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Places, ReportFactory


def test_track_shows_minimal_status(
    client: TestClient, file_report: ReportFactory, places: Places
) -> None:
    body = file_report(
        "ZZ-TEST-VILLAGE",
        places.village.code,
        description="Alamat pribadi Jl. Mawar 7",
        contact_name="Siti",
        address="Jl. Mawar 7",
    )
    number = body["tracking_number"]
    tracked = client.get(f"/api/track/{number.lower()}")
    assert tracked.status_code == 200
    data = tracked.json()
    assert data["tracking_number"] == number
    assert data["status"] == "Menunggu"
    assert data["service_name"] == "Uji Desa"
    assert data["is_overdue"] is False
    assert [step["status"] for step in data["history"]] == ["Menunggu"]
    text = tracked.text
    for secret in ("Mawar", "Siti", "warga@example.org", places.village.code):
        assert secret not in text


def test_unknown_number(client: TestClient) -> None:
    response = client.get("/api/track/XXX-2026-AAAAAA")
    assert response.status_code == 404
    assert response.json() == {"detail": "No report has tracking number 'XXX-2026-AAAAAA'."}
