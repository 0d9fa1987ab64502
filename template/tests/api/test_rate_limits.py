"""Rate limits: logins per address and per account, registrations, lookups, Open311 per key."""

from __future__ import annotations

import itertools
import secrets
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from limits.storage import MemoryStorage
from sqlalchemy import Engine

from app.core.db import create_db_engine
from app.core.profile import Profile
from app.core.ratelimit import DatabaseStorage, RateLimited, RateLimits, create_storage
from app.core.security import hash_secret, new_secret
from app.domain import accounts
from app.main import create_app
from app.models import ApiKey, OfficerRole
from tests.conftest import PASSWORD, Places, add_officer, make_settings
from tests.web.conftest import post_form

_addresses = itertools.count(1)


def _address() -> tuple[str, int]:
    """A client address no other test uses, so counters never leak between tests."""
    number = next(_addresses) + 1000 * secrets.randbelow(1000)
    return (f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}", 40000)


AppFactory = Callable[..., FastAPI]


@pytest.fixture
def limited_app(
    engine: Engine, database: tuple[str, str | None], tmp_path: Path, test_profile: Profile
) -> AppFactory:
    """An app with the default rate limits, or the ones given."""

    def make(**limits: str) -> FastAPI:
        overrides: dict[str, Any] = {f"rate_limit_{name}": value for name, value in limits.items()}
        settings = make_settings(database, tmp_path, **overrides)
        for name in ("login_ip", "login_failures", "register_ip", "lookup_ip"):
            if name not in limits:  # back to the defaults the tests below rely on
                default = type(settings).model_fields[f"rate_limit_{name}"].default
                settings = settings.model_copy(update={f"rate_limit_{name}": default})
        return create_app(settings, profile=test_profile)

    return make


def test_account_under_attack_is_locked_even_for_the_right_password(
    limited_app: AppFactory, engine: Engine, password_hash: str, places: Places
) -> None:
    app = limited_app()
    officer = add_officer(engine, password_hash, places.province.code, role=OfficerRole.ADMIN)
    wrong = {"email": officer.email, "password": "bukan-sandinya-1"}
    answers = [
        TestClient(app, client=_address()).post("/api/auth/officer-login", json=wrong)
        for _ in range(8)
    ]
    assert [a.status_code for a in answers[:5]] == [401] * 5
    assert all(a.status_code == 429 for a in answers[5:])
    assert int(answers[-1].headers["Retry-After"]) > 0
    right = {"email": officer.email, "password": PASSWORD}
    fresh = TestClient(app, client=_address())
    assert fresh.post("/api/auth/officer-login", json=right).status_code == 429
    browser = TestClient(app, client=_address(), follow_redirects=False)
    page = post_form(browser, "/desk/login", "/desk/login", right)
    assert page.status_code == 429
    assert "Terlalu banyak" in page.text
    assert "officer_session" not in page.cookies


def test_login_attempts_are_limited_per_address(limited_app: AppFactory) -> None:
    client = TestClient(limited_app(login_ip="3/minute"), client=_address())
    statuses = [
        client.post(
            "/api/auth/login",
            json={"email": f"orang{n}@example.org", "password": "salah-salah-salah"},
        ).status_code
        for n in range(5)
    ]
    assert statuses == [401, 401, 401, 429, 429]


def test_unknown_accounts_cost_a_password_check_too(
    limited_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    real = accounts.verify_password

    def counting(password: str, hashed: str) -> bool:
        checked.append(hashed)
        return real(password, hashed)

    monkeypatch.setattr(accounts, "verify_password", counting)
    client = TestClient(limited_app(), client=_address())
    answer = client.post(
        "/api/auth/officer-login", json={"email": "tidak-ada@example.org", "password": "x" * 12}
    )
    assert answer.status_code == 401
    assert len(checked) == 1
    assert checked[0].startswith("$argon2")


def test_tracking_guesses_get_429(limited_app: AppFactory) -> None:
    client = TestClient(limited_app(), client=_address())
    statuses = []
    for n in range(200):
        answer = client.get(f"/api/track/TEBAK-2026-{n:06d}")
        statuses.append(answer.status_code)
        if answer.status_code == 429:
            break
    assert statuses[:60] == [404] * 60
    assert statuses[-1] == 429
    assert int(answer.headers["Retry-After"]) > 0
    open311 = client.get("/open311/v2/requests/TEBAK-2026-000001.json")
    assert open311.status_code == 429
    assert open311.json()[0]["code"] == 429
    page = client.get("/track/TEBAK-2026-000001")
    assert page.status_code == 429
    assert "Terlalu banyak" in page.text


def test_registrations_are_limited_per_address(limited_app: AppFactory) -> None:
    client = TestClient(limited_app(register_ip="2/hour"), client=_address())
    statuses = [
        client.post(
            "/api/auth/register",
            json={
                "email": f"baru-{secrets.token_hex(4)}@example.org",
                "full_name": "Warga Baru",
                "password": PASSWORD,
            },
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [201, 201, 429]


def test_open311_posts_are_limited_per_api_key(
    limited_app: AppFactory, engine: Engine, places: Places
) -> None:
    from app.core.db import create_session_factory

    key = new_secret()
    with create_session_factory(engine)() as session:
        session.add(ApiKey(name="mitra", key_hash=hash_secret(key), prefix=key[:8]))
        session.commit()
    app = limited_app(open311_post="2/minute")
    form = {
        "api_key": key,
        "service_code": "ZZ-TEST-PROVINCE",
        "description": "Banjir",
        "address_string": "Jalan Uji",
    }
    statuses = []
    for _ in range(3):  # a different address each time: the limit is the key's
        client = TestClient(app, client=_address())
        answer = client.post("/open311/v2/requests.xml", data=form)
        statuses.append(answer.status_code)
    assert statuses == [201, 201, 429]
    assert "<code>429</code>" in answer.text
    assert int(answer.headers["Retry-After"]) > 0


def test_database_counters_are_shared_by_separate_engines(settings: Any, engine: Engine) -> None:
    other = create_db_engine(settings)
    rule = {"probe": "3/minute"}
    first = RateLimits(rule, storage=DatabaseStorage(engine))
    second = RateLimits(rule, storage=DatabaseStorage(other))
    client = secrets.token_hex(8)
    first.hit("probe", client)
    second.hit("probe", client)
    first.hit("probe", client)
    with pytest.raises(RateLimited) as limited:
        second.hit("probe", client)
    assert 0 < limited.value.retry_after <= 60
    second.clear("probe", client)
    first.hit("probe", client)
    other.dispose()


def test_configured_url_selects_the_limits_storage(engine: Engine) -> None:
    assert isinstance(create_storage(engine, None), DatabaseStorage)
    assert isinstance(create_storage(engine, "memory://"), MemoryStorage)


def test_login_flood_waits_for_a_hashing_slot_then_answers_503(
    limited_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.core import security

    slots = threading.BoundedSemaphore(1)
    monkeypatch.setattr(security, "_hashing", slots)
    monkeypatch.setattr(security, "HASHING_WAIT_SECONDS", 0.05)
    client = TestClient(limited_app(), client=_address())
    body = {"email": "banjir@example.org", "password": "salah-salah-salah"}
    assert slots.acquire()  # another login holds the only slot
    try:
        busy = client.post("/api/auth/login", json=body)
    finally:
        slots.release()
    assert busy.status_code == 503
    assert int(busy.headers["Retry-After"]) > 0
    assert client.post("/api/auth/login", json=body).status_code == 401
