"""Sessions end for real: logout and password change revoke every token; officers get a day."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

import jwt
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.config import Settings
from app.models import Citizen, Officer, OfficerRole
from tests.conftest import PASSWORD, Places, add_officer
from tests.web.conftest import Login, post_form


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_desk_logout_revokes_the_cookie_and_its_use_as_a_bearer(
    browser: TestClient, officer_login: Login, places: Places
) -> None:
    officer_login(browser, places.province.code, OfficerRole.SUPERVISOR)
    token = browser.cookies["officer_session"]
    assert browser.get("/api/officers/me", headers=_bearer(token)).status_code == 200
    assert browser.get("/desk").status_code == 200
    answer = post_form(browser, "/desk", "/desk/logout", {})
    assert answer.status_code == 303
    assert browser.get("/api/officers/me", headers=_bearer(token)).status_code == 401
    browser.cookies.set("officer_session", token)  # an attacker replays the old cookie
    replay = browser.get("/desk")
    assert replay.status_code == 303
    assert replay.headers["location"].startswith("/desk/login")


def test_citizen_web_logout_revokes_the_session(
    browser: TestClient, citizen_login: Callable[[TestClient], Citizen]
) -> None:
    citizen_login(browser)
    token = browser.cookies["citizen_session"]
    assert browser.get("/api/auth/me", headers=_bearer(token)).status_code == 200
    assert post_form(browser, "/", "/logout", {}).status_code == 303
    assert browser.get("/api/auth/me", headers=_bearer(token)).status_code == 401


def test_api_logout_and_password_change_revoke_old_tokens(client: TestClient) -> None:
    email = f"ganti-{secrets.token_hex(4)}@example.org"
    body = {"email": email, "full_name": "Warga Ganti", "password": PASSWORD}
    assert client.post("/api/auth/register", json=body).status_code == 201

    def login(password: str) -> str | None:
        answer = client.post("/api/auth/login", json={"email": email, "password": password})
        return answer.json()["access_token"] if answer.status_code == 200 else None

    first, second = login(PASSWORD), login(PASSWORD)
    assert first
    assert second
    assert client.post("/api/auth/logout", headers=_bearer(first)).status_code == 204
    assert client.get("/api/auth/me", headers=_bearer(second)).status_code == 401
    third = login(PASSWORD)
    assert third
    weak = {"current_password": PASSWORD, "new_password": "12345678"}
    refused = client.post("/api/auth/password", headers=_bearer(third), json=weak)
    assert refused.status_code == 422
    wrong = {"current_password": "bukan-sandi-lama", "new_password": "sandi-baru-yang-kuat-77"}
    assert client.post("/api/auth/password", headers=_bearer(third), json=wrong).status_code == 403
    change = {"current_password": PASSWORD, "new_password": "sandi-baru-yang-kuat-77"}
    changed = client.post("/api/auth/password", headers=_bearer(third), json=change)
    assert changed.status_code == 200, changed.text
    assert client.get("/api/auth/me", headers=_bearer(third)).status_code == 401
    fresh = changed.json()["access_token"]
    assert client.get("/api/auth/me", headers=_bearer(fresh)).status_code == 200
    assert login(PASSWORD) is None
    assert login("sandi-baru-yang-kuat-77")


def test_officer_sessions_last_one_working_day(
    client: TestClient, engine: Engine, password_hash: str, places: Places, settings: Settings
) -> None:
    officer: Officer = add_officer(engine, password_hash, places.province.code)
    answer = client.post(
        "/api/auth/officer-login", json={"email": officer.email, "password": PASSWORD}
    )
    claims = jwt.decode(answer.json()["access_token"], options={"verify_signature": False})
    lifetime = claims["exp"] - time.time()
    assert 9 * 3600 < lifetime <= 10 * 3600
    assert settings.officer_token_expire_minutes == 600
