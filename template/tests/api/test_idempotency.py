"""Idempotency-Key: a retried report submission files one report, answered again the same way."""

from __future__ import annotations

import secrets
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from app.core.db import create_session_factory
from app.core.security import hash_secret, new_secret
from app.models import ApiKey, Report
from tests.conftest import Places


def _form(places: Places, **extra: str) -> dict[str, str]:
    return {
        "service_code": "ZZ-TEST-PROVINCE",
        "description": "Lampu jalan mati",
        "region_code": places.village.code,
        "contact_email": "warga@example.org",
        **extra,
    }


def _count(engine: Engine, number: str | None = None) -> int:
    stmt = select(func.count()).select_from(Report)
    if number is not None:
        stmt = stmt.where(Report.tracking_number == number)
    with engine.connect() as connection:
        return int(connection.scalar(stmt) or 0)


@pytest.fixture(scope="module")
def api_key(engine: Engine) -> str:
    key = new_secret()
    with create_session_factory(engine)() as session:
        session.add(ApiKey(name="mitra-ulang", key_hash=hash_secret(key), prefix=key[:8]))
        session.commit()
    return key


def test_retried_api_post_files_one_report(
    client: TestClient, engine: Engine, places: Places
) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    before = _count(engine)
    first = client.post("/api/reports", data=_form(places), headers=key)
    again = client.post("/api/reports", data=_form(places), headers=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    number = first.json()["tracking_number"]
    assert again.json()["tracking_number"] == number
    assert _count(engine) == before + 1
    # the first answer may have been lost: the replay's access code opens the report
    code = again.json()["access_code"]
    detail = client.get(f"/api/reports/{number}", headers={"X-Access-Code": code})
    assert detail.status_code == 200
    other = client.post("/api/reports", data=_form(places, description="Lain"), headers=key)
    assert other.status_code == 422
    assert "already used for a different report" in other.json()["detail"]
    fresh = client.post("/api/reports", data=_form(places))
    assert fresh.json()["tracking_number"] != number


def test_retried_open311_post_files_one_report(
    client: TestClient, engine: Engine, places: Places, api_key: str
) -> None:
    form = {
        "api_key": api_key,
        "service_code": "ZZ-TEST-PROVINCE",
        "description": "Pohon tumbang",
        "address_string": "Jalan Uji",
    }
    headers = {"Idempotency-Key": f'"{secrets.token_hex(16)}"'}
    first = client.post("/open311/v2/requests.json", data=form, headers=headers)
    again = client.post("/open311/v2/requests.xml", data=form, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    number = first.json()[0]["service_request_id"]
    assert f"<service_request_id>{number}</service_request_id>" in again.text
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _count(engine, number) == 1
    changed = client.post(
        "/open311/v2/requests.json", data={**form, "description": "Lain"}, headers=headers
    )
    assert changed.status_code == 400
    assert changed.json()[0]["code"] == 400


def test_concurrent_retries_file_one_report(
    client: TestClient, engine: Engine, places: Places
) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    before = _count(engine)
    with ThreadPoolExecutor(6) as pool:
        answers = list(
            pool.map(
                lambda _: client.post("/api/reports", data=_form(places), headers=key), range(6)
            )
        )
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["tracking_number"] for a in answers}) == 1
    assert _count(engine) == before + 1


@pytest.mark.parametrize("value", ["", "x" * 256, "kunci dengan spasi", "kunci-ü"])
def test_malformed_keys_are_refused(client: TestClient, places: Places, value: str) -> None:
    answer = client.post(
        "/api/reports",
        data=_form(places),
        headers={"Idempotency-Key": value.encode()},
    )
    assert answer.status_code == 400
    assert "Idempotency-Key must be" in answer.json()["detail"]
