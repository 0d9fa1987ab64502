"""Admins create officers inside their scope."""

from __future__ import annotations

import secrets

import pytest
from fastapi.testclient import TestClient

from app.models import OfficerRole
from tests.conftest import PASSWORD, OfficerFactory, Places


def _body(region: str, role: str = "operator") -> dict[str, str]:
    return {
        "email": f"baru-{secrets.token_hex(3)}@example.org",
        "full_name": "Petugas Baru",
        "password": PASSWORD,
        "role": role,
        "region_code": region,
    }


def test_admin_creates_officer(
    client: TestClient, places: Places, officer_headers: OfficerFactory
) -> None:
    admin = officer_headers(places.province.code, OfficerRole.ADMIN)
    created = client.post("/api/officers", headers=admin, json=_body(places.village.code))
    assert created.status_code == 201, created.text
    assert created.json()["role"] == "operator"
    listed = client.get("/api/officers", headers=admin).json()
    assert created.json()["email"] in [o["email"] for o in listed]
    duplicate = client.post(
        "/api/officers",
        headers=admin,
        json={**_body(places.village.code), "email": created.json()["email"]},
    )
    assert duplicate.status_code == 409


def test_only_admins_create_officers(
    client: TestClient, places: Places, officer_headers: OfficerFactory
) -> None:
    supervisor = officer_headers(places.province.code, OfficerRole.SUPERVISOR)
    response = client.post("/api/officers", headers=supervisor, json=_body(places.village.code))
    assert response.status_code == 403


def test_admin_scope_is_enforced(
    client: TestClient, places: Places, officer_headers: OfficerFactory
) -> None:
    if places.other_regency is None:
        pytest.skip("the profile has a single regency")
    admin = officer_headers(places.regency.code, OfficerRole.ADMIN)
    response = client.post("/api/officers", headers=admin, json=_body(places.other_regency.code))
    assert response.status_code == 403
    assert "outside your scope" in response.json()["detail"]


def test_unknown_region(
    client: TestClient, places: Places, officer_headers: OfficerFactory
) -> None:
    admin = officer_headers(places.province.code, OfficerRole.ADMIN)
    response = client.post(
        "/api/officers", headers=admin, json=_body(places.province.code + ".99.99")
    )
    assert response.status_code == 404


def test_agency_admin_lists_only_the_agencys_officers(
    client: TestClient, places: Places, officer_headers: OfficerFactory
) -> None:
    province = places.province.code
    agency_admin = officer_headers(province, OfficerRole.ADMIN, "ZZ-TEST-DINAS")
    own = {**_body(province), "agency_code": "ZZ-TEST-DINAS"}
    assert client.post("/api/officers", headers=agency_admin, json=own).status_code == 201
    province_admin = officer_headers(province, OfficerRole.ADMIN)
    other = {**_body(province), "agency_code": "ZZ-TEST-OTHER"}
    assert client.post("/api/officers", headers=province_admin, json=other).status_code == 201
    seen = client.get("/api/officers", headers=agency_admin).json()
    assert own["email"] in [o["email"] for o in seen]
    assert {o["agency_code"] for o in seen} == {"ZZ-TEST-DINAS"}
    everyone = client.get("/api/officers", headers=province_admin).json()
    assert {own["email"], other["email"]} <= {o["email"] for o in everyone}
