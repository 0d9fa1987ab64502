"""Commodity prices per regency: record, latest, history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from app.core.profile import Profile
from tests.conftest import OfficerFactory, Places


@pytest.fixture
def commodity(profile: Profile) -> str:
    if not profile.commodities:
        pytest.skip("the profile lists no commodities")
    return profile.commodities[0].code


@pytest.fixture
def own_commodity(profile: Profile) -> str:
    """A commodity no other test records prices of: tests/web/test_content.py records the first
    in the same regency and tests/web/test_admin.py the last; each checks which price is latest."""
    if len(profile.commodities) < 3:
        pytest.skip("the profile lists fewer than three commodities")
    return profile.commodities[1].code


def test_commodities(client: TestClient, profile: Profile) -> None:
    body = client.get("/api/prices/commodities").json()
    assert [c["code"] for c in body] == [c.code for c in profile.commodities]


def test_record_latest_and_history(
    client: TestClient, places: Places, officer_headers: OfficerFactory, own_commodity: str
) -> None:
    commodity = own_commodity
    officer = officer_headers(places.regency.code)
    today = date.today() - timedelta(days=5)
    for offset, price in ((2, 13000), (1, 13500), (0, 14000)):
        body = {
            "commodity_code": commodity,
            "region_code": places.regency.code,
            "observed_on": (today - timedelta(days=offset)).isoformat(),
            "price": price,
        }
        response = client.post("/api/prices", headers=officer, json=body)
        assert response.status_code == 201, response.text
    correction = {**body, "price": 14100}
    assert client.post("/api/prices", headers=officer, json=correction).status_code == 201

    latest = client.get("/api/prices", params={"region": places.regency.code}).json()
    mine = next(p for p in latest if p["commodity_code"] == commodity)
    assert mine["price"] == 14100
    assert mine["observed_on"] == today.isoformat()
    assert mine["region_name"] == places.regency.name

    history = client.get(
        "/api/prices/history",
        params={"commodity": commodity, "region": places.regency.code, "days": 30},
    ).json()
    series = [(h["observed_on"], h["price"]) for h in history]
    assert series[-3:] == [
        ((today - timedelta(days=2)).isoformat(), 13000),
        ((today - timedelta(days=1)).isoformat(), 13500),
        (today.isoformat(), 14100),
    ]


def test_prices_are_per_regency_and_in_scope(
    client: TestClient, places: Places, officer_headers: OfficerFactory, commodity: str
) -> None:
    officer = officer_headers(places.regency.code)
    body = {"commodity_code": commodity, "observed_on": "2026-03-02", "price": 1000}
    village = client.post(
        "/api/prices", headers=officer, json={**body, "region_code": places.village.code}
    )
    assert village.status_code == 422
    if places.other_regency is not None:
        other = client.post(
            "/api/prices", headers=officer, json={**body, "region_code": places.other_regency.code}
        )
        assert other.status_code == 403
    assert (
        client.post("/api/prices", json={**body, "region_code": places.regency.code}).status_code
        == 401
    )
