"""Filing reports: validation, routing, photos, privacy, reporter views and rating rules."""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from fastapi.testclient import TestClient

from app.core.config import Settings
from app.core.profile import Profile
from app.domain.tracking import tracking_prefix
from app.models import OfficerRole
from tests.conftest import (
    JPEG,
    PASSWORD,
    PNG,
    WEBP,
    OfficerFactory,
    Places,
    ReportFactory,
    finish_report,
)


def _citizen_headers(client: TestClient) -> dict[str, str]:
    email = f"pelapor-{secrets.token_hex(3)}@example.org"
    client.post(
        "/api/auth/register", json={"email": email, "full_name": "Pelapor", "password": PASSWORD}
    )
    token = client.post("/api/auth/login", json={"email": email, "password": PASSWORD}).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


def test_guest_report_is_routed_to_the_village(
    file_report: ReportFactory, places: Places, profile: Profile, settings: Settings
) -> None:
    body = file_report("ZZ-TEST-VILLAGE", places.village.code)
    prefix = tracking_prefix(profile.app.slug, settings.tracking_prefix)
    assert re.match(rf"^{prefix}-\d{{4}}-[0-9A-Z]{{6}}$", body["tracking_number"])
    assert body["status"] == "Menunggu"
    assert body["handling_region_code"] == places.village.code
    assert body["handling_agency"] == "Dinas Uji"
    assert body["outside_authority"] is False
    assert body["access_code"]
    assert datetime.fromisoformat(body["due_at"]) > datetime.fromisoformat(body["created_at"])


def test_regency_level_service_goes_to_the_regency(
    file_report: ReportFactory, places: Places
) -> None:
    body = file_report("ZZ-TEST-REGENCY", places.village.code)
    assert body["handling_region_code"] == places.regency.code


def test_outside_authority_is_forwarded_not_dropped(
    client: TestClient, file_report: ReportFactory, places: Places, officer_headers: OfficerFactory
) -> None:
    body = file_report("ZZ-TEST-LUAR", places.village.code)
    assert body["outside_authority"] is True
    tracked = client.get(f"/api/track/{body['tracking_number']}").json()
    assert tracked["outside_authority"] is True
    assert tracked["forwarded_to"] == "Lembaga Luar Uji"
    assert tracked["status"] == "Menunggu"
    headers = officer_headers(places.province.code)
    detail = client.get(f"/api/desk/reports/{body['tracking_number']}", headers=headers).json()
    assert detail["forwards"][0]["agency_code"] == "ZZ-TEST-LUAR"
    assert detail["forwards"][0]["contact"] == "https://pengaduan.example.org"


def test_profile_services_accept_reports(
    file_report: ReportFactory, places: Places, profile: Profile
) -> None:
    for service in profile.services:
        if service.kind != "report" or any(a.required for a in service.attributes):
            continue
        body = file_report(service.code, places.village.code)
        agency = next(a for a in profile.agencies if a.code == service.agency)
        assert body["outside_authority"] is agency.external


def test_attributes_are_validated(client: TestClient, places: Places) -> None:
    data = {
        "service_code": "ZZ-TEST-VILLAGE",
        "description": "x",
        "region_code": places.village.code,
        "contact_phone": "0812",
    }
    missing = client.post("/api/reports", data=data)
    assert missing.status_code == 422
    assert missing.json() == {"detail": "Attribute 'tingkat' is required for this service."}
    wrong = client.post("/api/reports", data={**data, "attributes": '{"tingkat": "parah"}'})
    assert wrong.status_code == 422
    assert "does not accept 'parah'" in wrong.json()["detail"]
    number = client.post(
        "/api/reports", data={**data, "attributes": '{"tingkat": "berat", "jumlah": "tiga"}'}
    )
    assert number.status_code == 422
    good = client.post(
        "/api/reports", data={**data, "attributes": '{"tingkat": "berat", "jumlah": "3"}'}
    )
    assert good.status_code == 201


def test_location_and_contact_are_required(client: TestClient, places: Places) -> None:
    base = {"service_code": "ZZ-TEST-PROVINCE", "description": "Ada masalah"}
    no_place = client.post("/api/reports", data={**base, "contact_email": "a@example.org"})
    assert no_place.status_code == 422
    assert no_place.json()["detail"].startswith("A location is required")
    no_contact = client.post("/api/reports", data={**base, "region_code": places.village.code})
    assert no_contact.status_code == 422
    assert "contact" in no_contact.json()["detail"]
    by_coordinates = client.post(
        "/api/reports",
        data={**base, "lat": "-5.42", "long": "105.26", "contact_email": "a@example.org"},
    )
    assert by_coordinates.status_code == 201
    assert by_coordinates.json()["handling_region_code"] == places.province.code


def test_unknown_service_and_region(client: TestClient, places: Places) -> None:
    base = {"description": "x", "contact_email": "a@example.org"}
    unknown_service = client.post(
        "/api/reports", data={**base, "service_code": "NOPE", "region_code": places.village.code}
    )
    assert unknown_service.status_code == 404
    unknown_region = client.post(
        "/api/reports", data={**base, "service_code": "ZZ-TEST-PROVINCE", "region_code": "00.00"}
    )
    assert unknown_region.status_code == 404


