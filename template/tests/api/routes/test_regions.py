"""Regions: children, detail with ancestors, search."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.core.profile import Profile
from tests.conftest import Places


def test_top_level_lists_the_regencies(client: TestClient, profile: Profile) -> None:
    body = client.get("/api/regions").json()
    expected = sorted(r.code for r in profile.regions if r.parent == profile.province.code)
    assert [r["code"] for r in body] == expected
    assert all(r["level"] == 2 for r in body)


def test_children_of_a_district(client: TestClient, profile: Profile, places: Places) -> None:
    body = client.get("/api/regions", params={"parent": places.district.code}).json()
    expected = sorted(r.code for r in profile.regions if r.parent == places.district.code)
    assert [r["code"] for r in body] == expected
    assert places.village.code in expected


def test_unknown_parent_is_404(client: TestClient) -> None:
    response = client.get("/api/regions", params={"parent": "99.99.99"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Region '99.99.99' does not exist."}


def test_detail_has_ancestors(client: TestClient, places: Places) -> None:
    body = client.get(f"/api/regions/{places.village.code}").json()
    assert body["name"] == places.village.name
    assert [a["code"] for a in body["ancestors"]] == [
        places.province.code,
        places.regency.code,
        places.district.code,
    ]


def test_search_is_case_insensitive(client: TestClient, places: Places) -> None:
    name = places.village.name
    for query in (name, name.upper(), name.lower()):
        body = client.get("/api/regions/search", params={"q": query, "limit": 100}).json()
        assert places.village.code in [r["code"] for r in body]


def test_search_matches_word_starts(client: TestClient, places: Places) -> None:
    last_word = places.regency.name.split()[-1]
    body = client.get("/api/regions/search", params={"q": last_word, "limit": 100}).json()
    assert places.regency.code in [r["code"] for r in body]
    assert body == sorted(body, key=lambda r: (r["level"], r["name"], r["code"]))


def test_search_without_match(client: TestClient) -> None:
    assert client.get("/api/regions/search", params={"q": "qqxxzz"}).json() == []


def test_search_needs_letters(client: TestClient) -> None:
    response = client.get("/api/regions/search", params={"q": "--"})
    assert response.status_code == 422
