"""Citizen registration and login; officer login."""

from __future__ import annotations

import secrets

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.models import Officer, OfficerRole
from tests.conftest import PASSWORD, Places


def test_register_login_and_me(client: TestClient) -> None:
    email = f"warga-{secrets.token_hex(3)}@example.org"
    body = {"email": email.upper(), "full_name": "Warga Uji", "password": PASSWORD}
    created = client.post("/api/auth/register", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["email"] == email
    assert "password" not in created.text
    assert client.post("/api/auth/register", json=body).status_code == 409
    token = client.post("/api/auth/login", json={"email": email, "password": PASSWORD}).json()
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert me.json()["full_name"] == "Warga Uji"


def test_wrong_password(client: TestClient) -> None:
    response = client.post(
        "/api/auth/login", json={"email": "nobody@example.org", "password": "x" * 10}
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "The e-mail address or the password is wrong."}


def test_short_password_is_refused(client: TestClient) -> None:
    body = {"email": "pendek@example.org", "full_name": "A", "password": "123"}
    assert client.post("/api/auth/register", json=body).status_code == 422


def test_bad_token(client: TestClient) -> None:
    response = client.get("/api/auth/me", headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401


def test_officer_login(
    client: TestClient, session: Session, places: Places, password_hash: str
) -> None:
    email = f"op-{secrets.token_hex(3)}@example.org"
    session.add(
        Officer(
            email=email,
            full_name="Operator",
            password_hash=password_hash,
            role=OfficerRole.OPERATOR,
            region_code=places.village.code,
        )
    )
    session.commit()
    token = client.post("/api/auth/officer-login", json={"email": email, "password": PASSWORD})
    assert token.status_code == 200
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    assert client.get("/api/officers/me", headers=headers).json()["email"] == email
    # a citizen token is not an officer token
    assert client.get("/api/desk/reports", headers={"Authorization": "Bearer x"}).status_code == 401