def test_photos_are_stored_and_served(
    client: TestClient, file_report: ReportFactory, places: Places
) -> None:
    files = [
        ("photos", ("a.jpg", JPEG, "image/jpeg")),
        ("photos", ("b.png", PNG, "application/octet-stream")),
        ("photos", ("c.webp", WEBP, "image/webp")),
    ]
    body = file_report("ZZ-TEST-VILLAGE", places.village.code, files=files)
    headers = {"X-Access-Code": body["access_code"]}
    detail = client.get(f"/api/reports/{body['tracking_number']}", headers=headers).json()
    assert [p["content_type"] for p in detail["photos"]] == [
        "image/jpeg",
        "image/png",
        "image/webp",
    ]
    photo = detail["photos"][1]
    response = client.get(
        f"/api/reports/{body['tracking_number']}/photos/{photo['id']}", headers=headers
    )
    assert response.content == PNG
    assert response.headers["content-type"] == "image/png"
    hidden = client.get(f"/api/reports/{body['tracking_number']}/photos/{photo['id']}")
    assert hidden.status_code == 403


def test_uploads_rejected_by_type(client: TestClient, places: Places) -> None:
    data = {
        "service_code": "ZZ-TEST-PROVINCE",
        "description": "x",
        "region_code": places.village.code,
        "contact_email": "a@example.org",
    }
    fake = [("photos", ("evil.jpg", b"GIF89a not really a jpeg", "image/jpeg"))]
    response = client.post("/api/reports", data=data, files=fake)
    assert response.status_code == 415
    assert response.json() == {
        "detail": "Photo 'evil.jpg' is not a JPEG, PNG or WebP image (judged by its content)."
    }


def test_uploads_rejected_by_size(client: TestClient, places: Places, settings: Settings) -> None:
    data = {
        "service_code": "ZZ-TEST-PROVINCE",
        "description": "x",
        "region_code": places.village.code,
        "contact_email": "a@example.org",
    }
    big = PNG + b"\0" * settings.upload_max_bytes
    response = client.post(
        "/api/reports", data=data, files=[("photos", ("big.png", big, "image/png"))]
    )
    assert response.status_code == 413
    assert f"the limit is {settings.upload_max_bytes} bytes" in response.json()["detail"]


def test_at_most_three_photos(client: TestClient, places: Places) -> None:
    data = {
        "service_code": "ZZ-TEST-PROVINCE",
        "description": "x",
        "region_code": places.village.code,
        "contact_email": "a@example.org",
    }
    files = [("photos", (f"{i}.png", PNG, "image/png")) for i in range(4)]
    response = client.post("/api/reports", data=data, files=files)
    assert response.status_code == 422
    assert response.json() == {"detail": "At most 3 photos can be attached to a report."}


def test_citizen_reports_and_privacy(
    client: TestClient, places: Places, officer_headers: OfficerFactory
) -> None:
    headers = _citizen_headers(client)
    created = client.post(
        "/api/reports",
        headers=headers,
        data={
            "service_code": "ZZ-TEST-DISTRICT",
            "description": "Rahasia: nomor rumah 12",
            "region_code": places.village.code,
            "anonymous": "true",
        },
    ).json()
    assert created["access_code"] is None
    mine = client.get("/api/reports/mine", headers=headers).json()
    assert [r["tracking_number"] for r in mine] == [created["tracking_number"]]
    assert mine[0]["is_public"] is False
    assert mine[0]["contact_email"].startswith("pelapor-")
    # another visitor cannot read it
    assert client.get(f"/api/reports/{created['tracking_number']}").status_code == 403
    # the handling office sees the content but not the anonymous reporter
    officer = officer_headers(places.district.code)
    seen = client.get(f"/api/desk/reports/{created['tracking_number']}", headers=officer).json()
    assert seen["description"] == "Rahasia: nomor rumah 12"
    assert seen["contact_email"] is None
    assert seen["contact_name"] is None


def _close(client: TestClient, number: str, headers: dict[str, str]) -> None:
    finish_report(client, number, headers)


def test_rating_rules(
    client: TestClient, file_report: ReportFactory, places: Places, officer_headers: OfficerFactory
) -> None:
    body = file_report("ZZ-TEST-VILLAGE", places.village.code)
    number, code = body["tracking_number"], body["access_code"]
    rating = {"score": 5, "comment": "Cepat", "access_code": code}
    early = client.post(f"/api/reports/{number}/rating", json=rating)
    assert early.status_code == 409
    assert early.json() == {
        "detail": "A report can be rated only once it is Selesai; this one is Menunggu."
    }
    _close(client, number, officer_headers(places.village.code, OfficerRole.OPERATOR))
    stranger = client.post(f"/api/reports/{number}/rating", json={**rating, "access_code": "x"})
    assert stranger.status_code == 403
    assert (
        client.post(f"/api/reports/{number}/rating", json={**rating, "score": 6}).status_code == 422
    )
    rated = client.post(f"/api/reports/{number}/rating", json=rating)
    assert rated.status_code == 200
    assert rated.json()["rating_score"] == 5
    again = client.post(f"/api/reports/{number}/rating", json=rating)
    assert again.status_code == 409
    assert again.json() == {"detail": "This report has already been rated."}
