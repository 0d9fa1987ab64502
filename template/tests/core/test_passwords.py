"""Passwords: common, guessable and self-describing ones are refused, for admins too."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.core.passwords import password_problem
from app.models import OfficerRole
from app.schemas.account import CitizenCreate, OfficerCreate
from tests.conftest import OfficerFactory, Places


@pytest.mark.parametrize(
    "password",
    ["12345678", "password", "qwertyuiop", "warga.baru@example.org", "Warga Baru", "wargabaru1"],
)
def test_weak_citizen_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationError, match="password"):
        CitizenCreate(email="warga.baru@example.org", full_name="Warga Baru", password=password)


def test_a_passphrase_is_accepted() -> None:
    body = CitizenCreate(
        email="warga.baru@example.org", full_name="Warga Baru", password="kopi-tubruk-di-teras"
    )
    assert body.password == "kopi-tubruk-di-teras"


def test_officers_need_longer_passwords() -> None:
    assert password_problem("Kopi!Teras9", kind="citizen") is None
    assert password_problem("Kopi!Teras9", kind="officer") == (
        "The password needs at least 12 characters."
    )


@pytest.mark.parametrize("password", ["password1234", "admin@example.org", "123456789012"])
def test_weak_admin_passwords_are_refused(password: str, places: Places) -> None:
    with pytest.raises(ValidationError, match=r"too easy to guess|e-mail address"):
        OfficerCreate(
            email="admin@example.org",
            full_name="Admin Provinsi",
            role=OfficerRole.ADMIN,
            region_code=places.province.code,
            password=password,
        )


def test_api_refuses_weak_passwords(
    client: TestClient, officer_headers: OfficerFactory, places: Places
) -> None:
    registered = client.post(
        "/api/auth/register",
        json={"email": "lemah@example.org", "full_name": "Lemah", "password": "password"},
    )
    assert registered.status_code == 422
    assert "too easy to guess" in registered.text
    admin = officer_headers(places.province.code, OfficerRole.ADMIN)
    officer = client.post(
        "/api/officers",
        headers=admin,
        json={
            "email": "petugas.lemah@example.org",
            "full_name": "Petugas Lemah",
            "role": "admin",
            "region_code": places.province.code,
            "password": "petugas.lemah@example.org",
        },
    )
    assert officer.status_code == 422
